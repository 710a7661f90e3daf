/**
 * zeroscale/events: the event contract for handlers. `parseEvent(request)` / `parseEvents(request)`
 * read what any backend delivered into one normalised shape (ZeroscaleEvent); code functions also get
 * it as the handler's second argument (`(request, { event, events }) => Response`).
 */
export { decode, eventsFromMessage, NotAnEventError, parseEvent, parseEvents, type EventMessage, type ZeroscaleEvent } from "./parse.js";
export type { EventContext } from "./context.js";
export { eventRequest, type EventRequestInit } from "./request.js";
// The encoder zeroscale's deliverers use (the cloudevents SDK): here, not in the root export, so synth never loads the SDK.
export { encodeQueueEvent, encodeScheduleEvent, withFailure } from "./encode.js";

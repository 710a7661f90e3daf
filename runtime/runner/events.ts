// The event parser the runner hands handlers (lib/events/parse.ts, self-contained). In dist this
// re-export is what the process driver runs; images ship dist/lib/events/parse.js itself as
// runner/events.js (RUNNER_FILES in runtime/drivers/paths.ts).
export { eventsFromMessage, NotAnEventError } from "../../lib/events/parse.js";

import type { ZeroscaleEvent } from "./parse.js";

/** The second argument the runner passes a code function's handler. */
export interface EventContext {
  /** The request's event when it holds exactly one (schedules, queue messages); undefined for plain HTTP requests. */
  readonly event: ZeroscaleEvent | undefined;
  /** Every event of the request (a Lambda batch holds several); empty for plain HTTP requests. */
  readonly events: readonly ZeroscaleEvent[];
}

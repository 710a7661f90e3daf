/**
 * The lifecycle of one instance as the pool sees it: an explicit state machine. `transition` is pure:
 * it maps (state, input) to the next state and the effects the pool must carry out, so every state
 * change lives here (not in assignments scattered over the pool) and is unit-tested on its own
 * (test/instance.test.ts).
 *
 *   starting --ready--> ready --drain--> draining --exited/stopped--> stopped
 *      |  \--drain--> draining              \--exited--> stopped (unexpected)
 *   draining: once idle (no request of the pool's in flight) it asks the data plane to quiesce
 *   (HAProxy: its own connections to it done), and is stopped once that is done (quiesced)
 *      \--exited / not-ready--> failed (a failed start: the pool backs off)
 *   ready --exited, within the backoff's resetAfterMs of becoming ready--> failed (a failed start too)
 */

export type InstanceState = "starting" | "ready" | "draining" | "stopped" | "failed";

export type InstanceInput =
  /** It passed readiness. */
  | { readonly type: "ready" }
  /** Take no new requests and stop once idle (scale-down, eviction, shutdown). */
  | { readonly type: "drain"; readonly reason: string }
  /** Its last in-flight request finished. */
  | { readonly type: "idle" }
  /** The process or container exited (by itself or because it was stopped); `cause` describes how. */
  | { readonly type: "exited"; readonly cause: string }
  /** It did not pass readiness in time. */
  | { readonly type: "not-ready"; readonly cause: string }
  /** A stop the pool asked for completed. */
  | { readonly type: "stopped" }
  /** The data plane carries nothing to it any more (after a quiesce effect). */
  | { readonly type: "quiesced" };

export type InstanceEffect =
  /** Tell the world (logs, metrics, /events); `reason` as given. */
  | { readonly type: "emit"; readonly state: InstanceState; readonly reason?: string }
  /** Stop it (SIGTERM, killed after the function's timeout). */
  | { readonly type: "stop" }
  /** Wait until the data plane carries nothing to it (DataPlane.quiesced), then feed "quiesced". */
  | { readonly type: "quiesce" }
  /** Remove what is left of an instance that exited by itself (a stopped container). */
  | { readonly type: "cleanup" }
  /** Forget it: it serves nothing any more. */
  | { readonly type: "remove" }
  /** Hand buffered requests to ready instances. */
  | { readonly type: "dispatch" }
  /** A start failed: back off and fail the waiters with the cause. `afterReady`: it had passed readiness (then crashed). */
  | { readonly type: "start-failed"; readonly cause: string; readonly afterReady?: boolean };

export interface Transition {
  readonly state: InstanceState;
  readonly effects: readonly InstanceEffect[];
}

/** What the transition needs to know besides the state. */
export interface InstanceContext {
  /** Requests in flight on it now. */
  readonly inflight: number;
  /** Why it is draining (set by the drain input), for the "stopped" event. */
  readonly drainReason?: string | undefined;
  /**
   * Set while it became ready less than the backoff's `resetAfterMs` ago: ms since it did. An exit
   * then is a failed start (it crashes soon after readiness: a crash loop too, backed off).
   */
  readonly readyForMs?: number | undefined;
}

const stay = (state: InstanceState): Transition => ({ state, effects: [] });

/** The next state of an instance and what to do about it. Pure. */
export function transition(state: InstanceState, input: InstanceInput, ctx: InstanceContext): Transition {
  switch (state) {
    case "starting":
      switch (input.type) {
        case "ready":
          return { state: "ready", effects: [{ type: "emit", state: "ready" }, { type: "dispatch" }] };
        case "drain":
          return { state: "draining", effects: [{ type: "emit", state: "draining", reason: input.reason }, { type: "stop" }] };
        case "exited":
          return { state: "failed", effects: [{ type: "remove" }, { type: "start-failed", cause: `exited before ready (${input.cause})` }, { type: "emit", state: "failed", reason: `exited before ready (${input.cause})` }, { type: "cleanup" }] };
        case "not-ready":
          return { state: "failed", effects: [{ type: "remove" }, { type: "start-failed", cause: input.cause }, { type: "emit", state: "failed", reason: input.cause }, { type: "stop" }] };
        case "stopped":
          return { state: "stopped", effects: [{ type: "remove" }, { type: "emit", state: "stopped", reason: "stopped" }] };
        case "idle":
        case "quiesced":
          return stay(state);
      }
      break;
    case "ready":
      switch (input.type) {
        case "drain":
          return { state: "draining", effects: [{ type: "emit", state: "draining", reason: input.reason }, ...(ctx.inflight === 0 ? [{ type: "quiesce" } as const] : [])] };
        case "exited": {
          if (ctx.readyForMs === undefined) {
            return { state: "stopped", effects: [{ type: "remove" }, { type: "emit", state: "stopped", reason: `exited unexpectedly: ${input.cause}` }, { type: "cleanup" }, { type: "dispatch" }] };
          }
          const cause = `exited ${Math.round(ctx.readyForMs)} ms after becoming ready (${input.cause})`;
          return { state: "failed", effects: [{ type: "remove" }, { type: "start-failed", cause, afterReady: true }, { type: "emit", state: "failed", reason: cause }, { type: "cleanup" }, { type: "dispatch" }] };
        }
        case "stopped":
          return { state: "stopped", effects: [{ type: "remove" }, { type: "emit", state: "stopped", reason: "stopped" }] };
        case "ready":
        case "idle":
        case "not-ready":
        case "quiesced":
          return stay(state);
      }
      break;
    case "draining":
      switch (input.type) {
        case "idle":
          return { state, effects: [{ type: "quiesce" }] };
        case "quiesced":
          return { state, effects: [{ type: "stop" }] };
        case "exited":
          // It may have exited by itself while draining (evicted after a reset, not yet stopped): remove what is left.
          return { state: "stopped", effects: [{ type: "remove" }, { type: "emit", state: "stopped", reason: ctx.drainReason ?? "stopped" }, { type: "cleanup" }] };
        case "stopped":
          return { state: "stopped", effects: [{ type: "remove" }, { type: "emit", state: "stopped", reason: ctx.drainReason ?? "stopped" }] };
        case "ready": // scaled down before it was ready: it was stopped on the drain already
        case "drain":
        case "not-ready":
          return stay(state);
      }
      break;
    case "stopped":
    case "failed":
      // Terminal: a late exit or stop completion only makes sure it is forgotten.
      return input.type === "exited" || input.type === "stopped" ? { state, effects: [{ type: "remove" }] } : stay(state);
  }
  return stay(state);
}

export { describeExit, type ExitInfo } from "../drivers/types.js";

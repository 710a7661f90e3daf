/**
 * Event delivery: the one place a trigger's `delivery` (retries, backoff, dead letter, per-attempt
 * timeout) is turned into what each engine really does. Backends compile from `effectiveDelivery`,
 * the local runtime and the KEDA dispatcher retry with `backoffDelayMs`, and docs/events.md is
 * rendered from the same tables.
 */
import { formatDurationMillis } from "../duration.js";
import type { DeadLetterData, DeliveryData, TriggerNode } from "../graph/types.js";
import type { Diagnostic } from "../validation/diagnostic.js";
import { assertNever, type BackoffPolicy, type EngineName } from "../vocabulary.js";

/**
 * The wait before retry `n` (1-based), in ms: Knative's DeliverySpec formulas, used everywhere
 * zeroscale itself retries (gateway, dispatcher, Job scripts): exponential delay x 2^n, linear delay x n.
 */
export function backoffDelayMs(policy: BackoffPolicy, delayMs: number, retry: number): number {
  switch (policy) {
    case "exponential":
      return delayMs * 2 ** retry;
    case "linear":
      return delayMs * retry;
    default:
      return assertNever(policy, "backoff policy");
  }
}

/** Who delivers a trigger's events on an engine. */
export type DeliveryMode =
  /** The platform (or zeroscale's gateway / dispatcher) POSTs each event and applies the delivery policy. */
  | "push"
  /** Nothing delivers: the function reads the broker itself (KEDA pull mode, Container Apps); no policy applies. */
  | "pull";

/** What an engine does with a trigger's delivery policy. */
export interface EffectiveDelivery {
  readonly mode: DeliveryMode;
  /** Attempts after the first (null: the platform's own rule, described in `note`). */
  readonly retries: number | null;
  /** The wait between attempts (null: the platform's own, described in `note`). */
  readonly backoff: { readonly policy: BackoffPolicy; readonly delayMs: number } | null;
  readonly deadLetter: DeadLetterData | null;
  /** Time per attempt, seconds (null: the function's request timeout). */
  readonly timeoutSeconds: number | null;
  /** The platform's own rule where it is not the declared one, e.g. "AWS retries with its own exponential backoff". */
  readonly note?: string;
}

/** Options a backend passes to its engine's delivery model. */
export interface DeliveryOptions {
  /** keda(): who delivers queue messages. @default "push" */
  readonly queueDelivery?: "push" | "pull";
  /** The target function's timeout, seconds (Knative: a per-attempt timeout equal to it needs no DeliverySpec field). */
  readonly functionTimeoutSeconds?: number;
}

/** An engine's delivery model: the effective delivery of one trigger, with a diagnostic wherever it differs from the declared one. */
export type DeliveryModel = (t: TriggerNode & { readonly delivery: DeliveryData }, options: DeliveryOptions) => { readonly delivery: EffectiveDelivery; readonly diagnostics: readonly Diagnostic[] };

/** The declared delivery, honoured as is (push). */
export function honoured(d: DeliveryData): EffectiveDelivery {
  return { mode: "push", retries: d.retries, backoff: d.backoff, deadLetter: d.deadLetter, timeoutSeconds: d.timeoutSeconds };
}

/** A short human form of a delivery, for diagnostics and docs: "3 retries, exponential from 1s, dead letter fn x, 30s per attempt". */
export function describeDelivery(d: EffectiveDelivery): string {
  if (d.mode === "pull") return "none (the function pulls from the broker)";
  const parts = [
    d.retries === null ? "retries: platform's" : `${d.retries} retr${d.retries === 1 ? "y" : "ies"}`,
    d.backoff === null ? "backoff: platform's" : `${d.backoff.policy} backoff from ${formatDurationMillis(d.backoff.delayMs)}`,
    d.deadLetter === null ? "no dead letter" : d.deadLetter.type === "function" ? `dead letter ${d.deadLetter.target}` : `dead letter queue ${d.deadLetter.name}`,
    d.timeoutSeconds === null ? "the function's timeout per attempt" : `${d.timeoutSeconds}s per attempt`,
  ];
  return parts.join(", ") + (d.note ? ` (${d.note})` : "");
}

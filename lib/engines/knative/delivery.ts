import { type DeliveryModel, type EffectiveDelivery, honoured } from "../../events/delivery.js";
import type { DeliveryData, TriggerNode } from "../../graph/types.js";
import { Diagnostics } from "../../validation/diagnostic.js";
import { assertNever } from "../../vocabulary.js";

/** The Knative kinds that send a trigger's events. */
export type KnativeSourceKind = "PingSource" | "RedisStreamSource" | "KafkaSource" | "RabbitmqSource";

/** The fields of Knative Eventing's DeliverySpec. */
export type KnativeDeliveryField = "retry" | "backoffPolicy" | "backoffDelay" | "timeout" | "deadLetterSink";

/**
 * The DeliverySpec fields each source's own `spec.delivery` has (from the upstream CRDs, see
 * test/schemas/knative/SOURCE.md). PingSource and RedisStreamSource have none; RabbitmqSource's is
 * its own DeliverySpec with only retry, backoffPolicy and backoffDelay (after the last retry the
 * adapter nacks the message without requeue: dropped); KafkaSource has Eventing's full one.
 */
export const SOURCE_DELIVERY_FIELDS: { readonly [K in KnativeSourceKind]: readonly KnativeDeliveryField[] } = {
  PingSource: [],
  RedisStreamSource: [],
  KafkaSource: ["retry", "backoffPolicy", "backoffDelay", "timeout", "deadLetterSink"],
  RabbitmqSource: ["retry", "backoffPolicy", "backoffDelay"],
};

/** The Knative source of a trigger, or null when Knative has none (http, nats). */
export function knativeSourceKind(t: TriggerNode): KnativeSourceKind | null {
  const s = t.source;
  switch (s.type) {
    case "http":
      return null;
    case "schedule":
      return "PingSource";
    case "queue":
      switch (s.broker) {
        case "redis":
          return "RedisStreamSource";
        case "kafka":
          return "KafkaSource";
        case "rabbitmq":
          return "RabbitmqSource";
        case "nats":
          return null;
        default:
          return assertNever(s.broker, "queue broker");
      }
    default:
      return assertNever(s, "trigger source");
  }
}

/** Knative reads backoffDelay and timeout with one decimal place of seconds (rickb777/date period): 100 ms steps, truncated. */
export function knativeMillis(ms: number): number {
  return Math.floor(ms / 100) * 100;
}

/**
 * How a trigger's delivery is carried on Knative: "source" (the source's own spec.delivery has every
 * field needed) or "channel" (the source sends to a Channel whose Subscription carries the spec).
 * The per-attempt timeout equal to the function's own needs no field (Serving ends each request at
 * timeoutSeconds). The one rule the model and providers/knative both use.
 */
export function knativeDeliveryPath(t: TriggerNode & { readonly delivery: DeliveryData }, functionTimeoutSeconds: number | undefined): "source" | "channel" | null {
  const kind = knativeSourceKind(t);
  if (kind === null) return null;
  const d = t.delivery;
  const needed: KnativeDeliveryField[] = ["retry", "backoffPolicy", "backoffDelay"];
  if (d.timeoutSeconds !== functionTimeoutSeconds) needed.push("timeout");
  if (d.deadLetter?.type === "function") needed.push("deadLetterSink");
  return needed.every((f) => SOURCE_DELIVERY_FIELDS[kind].includes(f)) ? "source" : "channel";
}

/**
 * Knative: a DeliverySpec (retry, backoffPolicy, backoffDelay, timeout, deadLetterSink) on the
 * KafkaSource / RabbitmqSource, or on the Subscription of a Channel that PingSource and
 * RedisStreamSource (which have no delivery field) send to. A deadLetterSink is an addressable, so
 * a queue dead letter is refused. Where Knative runs something else than declared, a warning says
 * what: backoff at 100 ms resolution; through a Channel, the default InMemoryChannel's dispatcher
 * counts retries from 0 (retry n waits delay x 2^(n-1), or delay x (n-1)) and keeps nothing across a
 * restart.
 */
export const knativeDelivery: DeliveryModel = (t, options) => {
  const d = new Diagnostics();
  const dl = t.delivery.deadLetter;
  if (dl?.type === "queue") {
    d.error("ZS-KNATIVE-DEAD-LETTER-QUEUE", t.id, "delivery.deadLetter.queue", dl.name, "is a queue, but a Knative deadLetterSink is an addressable (a Service or URI)", "send dead letters to a ServerlessFunction of the App (it may write them to a queue), or deploy with keda()");
  }
  const declared = t.delivery;
  const delayMs = knativeMillis(declared.backoff.delayMs);
  const effective: EffectiveDelivery = { ...honoured(declared), backoff: { policy: declared.backoff.policy, delayMs }, deadLetter: dl?.type === "queue" ? null : dl };
  const notes: string[] = [];
  if (delayMs !== declared.backoff.delayMs) notes.push(`backoffDelay is read at 100 ms resolution, so the base delay is ${delayMs} ms, not ${declared.backoff.delayMs} ms`);
  const path = knativeDeliveryPath(t, options.functionTimeoutSeconds);
  if (path === "channel" && declared.retries > 0) {
    const kind = knativeSourceKind(t);
    notes.push(
      `${kind} has no delivery field of its own for this policy, so it sends to a Channel whose Subscription retries: with the default InMemoryChannel, retry n waits ${declared.backoff.policy === "exponential" ? `delay x 2^(n-1) (half the declared wait)` : "delay x (n-1) (the first retry at once)"}, and an event the Channel holds is lost if its dispatcher restarts (a KafkaChannel keeps it and uses the declared formula)`,
    );
  }
  if (notes.length > 0) {
    d.warn("ZS-KNATIVE-DELIVERY", t.id, "delivery.backoff", { policy: declared.backoff.policy, delay: `${declared.backoff.delayMs}ms` }, `is not run exactly as declared: ${notes.join("; ")}`, "use a delay in whole 100 ms; for exact retries make KafkaChannel the default channel, or use a kafka queue");
  }
  return { delivery: effective, diagnostics: [...d.list("error"), ...d.list("warning")] };
};

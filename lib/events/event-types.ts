/**
 * What zeroscale's event encoder shares with code that never encodes (synth, the backends, the root
 * export): envelope types, the event types per trigger kind/broker, sources and derived ids. Kept apart
 * from encode.ts so that loading the library does not load the cloudevents SDK (measured: ~70-90 ms of
 * a 1,000-function synth went to evaluating it).
 */
import { createHash } from "node:crypto";
import type { TriggerNode } from "../graph/types.js";
import type { QueueBroker } from "../vocabulary.js";

/** Whose envelope: zeroscale's own, or Knative's sources' (dev --emulate knative). */
export type EnvelopeStyle = "zeroscale" | "knative";

/** A CloudEvent as an HTTP message, and its id (the idempotency key). */
export interface EncodedEvent {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly id: string;
}

/** One consumed message, as a connector read it. */
export interface QueueMessageIn {
  /** The idempotency key: redis entry id; rabbitmq message-id or derivedMessageId; nats Nats-Msg-Id or `<stream>:<seq>`. */
  readonly id: string;
  /** Redis: the entry's field/value pairs. */
  readonly fields?: readonly (readonly [string, string])[];
  /** RabbitMQ, NATS, Kafka: the payload. */
  readonly body?: Buffer;
  /** The message's own content type (RabbitMQ property, NATS Content-Type header). */
  readonly contentType?: string;
  /** The broker's timestamp. */
  readonly time?: Date;
  /** NATS: the message's subject. */
  readonly subject?: string;
  /** True when `id` is derivedMessageId's (the message had no id of its own). @default false */
  readonly derivedId?: boolean;
}

/** Options of the Knative-style envelope. */
export interface EnvelopeContext {
  /** The namespace in Knative source URIs. @default "default" */
  readonly namespace?: string;
}

/** The event type zeroscale gives each trigger kind / broker. */
export const ZEROSCALE_TYPES = {
  schedule: "dev.zeroscale.schedule",
  queue: { redis: "dev.zeroscale.queue.redis", rabbitmq: "dev.zeroscale.queue.rabbitmq", kafka: "dev.zeroscale.queue.kafka", nats: "dev.zeroscale.queue.nats" },
} as const satisfies { schedule: string; queue: Record<QueueBroker, string> };

/** The event type Knative's sources give each trigger kind / broker (nats: no Knative source). */
export const KNATIVE_TYPES = {
  schedule: "dev.knative.sources.ping",
  queue: { redis: "dev.knative.sources.redisstream", rabbitmq: "dev.knative.rabbitmq.event", kafka: "dev.knative.kafka.event", nats: null },
} as const satisfies { schedule: string; queue: Record<QueueBroker, string | null> };

/** zeroscale's source attribute of a trigger: `/zeroscale/<trigger id>` (the id starts with the app's name). */
export function zeroscaleSource(t: TriggerNode): string {
  return `/zeroscale/${t.id}`;
}

/** A stable id for a message that has none: SHA-256 over the parts, 32 hex characters. */
export function derivedMessageId(...parts: (string | Buffer)[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" ? Buffer.from(p, "utf8") : p).update("\0");
  return h.digest("hex").slice(0, 32);
}

/** The content type zeroscale announces for a payload without one: JSON if it parses, text if UTF-8, else bytes. */
export function sniffContentType(body: Buffer): string {
  const text = body.toString("utf8");
  if (Buffer.from(text, "utf8").equals(body)) {
    try {
      JSON.parse(text);
      return "application/json";
    } catch {
      return "text/plain";
    }
  }
  return "application/octet-stream";
}

/**
 * The normalised event: what a handler gets whatever delivered it (zeroscale's gateway or KEDA
 * dispatcher, a Knative source, Cloud Scheduler, Container Apps / KEDA Jobs, EventBridge Scheduler or
 * a Lambda event source mapping through the Lambda Web Adapter). lib/events/contract.ts documents
 * each backend's envelope; this module reads every one of them into one shape.
 *
 * Self-contained on purpose (type-only imports): the runner ships it next to serve.js in every image.
 */
import type { QueueBroker } from "../vocabulary.js";

/** One event, normalised. */
export interface ZeroscaleEvent<T = unknown> {
  /**
   * The CloudEvent id: the same on every redelivery of a message (a Redis entry id, a RabbitMQ
   * message-id, a NATS stream sequence, a Kafka partition/offset, a schedule's firing time), so it is
   * the idempotency key: record it with the side effect and skip an id already done.
   */
  readonly id: string;
  /** The same value as `id`, named for what it is for. */
  readonly idempotencyKey: string;
  /** "schedule", "queue", or "event" (any other CloudEvent). */
  readonly kind: "schedule" | "queue" | "event";
  /** The broker of a queue event. */
  readonly broker?: QueueBroker;
  /** The CloudEvent type as sent (e.g. dev.zeroscale.queue.redis, dev.knative.sources.redisstream). */
  readonly type: string;
  readonly source: string;
  readonly subject?: string;
  /** RFC 3339 time, when the sender set one. */
  readonly time?: string;
  /**
   * The payload, decoded the same way everywhere: a Redis entry as an object of its fields; JSON
   * (content type application/json or +json, or none and it parses) as the value; text/* (or none
   * and valid UTF-8) as a string; anything else as bytes. A schedule's data as declared.
   */
  readonly data: T;
  readonly dataContentType?: string;
  /** Set on a dead-letter delivery: why the last attempt failed and how many were made. */
  readonly failure?: { readonly reason: string; readonly attempts: number };
  /** Every other CloudEvent attribute (extensions), as strings. */
  readonly extensions: Readonly<Record<string, string>>;
}

/** The request is not an event any backend sends. */
export class NotAnEventError extends Error {
  override readonly name = "NotAnEventError";
}

/** An HTTP message as received. */
export interface EventMessage {
  /** Header names in any case. */
  readonly headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Uint8Array;
}

/** Every event in a request (a Lambda batch holds several): a copy of the request is read, so `request` stays readable. */
export async function parseEvents(request: Request): Promise<ZeroscaleEvent[]> {
  const body = new Uint8Array(await request.clone().arrayBuffer());
  return eventsFromMessage({ headers: request.headers, body });
}

/** The one event in a request; throws NotAnEventError for a non-event, and for a batch of several (use parseEvents). */
export async function parseEvent<T = unknown>(request: Request): Promise<ZeroscaleEvent<T>> {
  const events = await parseEvents(request);
  if (events.length !== 1) throw new NotAnEventError(`the request holds a batch of ${events.length} events: read it with parseEvents`);
  return events[0] as ZeroscaleEvent<T>;
}

const TYPES: Readonly<Record<string, { kind: "schedule" } | { kind: "queue"; broker: QueueBroker }>> = {
  "dev.zeroscale.schedule": { kind: "schedule" },
  "dev.knative.sources.ping": { kind: "schedule" },
  "dev.zeroscale.queue.redis": { kind: "queue", broker: "redis" },
  "dev.zeroscale.queue.rabbitmq": { kind: "queue", broker: "rabbitmq" },
  "dev.zeroscale.queue.kafka": { kind: "queue", broker: "kafka" },
  "dev.zeroscale.queue.nats": { kind: "queue", broker: "nats" },
  "dev.knative.sources.redisstream": { kind: "queue", broker: "redis" },
  "dev.knative.rabbitmq.event": { kind: "queue", broker: "rabbitmq" },
  "dev.knative.kafka.event": { kind: "queue", broker: "kafka" },
};

const REQUIRED = ["id", "source", "type"] as const;
const KNOWN = new Set(["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data", "data_base64", "zeroscalefailure", "zeroscaleattempts"]);

/** Every event in an HTTP message (binary or structured CloudEvent, or a Lambda batch). */
export function eventsFromMessage(m: EventMessage): ZeroscaleEvent[] {
  const entries = headerEntries(m.headers);
  const map = new Map(entries);
  const h: Header = (n) => map.get(n);
  const contentType = h("content-type");
  if (h("ce-specversion") !== undefined) return [fromBinary(h, entries, m.body, contentType)];
  const json = contentType === undefined || /json/i.test(contentType) ? tryJson(m.body) : undefined;
  if (json !== undefined && typeof json === "object" && json !== null && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    if (typeof o["specversion"] === "string") return [fromStructured(o)];
    if (o["eventSource"] === "aws:kafka" || o["eventSource"] === "SelfManagedKafka") return fromLambdaKafka(o);
    if (o["eventSource"] === "aws:rmq") return fromLambdaRabbit(o);
  }
  throw new NotAnEventError("the request is not an event: no ce-specversion header, no structured CloudEvent, no Lambda Kafka or RabbitMQ batch");
}

type Header = (name: string) => string | undefined;

/** The headers, lowercased. */
function headerEntries(headers: EventMessage["headers"]): [string, string][] {
  const out: [string, string][] = [];
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") (headers as Headers).forEach((v, k) => out.push([k.toLowerCase(), v]));
  else for (const [k, v] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) if (v !== undefined) out.push([k.toLowerCase(), Array.isArray(v) ? v.join(", ") : (v as string)]);
  return out;
}

function fromBinary(h: Header, entries: readonly (readonly [string, string])[], body: Uint8Array, contentType: string | undefined): ZeroscaleEvent {
  const attrs: Record<string, string> = {};
  const get = (n: string) => h(`ce-${n}`);
  for (const n of ["id", "source", "type", "subject", "time", "zeroscalefailure", "zeroscaleattempts"]) {
    const v = get(n);
    if (v !== undefined) attrs[n] = v;
  }
  // Cloud Scheduler cannot template a per-run ce-id: the run is named by its job and scheduled time.
  if (attrs["id"] === undefined) {
    const at = h("x-cloudscheduler-scheduletime");
    if (at !== undefined) {
      attrs["id"] = `${h("x-cloudscheduler-jobname") ?? attrs["source"] ?? "schedule"}@${at}`;
      attrs["time"] ??= at;
    }
  }
  const extensions: Record<string, string> = {};
  for (const [k, v] of entries) if (k.startsWith("ce-") && !KNOWN.has(k.slice(3))) extensions[k.slice(3)] = v;
  return normalise(attrs, extensions, () => decode(body, contentType), contentType);
}

function fromStructured(o: Record<string, unknown>): ZeroscaleEvent {
  const attrs: Record<string, string> = {};
  const extensions: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "data" || k === "data_base64" || v === undefined || v === null) continue;
    if (KNOWN.has(k)) attrs[k] = String(v);
    else extensions[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  const ct = typeof o["datacontenttype"] === "string" ? o["datacontenttype"] : undefined;
  const data = () => (typeof o["data_base64"] === "string" ? decode(base64(o["data_base64"]), ct) : "data" in o ? (typeof o["data"] === "string" && ct !== undefined && /json/i.test(ct) ? (tryJson(utf8(o["data"] as string)) ?? o["data"]) : o["data"]) : null);
  return normalise(attrs, extensions, data, ct);
}

function normalise(attrs: Record<string, string>, extensions: Record<string, string>, data: () => unknown, contentType: string | undefined): ZeroscaleEvent {
  for (const k of REQUIRED) if (!attrs[k]) throw new NotAnEventError(`the CloudEvent has no ${k}`);
  const id = attrs["id"] as string;
  const type = attrs["type"] as string;
  const known = TYPES[type];
  let value = data();
  if (known?.kind === "queue" && known.broker === "redis" && Array.isArray(value)) value = pairs(value); // Knative's RedisStreamSource: [field, value, ...]
  const failure = attrs["zeroscalefailure"] !== undefined ? { reason: attrs["zeroscalefailure"], attempts: Number(attrs["zeroscaleattempts"] ?? "0") } : undefined;
  return {
    id,
    idempotencyKey: id,
    kind: known?.kind ?? "event",
    ...(known?.kind === "queue" ? { broker: known.broker } : {}),
    type,
    source: attrs["source"] as string,
    ...(attrs["subject"] !== undefined ? { subject: attrs["subject"] } : {}),
    ...(attrs["time"] !== undefined ? { time: attrs["time"] } : {}),
    data: value,
    ...(contentType !== undefined ? { dataContentType: contentType } : {}),
    ...(failure ? { failure } : {}),
    extensions,
  };
}

/** Lambda's Kafka event source mapping batch (MSK or self-managed): one event per record. */
function fromLambdaKafka(o: Record<string, unknown>): ZeroscaleEvent[] {
  const out: ZeroscaleEvent[] = [];
  const records = (o["records"] ?? {}) as Record<string, Record<string, unknown>[]>;
  for (const key of Object.keys(records).sort()) {
    for (const r of records[key] ?? []) {
      const topic = String(r["topic"]);
      const id = `partition:${String(r["partition"])}/offset:${String(r["offset"])}`;
      const time = typeof r["timestamp"] === "number" ? new Date(r["timestamp"]).toISOString() : undefined;
      const source = `${String(o["eventSourceArn"] ?? o["eventSource"])}#${topic}`;
      out.push(normalise({ id, type: "dev.zeroscale.queue.kafka", source, subject: topic, ...(time ? { time } : {}) }, {}, () => (typeof r["value"] === "string" ? decode(base64(r["value"]), undefined) : null), undefined));
    }
  }
  return out;
}

/** Lambda's Amazon MQ (RabbitMQ) batch: one event per message. */
function fromLambdaRabbit(o: Record<string, unknown>): ZeroscaleEvent[] {
  const out: ZeroscaleEvent[] = [];
  const byQueue = (o["rmqMessagesByQueue"] ?? {}) as Record<string, Record<string, unknown>[]>;
  for (const key of Object.keys(byQueue).sort()) {
    const queue = key.split("::")[0] ?? key;
    for (const m of byQueue[key] ?? []) {
      const props = (m["basicProperties"] ?? {}) as Record<string, unknown>;
      const ct = typeof props["contentType"] === "string" ? props["contentType"] : undefined;
      const bytes = typeof m["data"] === "string" ? base64(m["data"]) : new Uint8Array();
      const id = typeof props["messageId"] === "string" && props["messageId"] ? props["messageId"] : `${queue}:${hashHex(bytes)}`;
      const ts = props["timestamp"];
      const time = typeof ts === "number" ? new Date(ts).toISOString() : typeof ts === "string" && !Number.isNaN(Date.parse(ts)) ? new Date(ts).toISOString() : undefined;
      out.push(normalise({ id, type: "dev.zeroscale.queue.rabbitmq", source: `${String(o["eventSourceArn"] ?? "aws:rmq")}#${queue}`, subject: queue, ...(time ? { time } : {}) }, {}, () => decode(bytes, ct), ct));
    }
  }
  return out;
}

function pairs(list: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) o[String(list[i])] = list[i + 1];
  return o;
}

/** Decode a payload by its content type (see ZeroscaleEvent.data). */
export function decode(body: Uint8Array, contentType: string | undefined): unknown {
  if (body.length === 0) return null;
  const ct = contentType?.split(";")[0]?.trim().toLowerCase();
  if (ct !== undefined && (ct === "application/json" || ct.endsWith("+json"))) {
    const v = tryJson(body);
    return v === undefined ? text(body) ?? body : v;
  }
  if (ct !== undefined && ct.startsWith("text/")) return new TextDecoder().decode(body);
  if (ct === undefined) {
    const v = tryJson(body);
    if (v !== undefined) return v;
    return text(body) ?? body;
  }
  return body;
}

function text(body: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

function tryJson(body: Uint8Array): unknown {
  const s = text(body);
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function base64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** FNV-1a over the bytes, hex: a stable stand-in id for an Amazon MQ message without a message-id (no crypto import here). */
function hashHex(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

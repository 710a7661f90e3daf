/**
 * The CloudEvents zeroscale's own deliverers send (the gateway's connectors and scheduler, the KEDA
 * dispatcher), in zeroscale's envelope or, for `zeroscale dev --emulate knative`, exactly as
 * Knative's sources send them (lib/events/contract.ts documents both). Binary content mode, built
 * with the cloudevents SDK.
 */
import { randomUUID } from "node:crypto";
import { CloudEvent, HTTP } from "cloudevents";
import type { TriggerNode } from "../graph/types.js";
import { assertNever } from "../vocabulary.js";
import { type EncodedEvent, type EnvelopeContext, type EnvelopeStyle, KNATIVE_TYPES, type QueueMessageIn, sniffContentType, ZEROSCALE_TYPES, zeroscaleSource } from "./event-types.js";


type QueueSource = Extract<TriggerNode["source"], { type: "queue" }>;

export { derivedMessageId, type EncodedEvent, type EnvelopeContext, type EnvelopeStyle, KNATIVE_TYPES, type QueueMessageIn, sniffContentType, ZEROSCALE_TYPES, zeroscaleSource } from "./event-types.js";

/**
 * A schedule trigger's event for one firing (its id is stable across the firing's retries):
 * `<trigger id>@<firing time>` unless `fire.id` names it (a manual firing, which must not share a cron
 * firing's id).
 */
export function encodeScheduleEvent(style: EnvelopeStyle, t: TriggerNode, fire: { time: Date; id?: string }, ctx: EnvelopeContext = {}): EncodedEvent {
  if (t.source.type !== "schedule") throw new Error(`zeroscale bug: ${t.id} is not a schedule trigger`);
  const data = t.source.data;
  const payload = data === null ? undefined : typeof data === "string" ? { data: Buffer.from(data, "utf8"), datacontenttype: "text/plain" } : { data: Buffer.from(JSON.stringify(data), "utf8"), datacontenttype: "application/json" };
  const time = fire.time.toISOString();
  switch (style) {
    case "zeroscale":
      return encode({ type: ZEROSCALE_TYPES.schedule, source: zeroscaleSource(t), id: fire.id ?? `${t.id}@${time}`, time, ...payload });
    case "knative":
      // PingSource: a fresh UUID per firing, source /apis/v1/namespaces/<ns>/pingsources/<name>, data and contentType as declared.
      return encode({ type: KNATIVE_TYPES.schedule, source: `/apis/v1/namespaces/${ctx.namespace ?? "default"}/pingsources/${t.name}`, id: randomUUID(), time, ...payload });
    default:
      return assertNever(style, "envelope style");
  }
}

/** A queue trigger's event for one consumed message. */
export function encodeQueueEvent(style: EnvelopeStyle, t: TriggerNode, msg: QueueMessageIn, ctx: EnvelopeContext = {}): EncodedEvent {
  if (t.source.type !== "queue") throw new Error(`zeroscale bug: ${t.id} is not a queue trigger`);
  const s = t.source;
  const time = (msg.time ?? new Date()).toISOString();
  switch (style) {
    case "zeroscale": {
      const base = { type: ZEROSCALE_TYPES.queue[s.broker], source: zeroscaleSource(t), id: msg.id, subject: msg.subject ?? s.name, time };
      if (s.broker === "redis") return encode({ ...base, data: Buffer.from(JSON.stringify(Object.fromEntries(msg.fields ?? [])), "utf8"), datacontenttype: "application/json" });
      const body = msg.body ?? Buffer.alloc(0);
      return encode({ ...base, data: body, datacontenttype: msg.contentType ?? sniffContentType(body) });
    }
    case "knative":
      return encodeKnativeQueue(s, t, msg, time, ctx.namespace ?? "default");
    default:
      return assertNever(style, "envelope style");
  }
}

/** What each Knative source sends (eventing-redis, eventing-rabbitmq, eventing-kafka-broker adapters). */
function encodeKnativeQueue(s: QueueSource, t: TriggerNode, msg: QueueMessageIn, time: string, ns: string): EncodedEvent {
  const body = msg.body ?? Buffer.alloc(0);
  switch (s.broker) {
    case "redis": {
      // source "<address>/<stream>", id the entry id, data the field/value list as a JSON array.
      const address = "url" in s.connection ? s.connection.url : "";
      return encode({ type: KNATIVE_TYPES.queue.redis, source: `${address}/${s.name}`, id: msg.id, time, data: Buffer.from(JSON.stringify((msg.fields ?? []).flat()), "utf8"), datacontenttype: "application/json" });
    }
    case "rabbitmq": {
      // id and subject: the message-id, else a fresh UUID (and no subject); content type from the message.
      const id = msg.derivedId ? randomUUID() : msg.id;
      return encode({ type: KNATIVE_TYPES.queue.rabbitmq, source: `/apis/v1/namespaces/${ns}/rabbitmqsources/${t.name}#${s.name}`, id, ...(id === msg.id ? { subject: id } : {}), time, data: body, ...(msg.contentType ? { datacontenttype: msg.contentType } : {}) });
    }
    case "kafka":
      return encode({ type: KNATIVE_TYPES.queue.kafka, source: `/apis/v1/namespaces/${ns}/kafkasources/${t.name}#${s.name}`, id: msg.id, subject: msg.subject ?? "", time, data: body });
    case "nats":
      throw new Error(`${t.id}: NATS has no Knative source (ZS-KNATIVE-QUEUE-NATS): nothing to emulate`);
    default:
      return assertNever(s.broker, "queue broker");
  }
}

/** The event as a dead-letter function receives it: the failure as extension attributes. */
export function withFailure(ev: EncodedEvent, failure: { reason: string; attempts: number }): EncodedEvent {
  return { ...ev, headers: { ...ev.headers, "ce-zeroscalefailure": failure.reason.replace(/[\r\n]+/g, " ").slice(0, 1024), "ce-zeroscaleattempts": String(failure.attempts) } };
}

interface Attributes {
  readonly type: string;
  readonly source: string;
  readonly id: string;
  readonly time: string;
  readonly subject?: string;
  readonly data?: Buffer;
  readonly datacontenttype?: string;
}

function encode(a: Attributes): EncodedEvent {
  const { data, ...attrs } = a;
  const ce = new CloudEvent({ specversion: "1.0", ...attrs, ...(data !== undefined ? { data } : {}) }, false);
  ce.validate();
  const msg = HTTP.binary(ce);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(msg.headers)) headers[k.toLowerCase()] = String(v);
  // The payload bytes as they are (the SDK would re-encode a Buffer as base64 or JSON).
  if (data === undefined) delete headers["content-type"];
  return { headers, body: data ?? Buffer.alloc(0), id: a.id };
}

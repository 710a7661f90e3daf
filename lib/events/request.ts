/**
 * eventRequest: a Request carrying an event as a backend would deliver it, for handler unit tests
 * (`await handler(eventRequest({ ... }), context)`). Built with the same encoder the gateway uses.
 */
import type { TriggerNode } from "../graph/types.js";
import type { QueueBroker } from "../vocabulary.js";
import { encodeQueueEvent, type EnvelopeStyle } from "./encode.js";

/** What to deliver. */
export interface EventRequestInit {
  /** The broker whose message it is. */
  readonly broker: QueueBroker;
  /** The queue, stream or subject. @default "queue" */
  readonly queue?: string;
  /** The message id (the idempotency key). @default "1-0" */
  readonly id?: string;
  /** Redis: the entry's fields; other brokers: a JSON value or a string payload. */
  readonly data: unknown;
  /** Whose envelope. @default "zeroscale" */
  readonly style?: EnvelopeStyle;
  /** The trigger id in the event's source. @default "app/trigger" */
  readonly trigger?: string;
}

/** A POST request holding the event, as `style`'s deliverer sends it. */
export function eventRequest(init: EventRequestInit): Request {
  const name = init.queue ?? "queue";
  const trigger = init.trigger ?? "app/trigger";
  const t: TriggerNode = {
    kind: "trigger",
    id: trigger,
    name: trigger.replace(/[^a-z0-9]+/g, "-"),
    target: "app/fn",
    source: { type: "queue", broker: init.broker, connection: { url: init.broker === "kafka" ? "kafka:9092" : `${init.broker === "rabbitmq" ? "amqp" : init.broker}://localhost` }, name, consumerGroup: "g", batchSize: 1 },
    delivery: null,
  };
  const id = init.id ?? "1-0";
  const msg =
    init.broker === "redis"
      ? { id, fields: Object.entries((init.data ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)] as const) }
      : { id, body: Buffer.from(typeof init.data === "string" ? init.data : JSON.stringify(init.data), "utf8"), ...(typeof init.data === "string" ? {} : { contentType: "application/json" }) };
  const ev = encodeQueueEvent(init.style ?? "zeroscale", t, msg);
  return new Request("http://localhost/", { method: "POST", headers: ev.headers, body: ev.body });
}

import type { Logger } from "pino";
import type { TriggerNode } from "../../lib/index.js";
import type { Deliver } from "../gateway/schedules.js";
import { RabbitmqConnector } from "./rabbitmq.js";
import { RedisStreamsConnector } from "./redis-streams.js";

/** A running queue consumer. */
export interface Connector {
  /** Id of the function it delivers to. */
  readonly target: string;
  /** Messages waiting (not yet delivered or not yet acknowledged): drives the queueLength metric. */
  backlog(): number;
  stop(): Promise<void>;
}

/** The local runtime cannot consume this broker yet. */
export class UnsupportedInDevError extends Error {
  override readonly name = "UnsupportedInDevError";
}

export type QueueSource = Extract<TriggerNode["source"], { type: "queue" }>;

/** What a connector is started with. */
export interface ConnectorOptions {
  readonly app: string;
  readonly trigger: TriggerNode;
  readonly source: QueueSource;
  readonly url: string;
  readonly deliver: Deliver;
  readonly log: Logger;
  /** Most deliveries in flight at once (the function's max instances x concurrency). */
  readonly maxInflight: number;
}

/** Start one connector per queue trigger (Redis Streams, RabbitMQ). */
export async function startConnectors(app: string, triggers: readonly TriggerNode[], deliver: Deliver, log: Logger, maxInflight: (fnId: string) => number): Promise<Connector[]> {
  const started: Connector[] = [];
  for (const t of triggers) {
    if (t.source.type !== "queue") continue;
    const s: QueueSource = t.source;
    if (!("url" in s.connection)) {
      throw new UnsupportedInDevError(`${t.id}: queue.connection is a secret reference; for zeroscale dev pass the URL directly (without credentials) or run the broker locally`);
    }
    const opts = { app, trigger: t, source: s, url: s.connection.url, deliver, log, maxInflight: maxInflight(t.target) };
    if (s.broker === "redis") started.push(await RedisStreamsConnector.start(opts));
    else if (s.broker === "rabbitmq") started.push(await RabbitmqConnector.start(opts));
    else throw new UnsupportedInDevError(`${t.id}: queue.broker "${s.broker}" is not consumed by zeroscale dev yet (Redis Streams and RabbitMQ are); deploy with knative() or keda() for ${s.broker}`);
  }
  return started;
}

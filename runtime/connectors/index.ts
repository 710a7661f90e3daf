import type { Logger } from "pino";
import type { QueueBroker, TriggerNode } from "../../lib/index.js";
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

/**
 * The connector of each broker, or null when the local runtime does not consume it yet (a broker
 * added to QUEUE_BROKERS fails to compile here until it is decided).
 */
export const CONNECTORS: Readonly<Record<QueueBroker, ((o: ConnectorOptions) => Promise<Connector>) | null>> = {
  redis: (o) => RedisStreamsConnector.start(o),
  rabbitmq: (o) => RabbitmqConnector.start(o),
  kafka: null,
  nats: null,
};

const BROKER_NAMES: Record<QueueBroker, string> = { redis: "Redis Streams", rabbitmq: "RabbitMQ", kafka: "Kafka", nats: "NATS" };
const SUPPORTED_BROKERS = (() => {
  const names = (Object.keys(CONNECTORS) as QueueBroker[]).filter((b) => CONNECTORS[b] !== null).map((b) => BROKER_NAMES[b]);
  return `${names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : (names[0] ?? "none")} ${names.length === 1 ? "is" : "are"}`;
})();

/** Start one connector per queue trigger (the brokers with a connector in CONNECTORS). */
export async function startConnectors(app: string, triggers: readonly TriggerNode[], deliver: Deliver, log: Logger, maxInflight: (fnId: string) => number): Promise<Connector[]> {
  const started: Connector[] = [];
  for (const t of triggers) {
    if (t.source.type !== "queue") continue;
    const s: QueueSource = t.source;
    if (!("url" in s.connection)) {
      throw new UnsupportedInDevError(`${t.id}: queue.connection is a secret reference; for zeroscale dev pass the URL directly (without credentials) or run the broker locally`);
    }
    const opts: ConnectorOptions = { app, trigger: t, source: s, url: s.connection.url, deliver, log, maxInflight: maxInflight(t.target) };
    const start = CONNECTORS[s.broker];
    if (start === null) {
      throw new UnsupportedInDevError(`${t.id}: queue.broker "${s.broker}" is not consumed by zeroscale dev yet (${SUPPORTED_BROKERS}); deploy with knative() or keda() for ${s.broker}`);
    }
    started.push(await start(opts));
  }
  return started;
}

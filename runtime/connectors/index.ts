import type { Logger } from "pino";
import type { EngineName, QueueBroker, TriggerNode } from "../../lib/index.js";
import type { EffectiveDelivery } from "../../lib/events/delivery.js";
import type { EnvelopeStyle } from "../../lib/events/encode.js";
import { effectiveDelivery } from "../../lib/events/models.js";
import type { Deliver } from "../gateway/schedules.js";
import { NatsConnector } from "./nats.js";
import { RabbitmqConnector } from "./rabbitmq.js";
import { RedisStreamsConnector } from "./redis-streams.js";
import type { DeliveryStats, Outcome } from "./retry.js";

/** A running queue consumer. */
export interface Connector {
  /** Id of the trigger it consumes for. */
  readonly trigger: string;
  /** Id of the function it delivers to. */
  readonly target: string;
  /** Messages waiting (not yet delivered or not yet acknowledged): drives the queueLength metric. */
  backlog(): number;
  /** Counts of the retry engine (runtime/connectors/retry.ts). */
  stats(): DeliveryStats;
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
  /** Most deliveries in flight at once (the function's max instances x concurrency); messages waiting in backoff do not count. */
  readonly maxInflight: number;
  /** The trigger's effective delivery on the engine the gateway runs (effectiveDelivery); null fields fall back to the declared one. */
  readonly delivery: EffectiveDelivery | null;
  /** Whose envelope the events carry. */
  readonly style: EnvelopeStyle;
  /** The namespace of Knative-style sources. @default "default" */
  readonly namespace?: string;
  /** Each retry, dead letter and drop (the gateway's metrics). */
  readonly onOutcome?: (outcome: Outcome) => void;
}

/** What startConnectors is given besides the triggers. */
export interface StartOptions {
  /** The engine whose delivery model applies. @default "zeroscale" */
  readonly engine?: EngineName;
  /** @default "zeroscale" */
  readonly style?: EnvelopeStyle;
  readonly namespace?: string;
  /** Each retry, dead letter and drop, by trigger id. */
  readonly onOutcome?: (trigger: string, outcome: Outcome) => void;
}

/**
 * The connector of each broker, or null when the local runtime does not consume it yet (a broker
 * added to QUEUE_BROKERS fails to compile here until it is decided).
 */
export const CONNECTORS: Readonly<Record<QueueBroker, ((o: ConnectorOptions) => Promise<Connector>) | null>> = {
  redis: (o) => RedisStreamsConnector.start(o),
  rabbitmq: (o) => RabbitmqConnector.start(o),
  nats: (o) => NatsConnector.start(o),
  kafka: null,
};

/** Why a broker without a connector is not consumed locally. */
const UNSUPPORTED_REASON: Partial<Record<QueueBroker, string>> = {
  kafka: "no Kafka broker available here / zeroscale dev does not consume Kafka: deploy with knative() or keda()",
};

const BROKER_NAMES: Record<QueueBroker, string> = { redis: "Redis Streams", rabbitmq: "RabbitMQ", kafka: "Kafka", nats: "NATS" };
const SUPPORTED_BROKERS = (() => {
  const names = (Object.keys(CONNECTORS) as QueueBroker[]).filter((b) => CONNECTORS[b] !== null).map((b) => BROKER_NAMES[b]);
  return `${names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : (names[0] ?? "none")} ${names.length === 1 ? "is" : "are"}`;
})();

/** Start one connector per queue trigger (the brokers with a connector in CONNECTORS). */
export async function startConnectors(app: string, triggers: readonly TriggerNode[], deliver: Deliver, log: Logger, maxInflight: (fnId: string) => number, so: StartOptions = {}): Promise<Connector[]> {
  const started: Connector[] = [];
  for (const t of triggers) {
    if (t.source.type !== "queue") continue;
    const s: QueueSource = t.source;
    if (!("url" in s.connection)) {
      throw new UnsupportedInDevError(`${t.id}: queue.connection is a secret reference; for zeroscale dev pass the URL directly (without credentials) or run the broker locally`);
    }
    const start = CONNECTORS[s.broker];
    if (start === null) {
      throw new UnsupportedInDevError(`${t.id}: queue.broker "${s.broker}" is not consumed by zeroscale dev (${SUPPORTED_BROKERS}): ${UNSUPPORTED_REASON[s.broker] ?? `deploy with knative() or keda() for ${s.broker}`}`);
    }
    if (so.style === "knative" && s.broker === "nats") {
      throw new UnsupportedInDevError(`${t.id}: NATS has no Knative source (ZS-KNATIVE-QUEUE-NATS), so --emulate knative has no envelope to send for it; run without --emulate knative, or with --emulate keda`);
    }
    const { delivery } = effectiveDelivery(so.engine ?? "zeroscale", t);
    const onOutcome = so.onOutcome;
    const opts: ConnectorOptions = {
      app,
      trigger: t,
      source: s,
      url: s.connection.url,
      deliver,
      log,
      maxInflight: maxInflight(t.target),
      delivery,
      style: so.style ?? "zeroscale",
      ...(so.namespace !== undefined ? { namespace: so.namespace } : {}),
      ...(onOutcome ? { onOutcome: (o: Outcome) => onOutcome(t.id, o) } : {}),
    };
    try {
      started.push(await start(opts));
    } catch (e) {
      await Promise.allSettled(started.map((c) => c.stop()));
      throw e;
    }
  }
  return started;
}

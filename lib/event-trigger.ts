import { Construct } from "constructs";
import type { SecretRef, ServerlessFunction } from "./serverless-function.js";
import type { DurationLike } from "./duration.js";
import type { BackoffPolicy, QueueBroker } from "./vocabulary.js";

const TRIGGER_BRAND = Symbol.for("zeroscale.EventTrigger");

/** Deliver HTTP requests on a route. */
export interface HttpSource {
  /** Path prefix, starting with "/", e.g. "/api". */
  readonly path: string;
  /** Methods routed; empty means every method. @default every method */
  readonly methods?: readonly ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS")[];
  /** Host name matched, e.g. "api.example.com". @default any host */
  readonly host?: string;
}

/** Fire a CloudEvent on a cron schedule. */
export interface ScheduleSource {
  /** Cron expression, 5 fields ("0 3 * * *") or 6 with seconds first. */
  readonly cron: string;
  /** IANA time zone the cron is read in, e.g. "Europe/Berlin". @default "UTC" */
  readonly timezone?: string;
  /** Event data: a string, or any JSON value (sent as application/json). @default none */
  readonly data?: unknown;
}

/** Brokers a queue trigger consumes from (the members of `QUEUE_BROKERS`). */
export type { QueueBroker } from "./vocabulary.js";

/** Deliver each message of a queue, stream, topic or subject as a CloudEvent. */
export interface QueueSource {
  /** The broker kind. */
  readonly broker: QueueBroker;
  /**
   * Where the broker is: a URL without credentials ("redis://cache:6379", "amqp://mq:5672",
   * "kafka-0:9092,kafka-1:9092", "nats://nats:4222"), or a secret reference holding the URL.
   */
  readonly connection: string | SecretRef;
  /** The stream (redis), queue (rabbitmq), topic (kafka) or subject (nats). */
  readonly name: string;
  /** Consumer group (redis, kafka) or durable consumer (nats). @default the trigger's derived name */
  readonly consumerGroup?: string;
  /** Messages fetched per read, 1..1000. @default 1 */
  readonly batchSize?: number;
}

/** The source half of a trigger: exactly one of `http`, `schedule`, `queue`. */
export interface TriggerSourceProps {
  /** Route HTTP requests. @default none (one of http, schedule, queue) */
  readonly http?: HttpSource;
  /** Fire on a schedule. @default none (one of http, schedule, queue) */
  readonly schedule?: ScheduleSource;
  /** Consume a queue. @default none (one of http, schedule, queue) */
  readonly queue?: QueueSource;
}

/** How the wait between delivery attempts grows. */
export interface BackoffProps {
  /**
   * "exponential": retry n waits delay x 2^n; "linear": delay x n (Knative's DeliverySpec formulas).
   * @default "exponential"
   */
  readonly policy?: BackoffPolicy;
  /** The base delay, 10ms..1h. @default "1s" */
  readonly delay?: DurationLike;
}

/** A dead letter on the trigger's own broker and connection: a Redis stream, a RabbitMQ queue or a NATS subject. */
export interface DeadLetterQueue {
  /** The stream (redis), queue (rabbitmq) or subject (nats) failed messages are moved to. */
  readonly queue: string;
}

/** Where an event goes after its last failed attempt. */
export type DeadLetter = ServerlessFunction | DeadLetterQueue;

/**
 * How schedule and queue events are delivered: attempts, the wait between them, the time each
 * attempt may take, and where an event goes when every attempt failed. An attempt fails on a non-2xx
 * answer, a timeout or a lost connection. Bounded by default: never retried forever.
 */
export interface DeliveryProps {
  /** Attempts after the first, 0..100. @default 3 */
  readonly retries?: number;
  /** The wait between attempts. @default { policy: "exponential", delay: "1s" } */
  readonly backoff?: BackoffProps;
  /**
   * Where an event goes after its last failed attempt: a function of the same App (it receives the
   * event, with the failure in `zeroscalefailure` / `zeroscaleattempts` extension attributes), or a
   * queue on the trigger's broker (queue triggers only; the message keeps its id, with the failure).
   * @default none: the event is dropped after its last attempt, logged with its id and counted
   */
  readonly deadLetter?: DeadLetter;
  /** Time allowed per attempt, 1s..the function's timeout. @default the function's timeout */
  readonly timeout?: DurationLike;
}

/** Props of an {@link EventTrigger}. */
export interface EventTriggerProps extends TriggerSourceProps {
  /** The function the events go to; it must be in the same App. */
  readonly target: ServerlessFunction;
  /**
   * Retries, backoff, dead letter and per-attempt timeout of schedule and queue events (not http:
   * an HTTP request is answered to its client, never retried).
   * @default { retries: 3, backoff: { policy: "exponential", delay: "1s" }, timeout: the function's timeout }
   */
  readonly delivery?: DeliveryProps;
}

/** Delivers events (HTTP requests, schedules, queue messages) to a function over HTTP. */
export class EventTrigger extends Construct {
  /** True when `x` is an EventTrigger (also across copies of the package). */
  static isEventTrigger(x: unknown): x is EventTrigger {
    return typeof x === "object" && x !== null && TRIGGER_BRAND in x;
  }

  /** The props this trigger was created with. */
  readonly props: EventTriggerProps;

  constructor(scope: Construct, id: string, props: EventTriggerProps) {
    super(scope, id);
    Object.defineProperty(this, TRIGGER_BRAND, { value: true });
    this.props = props ?? ({} as EventTriggerProps);
  }
}

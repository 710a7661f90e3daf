import { Construct } from "constructs";
import type { SecretRef, ServerlessFunction } from "./serverless-function.js";
import type { QueueBroker } from "./vocabulary.js";

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

/** Props of an {@link EventTrigger}. */
export interface EventTriggerProps extends TriggerSourceProps {
  /** The function the events go to; it must be in the same App. */
  readonly target: ServerlessFunction;
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

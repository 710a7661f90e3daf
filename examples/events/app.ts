// examples/events: one worker fed by a Redis stream, a RabbitMQ queue and a NATS JetStream subject,
// with bounded retries and dead letters. `zeroscale dev examples/events/app.ts` runs it on the local
// brokers; the same handler runs unchanged on Knative (Redis, RabbitMQ) and KEDA (all three, pushed by
// the zeroscale dispatcher).
import { App, ServerlessFunction } from "zeroscale";

export interface EventsAppOptions {
  readonly name?: string;
  readonly redisUrl?: string;
  readonly amqpUrl?: string;
  readonly natsUrl?: string;
  /** The queue, stream and subject names' suffix (tests use a fresh one per run). */
  readonly suffix?: string;
  /** Where the handlers record what they saw (tests). */
  readonly seenFile?: string;
}

export function buildEventsApp(o: EventsAppOptions = {}): App {
  const app = new App({ name: o.name ?? "events" });
  const env = o.seenFile ? { SEEN_FILE: o.seenFile } : {};
  const sfx = o.suffix ?? "";
  const deadLetters = new ServerlessFunction(app, "dead-letters", { code: { path: "src", handler: "dead-letters.js#handler" }, env });
  const worker = new ServerlessFunction(app, "worker", { code: { path: "src", handler: "worker.js#handler" }, env, timeout: "30s" });
  const delivery = { retries: 2, backoff: { policy: "linear", delay: "200ms" }, timeout: "20s" } as const;
  worker.addTrigger("orders-redis", { queue: { broker: "redis", connection: o.redisUrl ?? "redis://127.0.0.1:6379", name: `orders${sfx}` }, delivery: { ...delivery, deadLetter: { queue: `orders${sfx}-dlq` } } });
  worker.addTrigger("orders-rabbitmq", { queue: { broker: "rabbitmq", connection: o.amqpUrl ?? "amqp://127.0.0.1:5672", name: `orders${sfx}` }, delivery: { ...delivery, deadLetter: { queue: `orders${sfx}-dlq` } } });
  worker.addTrigger("orders-nats", { queue: { broker: "nats", connection: o.natsUrl ?? "nats://127.0.0.1:4222", name: `orders${sfx}.created` }, delivery: { ...delivery, deadLetter: deadLetters } });
  worker.addScalingPolicy({ maxInstances: 2, metric: { queueLength: 5 }, idleTimeout: "30s" });
  return app;
}

export const app = buildEventsApp();
export default app;

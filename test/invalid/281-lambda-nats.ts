// Invalid: lambda queue nats. Expected: ZS-LAMBDA-QUEUE-NATS at bad/fn/q (queue.broker).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-QUEUE-NATS", path: "bad/fn/q", prop: "queue.broker", message:
    "bad/fn/q: queue.broker (\"nats\") has no Lambda event source: Lambda cannot consume NATS; use Kafka (MSK or self-managed) or RabbitMQ on Amazon MQ, or deploy with keda().",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "nats", connection: "nats://n:4222", name: "orders" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

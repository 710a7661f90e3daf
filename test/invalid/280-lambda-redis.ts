// Invalid: lambda queue redis. Expected: ZS-LAMBDA-QUEUE-REDIS at bad/fn/q (queue.broker).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-QUEUE-REDIS", path: "bad/fn/q", prop: "queue.broker", message:
    "bad/fn/q: queue.broker (\"redis\") has no Lambda event source: Lambda cannot consume Redis streams; use Kafka (MSK or self-managed) or RabbitMQ on Amazon MQ, or deploy with knative(), keda() or docker().",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "orders" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

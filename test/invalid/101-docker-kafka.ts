// Invalid: docker kafka. Expected: ZS-DOCKER-QUEUE-BROKER at bad/fn/q (queue.broker).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "docker";
export const expected = {
  code: "ZS-DOCKER-QUEUE-BROKER", path: "bad/fn/q", prop: "queue.broker", message:
    "bad/fn/q: queue.broker (\"kafka\") is not consumed by the zeroscale gateway (Redis Streams, RabbitMQ and NATS JetStream are); deploy with knative() or keda() for this trigger.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "kafka", connection: "k:9092", name: "orders" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

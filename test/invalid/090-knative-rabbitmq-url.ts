// Invalid: knative rabbitmq url. Expected: ZS-KNATIVE-QUEUE-RABBITMQ at bad/fn/q (queue.connection).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "knative";
export const expected = {
  code: "ZS-KNATIVE-QUEUE-RABBITMQ", path: "bad/fn/q", prop: "queue.connection", message:
    "bad/fn/q: queue.connection (\"amqp://mq:5672\") is a URL, but RabbitmqSource connects through a connection secret; store the URI in a secret under key \"uri\" and pass connection: { secret: \"<name>\", key: \"uri\" }.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "rabbitmq", connection: "amqp://mq:5672", name: "q" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

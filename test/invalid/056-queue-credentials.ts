// Invalid: queue credentials. Expected: ZS-TRIGGER-QUEUE-CREDENTIALS at bad/fn/q (queue.connection).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-QUEUE-CREDENTIALS", path: "bad/fn/q", prop: "queue.connection", message:
    "bad/fn/q: queue.connection (\"amqp://***@mq:5672\") holds credentials in plain text, which would be written into every manifest; put the URL in a secret store and pass { secret: \"store-name\", key: \"url\" }.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "rabbitmq", connection: "amqp://u:p@mq:5672", name: "q" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: knative nats. Expected: ZS-KNATIVE-QUEUE-NATS at bad/fn/q (queue.broker).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "knative";
export const expected = {
  code: "ZS-KNATIVE-QUEUE-NATS", path: "bad/fn/q", prop: "queue.broker", message:
    "bad/fn/q: queue.broker (\"nats\") has no Knative source (eventing-natss only provides a NatsJetStreamChannel, not a source); deploy this app with keda() (nats-jetstream scaler), or publish to a Knative Broker instead.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("q", { queue: { broker: "nats", connection: "nats://n:4222", name: "orders" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: cloudrun nats queue. Expected: ZS-CLOUDRUN-QUEUE at bad/fn/q (queue.broker).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-QUEUE", path: "bad/fn/q", prop: "queue.broker", message:
    "bad/fn/q: queue.broker (\"nats\") cannot deliver to Cloud Run: Cloud Run is pushed events only (Pub/Sub push subscriptions, Eventarc), and neither subscribes to NATS; deploy the consumer with keda(), knative() or docker(), or publish to Pub/Sub and trigger the function over HTTP.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "1" });
fn.addTrigger("q", { queue: { broker: "nats", connection: "nats://n:4222", name: "orders" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

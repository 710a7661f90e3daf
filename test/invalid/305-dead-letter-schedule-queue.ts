// Invalid: a queue dead letter on a schedule. Expected: ZS-TRIGGER-DEAD-LETTER at bad/fn/nightly (delivery.deadLetter.queue).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-DEAD-LETTER", path: "bad/fn/nightly", prop: "delivery.deadLetter.queue", message:
    "bad/fn/nightly: delivery.deadLetter.queue (\"failed\") is a queue dead letter on a schedule trigger, which has no broker; send a schedule's dead letters to a function.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("nightly", { schedule: { cron: "0 3 * * *" }, delivery: { deadLetter: { queue: "failed" } } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

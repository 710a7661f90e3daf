// Invalid: fn concurrency zero. Expected: ZS-FN-CONCURRENCY at bad/fn (concurrency).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-CONCURRENCY", path: "bad/fn", prop: "concurrency", message:
    "bad/fn: concurrency (0) is outside 1..1000; set concurrency to a whole number from 1 to 1000.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", concurrency: 0 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: fn timeout long. Expected: ZS-FN-TIMEOUT at bad/fn (timeout).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-TIMEOUT", path: "bad/fn", prop: "timeout", message:
    "bad/fn: timeout (\"1h\") is outside 1s..10m; set timeout within 1s..10m.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", timeout: Duration.hours(1) });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

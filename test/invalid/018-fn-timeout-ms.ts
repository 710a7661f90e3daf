// Invalid: fn timeout ms. Expected: ZS-FN-TIMEOUT at bad/fn (timeout).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-TIMEOUT", path: "bad/fn", prop: "timeout", message:
    "bad/fn: timeout (\"1500ms\") is not a whole number of seconds; round it to whole seconds within 1s..10m.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", timeout: "1500ms" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: fn timeout unitless. Expected: ZS-FN-TIMEOUT at bad/fn (timeout).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-TIMEOUT", path: "bad/fn", prop: "timeout", message:
    "bad/fn: timeout (\"30\") is not a duration; use a number with a unit (ms, s, m, h), e.g. \"30s\" or \"5m\", within 1s..10m.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", timeout: "30" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: fn cpu too fine. Expected: ZS-FN-CPU at bad/fn (cpu).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-CPU", path: "bad/fn", prop: "cpu", message:
    "bad/fn: cpu (\"0.0001\") is not a whole number of millicores (at least 1m); use a value such as \"100m\" or \"1\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", cpu: "0.0001" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

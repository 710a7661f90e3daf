// Invalid: fn cpu garbage. Expected: ZS-FN-CPU at bad/fn (cpu).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-CPU", path: "bad/fn", prop: "cpu", message:
    "bad/fn: cpu (\"fast\") is not a Kubernetes quantity; use cores such as \"250m\", \"0.5\" or \"2\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", cpu: "fast" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: scaling two policies. Expected: ZS-SCALING-DUPLICATE at bad/b (target).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-DUPLICATE", path: "bad/b", prop: "target", message:
    "bad/b: target (\"bad/fn\") already has a ScalingPolicy (bad/a); give each function one ScalingPolicy; merge the two.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
new ScalingPolicy(app, "a", { target: fn });
new ScalingPolicy(app, "b", { target: fn });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

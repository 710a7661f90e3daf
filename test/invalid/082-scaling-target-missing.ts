// Invalid: scaling target missing. Expected: ZS-TARGET at bad/p (target).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TARGET", path: "bad/p", prop: "target", message:
    "bad/p: target (missing) is not a ServerlessFunction; pass the ServerlessFunction the construct applies to.",
};

export const app = new App({ name: "bad" });
new ScalingPolicy(app, "p", { target: undefined as never });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

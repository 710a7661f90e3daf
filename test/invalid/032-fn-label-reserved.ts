// Invalid: fn label reserved. Expected: ZS-LABEL-KEY at bad/fn (labels.zeroscale.dev/x).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-LABEL-KEY", path: "bad/fn", prop: "labels.zeroscale.dev/x", message:
    "bad/fn: labels.zeroscale.dev/x (\"zeroscale.dev/x\") uses the reserved zeroscale.dev prefix; use a key such as \"team\" or \"example.com/team\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", labels: { "zeroscale.dev/x": "y" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: app label. Expected: ZS-LABEL-KEY at bad (labels.-x).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-LABEL-KEY", path: "bad", prop: "labels.-x", message:
    "bad: labels.-x (\"-x\") is not a valid label name (63 characters at most: alphanumerics, '-', '_', '.'); use a key such as \"team\" or \"example.com/team\".",
};

export const app = new App({ name: "bad", labels: { "-x": "y" } });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

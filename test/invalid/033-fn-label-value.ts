// Invalid: fn label value. Expected: ZS-LABEL-VALUE at bad/fn (labels.team).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-LABEL-VALUE", path: "bad/fn", prop: "labels.team", message:
    "bad/fn: labels.team (\"has spaces\") is not a valid label value; use at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", labels: { team: "has spaces" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

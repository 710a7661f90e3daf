// Invalid: fn env bad name. Expected: ZS-FN-ENV-NAME at bad/fn (env.MY-VAR).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-ENV-NAME", path: "bad/fn", prop: "env.MY-VAR", message:
    "bad/fn: env.MY-VAR (\"MY-VAR\") is not a valid environment variable name; use letters, digits and '_', not starting with a digit.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", env: { "MY-VAR": "x" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

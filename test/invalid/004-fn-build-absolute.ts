// Invalid: fn build absolute. Expected: ZS-FN-BUILD-CONTEXT at bad/fn (build.context).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-BUILD-CONTEXT", path: "bad/fn", prop: "build.context", message:
    "bad/fn: build.context (\"/abs/fn\") is not a relative path; use a path relative to the app's base directory, so the graph is the same on every machine.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { build: { context: "/abs/fn" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

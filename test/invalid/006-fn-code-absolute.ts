// Invalid: fn code absolute. Expected: ZS-FN-CODE-PATH at bad/fn (code.path).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-CODE-PATH", path: "bad/fn", prop: "code.path", message:
    "bad/fn: code.path (\"/abs\") is not a relative path; use a path relative to the app's base directory, so the graph is the same on every machine.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { code: { path: "/abs", handler: "index.js" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

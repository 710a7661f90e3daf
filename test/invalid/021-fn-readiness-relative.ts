// Invalid: fn readiness relative. Expected: ZS-FN-READINESS at bad/fn (readinessPath).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-READINESS", path: "bad/fn", prop: "readinessPath", message:
    "bad/fn: readinessPath (\"health\") is not a URL path; start it with \"/\" and use no spaces, e.g. \"/healthz\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", readinessPath: "health" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

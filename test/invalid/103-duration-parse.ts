// Invalid: duration parse. Expected: ZS-DURATION at bad/fn/scaling (idleTimeout).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-DURATION", path: "bad/fn/scaling", prop: "idleTimeout", message:
    "bad/fn/scaling: idleTimeout (\"5 m\") was passed to Duration.parse() and is not a duration; use a number with a unit (ms, s, m, h), e.g. \"30s\", \"5m\", \"1h30m\" or \"250ms\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("http", { http: { path: "/fn" } });
fn.addScalingPolicy({ idleTimeout: Duration.parse("5 m") });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

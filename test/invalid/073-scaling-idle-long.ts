// Invalid: scaling idle long. Expected: ZS-SCALING-IDLE at bad/fn/scaling (idleTimeout).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SCALING-IDLE", path: "bad/fn/scaling", prop: "idleTimeout", message:
    "bad/fn/scaling: idleTimeout (\"2h\") is outside 1s..1h; set idleTimeout within 1s..1h.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ idleTimeout: "2h" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

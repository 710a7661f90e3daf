// Invalid: fn env k service. Expected: ZS-FN-ENV-RESERVED at bad/fn (env.K_SERVICE).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-ENV-RESERVED", path: "bad/fn", prop: "env.K_SERVICE", message:
    "bad/fn: env.K_SERVICE (\"K_SERVICE\") is set by the platform (PORT, K_SERVICE, K_CONFIGURATION, K_REVISION); rename the variable; read the port from $PORT.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", env: { K_SERVICE: "x" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

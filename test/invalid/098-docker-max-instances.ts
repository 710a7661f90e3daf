// Invalid: docker maxInstances above its limit. Expected: ZS-DOCKER-MAX-INSTANCES at bad/fn/scaling (maxInstances).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "docker";
export const expected = {
  code: "ZS-DOCKER-MAX-INSTANCES", path: "bad/fn/scaling", prop: "maxInstances", message:
    "bad/fn/scaling: maxInstances (1000) is above the Docker backend's limit of 100 containers per function (each instance is a container pre-created on one host); set maxInstances <= 100, or deploy this function with knative() or keda().",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ maxInstances: 1000 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

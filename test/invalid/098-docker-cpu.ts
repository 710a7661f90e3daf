// Invalid: docker cpu. Expected: ZS-DOCKER-METRIC at bad/fn/scaling (metric.cpu).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "docker";
export const expected = {
  code: "ZS-DOCKER-METRIC", path: "bad/fn/scaling", prop: "metric.cpu", message:
    "bad/fn/scaling: metric.cpu (50) is not measured by the zeroscale gateway (it scales on concurrency, rps and queue length); scale on concurrency or rps, or deploy with knative() or keda().",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addScalingPolicy({ minInstances: 1, metric: { cpu: 50 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

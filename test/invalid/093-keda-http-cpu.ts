// Invalid: keda http cpu. Expected: ZS-KEDA-HTTP-METRIC at bad/fn/scaling (metric.cpu).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "keda";
export const expected = {
  code: "ZS-KEDA-HTTP-METRIC", path: "bad/fn/scaling", prop: "metric.cpu", message:
    "bad/fn/scaling: metric.cpu (60) cannot scale an HTTP function: the HTTP add-on scales on concurrency or request rate; scale on concurrency or rps.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("http", { http: { path: "/a" } });
fn.addScalingPolicy({ minInstances: 1, metric: { cpu: 60 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

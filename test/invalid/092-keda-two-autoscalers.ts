// Invalid: keda two autoscalers. Expected: ZS-KEDA-ONE-AUTOSCALER at bad/fn ((triggers)).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "keda";
export const expected = {
  code: "ZS-KEDA-ONE-AUTOSCALER", path: "bad/fn", prop: "(triggers)", message:
    "bad/fn: (triggers) ([\"bad/fn/http\",\"bad/fn/q\"]) mixes HTTP/schedule triggers (HTTP add-on: HTTPScaledObject) with queue triggers (ScaledObject), and one workload can have only one autoscaler; split the function in two: one for HTTP and schedules, one consuming the queue.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("http", { http: { path: "/a" } });
fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "q" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

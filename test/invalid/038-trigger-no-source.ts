// Invalid: trigger no source. Expected: ZS-TRIGGER-SOURCE at bad/t ((construct)).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-SOURCE", path: "bad/t", prop: "(construct)", message:
    "bad/t: (construct) none of http, schedule, queue is set; set exactly one of http, schedule or queue; use one trigger per source.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
new EventTrigger(app, "t", { target: fn });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

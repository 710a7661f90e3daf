// Invalid: trigger two sources. Expected: ZS-TRIGGER-SOURCE at bad/t ((construct)).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-SOURCE", path: "bad/t", prop: "(construct)", message:
    "bad/t: (construct) sets http and queue; set exactly one of http, schedule or queue; use one trigger per source.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
new EventTrigger(app, "t", { target: fn, http: { path: "/a" }, queue: { broker: "redis", connection: "redis://r:6379", name: "q" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: http methods twice. Expected: ZS-TRIGGER-HTTP-METHODS at bad/fn/http (http.methods).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-HTTP-METHODS", path: "bad/fn/http", prop: "http.methods", message:
    "bad/fn/http: http.methods ([\"GET\",\"GET\"]) lists a method twice; list each method once.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("http", { http: { path: "/a", methods: ["GET", "GET"] } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

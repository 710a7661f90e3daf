// Invalid: http host upper. Expected: ZS-TRIGGER-HTTP-HOST at bad/fn/http (http.host).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-HTTP-HOST", path: "bad/fn/http", prop: "http.host", message:
    "bad/fn/http: http.host (\"API.example.com\") is not a host name; use a lowercase DNS name such as \"api.example.com\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("http", { http: { path: "/a", host: "API.example.com" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

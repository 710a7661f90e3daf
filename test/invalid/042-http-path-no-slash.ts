// Invalid: http path no slash. Expected: ZS-TRIGGER-HTTP-PATH at bad/fn/http (http.path).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-HTTP-PATH", path: "bad/fn/http", prop: "http.path", message:
    "bad/fn/http: http.path (\"api\") is not a route path; start it with \"/\", with no trailing \"/\", spaces or \"//\", e.g. \"/api\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("http", { http: { path: "api" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: http duplicate. Expected: ZS-TRIGGER-HTTP-DUPLICATE at bad/fn2/http (http.path).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TRIGGER-HTTP-DUPLICATE", path: "bad/fn2/http", prop: "http.path", message:
    "bad/fn2/http: http.path (\"/a\") routes /a which bad/fn/http already routes; give each trigger its own path, host or methods.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
const fn2 = new ServerlessFunction(app, "fn2", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("http", { http: { path: "/a" } });
fn2.addTrigger("http", { http: { path: "/a", methods: ["GET"] } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

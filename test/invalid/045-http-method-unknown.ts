// Invalid: http method unknown. Expected: ZS-SHAPE at bad/fn/http (http.methods.0).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SHAPE", path: "bad/fn/http", prop: "http.methods.0", message:
    "bad/fn/http: http.methods.0 (\"FETCH\") is not an allowed value; use one of: \"GET\", \"HEAD\", \"POST\", \"PUT\", \"PATCH\", \"DELETE\", \"OPTIONS\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.addTrigger("http", { http: { path: "/a", methods: ["FETCH" as never] } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

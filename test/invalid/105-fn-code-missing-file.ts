// Invalid: fn code missing file. Expected: ZS-FN-CODE-MISSING at bad/fn (code.handler).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-CODE-MISSING", path: "bad/fn", prop: "code.handler", message:
    "bad/fn: code.handler (\"server.js#handler\") names server.js, which is not a file in src; build the handler first, or name a .js, .mjs or .cjs file inside code.path.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { code: { path: "src", handler: "server.js#handler" } });
fn.addTrigger("http", { http: { path: "/fn" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

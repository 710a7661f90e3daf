// Invalid: fn code bad export. Expected: ZS-FN-CODE-HANDLER at bad/fn (code.handler).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-CODE-HANDLER", path: "bad/fn", prop: "code.handler", message:
    "bad/fn: code.handler (\"index.js#1bad\") is not \"file#export\" with a .js, .mjs or .cjs file; use e.g. \"index.js#handler\", or \"index.js\" for the default export (compile TypeScript first).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { code: { path: "src", handler: "index.js#1bad" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

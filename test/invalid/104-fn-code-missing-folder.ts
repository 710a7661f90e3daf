// Invalid: fn code missing folder. Expected: ZS-FN-CODE-MISSING at bad/fn (code.path).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-CODE-MISSING", path: "bad/fn", prop: "code.path", message:
    "bad/fn: code.path (\"dist\") is not a folder in the app's base directory; create it, or set code.path relative to the program's folder (where the app file is).",
};

export const app = new App({ name: "bad" });
// synth checks code.path against the program's folder when given a baseDir (the CLI passes it; so does test/invalid.test.ts)
const fn = new ServerlessFunction(app, "fn", { code: { path: "dist", handler: "index.js#handler" } });
fn.addTrigger("http", { http: { path: "/fn" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

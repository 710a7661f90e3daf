// Invalid: fn unknown nested prop. Expected: ZS-SHAPE at bad/fn (code.hander).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SHAPE", path: "bad/fn", prop: "code.hander", message:
    "bad/fn: code.hander (\"index.js\") is not a known prop; did you mean code.handler? Otherwise remove it (known props: path, handler, runtime).",
};

export const app = new App({ name: "bad" });
// @ts-expect-error TypeScript catches this too; JavaScript programs get ZS-SHAPE with a suggestion
const fn = new ServerlessFunction(app, "fn", { code: { path: "src", handler: "index.js", hander: "index.js" } });
fn.addTrigger("http", { http: { path: "/fn" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: fn code export. Expected: ZS-FN-CODE-EXPORT at bad/fn (code.handler).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-CODE-EXPORT", path: "bad/fn", prop: "code.handler", message:
    "bad/fn: code.handler (\"index.js#handle\") names the export handle, which index.js does not have (it exports default, handler); did you mean \"index.js#handler\"? Otherwise export it (`export async function handle(request) { ... }`), or name one the file has.",
};

export const app = new App({ name: "bad" });
// the CLI reads the handler file's exports (without running it) after synth: cli/load.ts checkHandlerExports
const fn = new ServerlessFunction(app, "fn", { code: { path: "src", handler: "index.js#handle" } });
fn.addTrigger("http", { http: { path: "/fn" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

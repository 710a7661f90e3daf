// Invalid: fn command empty. Expected: ZS-FN-COMMAND at bad/fn (command).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-COMMAND", path: "bad/fn", prop: "command", message:
    "bad/fn: command ([]) is empty; leave command out to use the image's entrypoint, or name the program.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", command: [] });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

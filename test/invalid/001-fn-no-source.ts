// Invalid: fn no source. Expected: ZS-FN-SOURCE at bad/fn ((construct)).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-SOURCE", path: "bad/fn", prop: "(construct)", message:
    "bad/fn: (construct) none of image, build, code is set; set exactly one of image, build or code.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { memory: "128Mi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: fn two sources. Expected: ZS-FN-SOURCE at bad/fn ((construct)).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-SOURCE", path: "bad/fn", prop: "(construct)", message:
    "bad/fn: (construct) sets image and build; set exactly one of image, build or code.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", build: { context: "fn" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

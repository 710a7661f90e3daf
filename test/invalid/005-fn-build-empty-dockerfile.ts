// Invalid: fn build empty dockerfile. Expected: ZS-FN-BUILD-DOCKERFILE at bad/fn (build.dockerfile).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-BUILD-DOCKERFILE", path: "bad/fn", prop: "build.dockerfile", message:
    "bad/fn: build.dockerfile (\"\") is empty; leave it out for \"Dockerfile\" or name the file.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { build: { context: "fn", dockerfile: "" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

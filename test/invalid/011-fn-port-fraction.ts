// Invalid: fn port fraction. Expected: ZS-SHAPE at bad/fn (port).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SHAPE", path: "bad/fn", prop: "port", message:
    "bad/fn: port (8080.5) must be a whole number; pass a whole number.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", port: 8080.5 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: fn port low. Expected: ZS-FN-PORT at bad/fn (port).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-PORT", path: "bad/fn", prop: "port", message:
    "bad/fn: port (80) is outside 1024..65535; set port to a whole number from 1024 to 65535.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", port: 80 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

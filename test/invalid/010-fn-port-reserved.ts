// Invalid: fn port reserved. Expected: ZS-FN-PORT at bad/fn (port).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-PORT", path: "bad/fn", prop: "port", message:
    "bad/fn: port (9091) is reserved by Knative (8012, 8013, 8022, 9090, 9091); pick another port, e.g. 8080.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", port: 9091 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

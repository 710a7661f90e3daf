// Invalid: duration negative. Expected: ZS-DURATION at bad/fn (timeout).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-DURATION", path: "bad/fn", prop: "timeout", message:
    "bad/fn: timeout (-5) was passed to Duration.seconds(), which needs a finite number >= 0; pass a non-negative amount, e.g. Duration.seconds(30).",
};

export const app = new App({ name: "bad" });
// Duration.seconds(-5) does not throw: synth reports it here, with the construct path and prop, among every other error
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", timeout: Duration.seconds(-5) });
fn.addTrigger("http", { http: { path: "/fn" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

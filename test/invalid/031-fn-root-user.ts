// Invalid: fn root user. Expected: ZS-FN-SECURITY-USER at bad/fn (security.runAsUser).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-SECURITY-USER", path: "bad/fn", prop: "security.runAsUser", message:
    "bad/fn: security.runAsUser (0) is root while runAsNonRoot is true; use a non-root uid, or set runAsNonRoot: false explicitly.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", security: { runAsUser: 0 } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

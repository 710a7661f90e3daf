// Invalid: fn union type. Expected: ZS-SHAPE at bad/fn (security.runAsUser).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SHAPE", path: "bad/fn", prop: "security.runAsUser", message:
    "bad/fn: security.runAsUser (1.5) must be a whole number or null; pass a whole number or null.",
};

export const app = new App({ name: "bad" });
// runAsUser is a number to TypeScript; the shape check wants a whole number or null
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", security: { runAsUser: 1.5 } });
fn.addTrigger("http", { http: { path: "/fn" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: fn secret in env. Expected: ZS-POLICY-SECRET-IN-ENV at bad/fn (env.DB_PASSWORD).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-POLICY-SECRET-IN-ENV", path: "bad/fn", prop: "env.DB_PASSWORD", message:
    "bad/fn: env.DB_PASSWORD (\"***\") looks like a secret passed as a plain value, which would be written into every manifest and plan; move it to secrets: { DB_PASSWORD: { secret: \"<store>\", key: \"<key>\" } }.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", env: { DB_PASSWORD: "hunter2" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

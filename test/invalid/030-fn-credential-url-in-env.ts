// Invalid: fn credential url in env. Expected: ZS-POLICY-SECRET-IN-ENV at bad/fn (env.DATABASE_URL).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-POLICY-SECRET-IN-ENV", path: "bad/fn", prop: "env.DATABASE_URL", message:
    "bad/fn: env.DATABASE_URL (\"postgres://***@db/app\") looks like a secret passed as a plain value, which would be written into every manifest and plan; move it to secrets: { DATABASE_URL: { secret: \"<store>\", key: \"<key>\" } }.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", env: { DATABASE_URL: "postgres://app:hunter2@db/app" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

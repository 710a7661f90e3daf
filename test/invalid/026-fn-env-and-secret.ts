// Invalid: fn env and secret. Expected: ZS-FN-ENV-DUPLICATE at bad/fn (secrets.DB).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-ENV-DUPLICATE", path: "bad/fn", prop: "secrets.DB", message:
    "bad/fn: secrets.DB (\"DB\") is also set in env; set each variable in env or in secrets, not both.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", env: { DB: "x" }, secrets: { DB: { secret: "db", key: "url" } } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

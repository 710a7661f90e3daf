// Invalid: fn secret key. Expected: ZS-FN-SECRET-KEY at bad/fn (secrets.DB.key).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-SECRET-KEY", path: "bad/fn", prop: "secrets.DB.key", message:
    "bad/fn: secrets.DB.key (\"a key\") is not a valid secret key; use alphanumerics, '-', '_' and '.', e.g. \"url\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", secrets: { DB: { secret: "db", key: "a key" } } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

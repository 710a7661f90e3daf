// Invalid: fn secret store name. Expected: ZS-FN-SECRET-NAME at bad/fn (secrets.DB.secret).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-SECRET-NAME", path: "bad/fn", prop: "secrets.DB.secret", message:
    "bad/fn: secrets.DB.secret (\"DB_Store\") is not a valid secret store name; use lowercase alphanumerics, '-' and '.', e.g. \"shop-db\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", secrets: { DB: { secret: "DB_Store", key: "url" } } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

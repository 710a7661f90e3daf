// Invalid: app name. Expected: ZS-APP-NAME at Bad_App (name).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-APP-NAME", path: "Bad_App", prop: "name", message:
    "Bad_App: name (\"Bad_App\") is not a DNS-1035 label of at most 30 characters; use lowercase letters, digits and \"-\", starting with a letter, e.g. \"shop\".",
};

export const app = new App({ name: "Bad_App" });
new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: trigger target not function. Expected: ZS-TARGET at bad/t (target).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TARGET", path: "bad/t", prop: "target", message:
    "bad/t: target (\"bad (App)\") is not a ServerlessFunction; pass the ServerlessFunction the construct applies to.",
};

export const app = new App({ name: "bad" });
new EventTrigger(app, "t", { target: app as never, http: { path: "/a" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

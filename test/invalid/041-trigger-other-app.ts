// Invalid: trigger other app. Expected: ZS-TARGET-OTHER-APP at bad/t (target).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-TARGET-OTHER-APP", path: "bad/t", prop: "target", message:
    "bad/t: target (\"other/fn\") is in another App (other); target a function of the same App, or move this construct into that App.",
};

export const app = new App({ name: "bad" });
const other = new App({ name: "other" });
const fn = new ServerlessFunction(other, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
new EventTrigger(app, "t", { target: fn, http: { path: "/a" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: construct validation. Expected: ZS-CONSTRUCT at bad/fn ((construct)).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-CONSTRUCT", path: "bad/fn", prop: "(construct)", message:
    "bad/fn: (construct) needs an owner label; fix what the construct's own validation reports.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });
fn.node.addValidation({ validate: () => ["needs an owner label"] });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

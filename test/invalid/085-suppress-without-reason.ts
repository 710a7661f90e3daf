// Invalid: suppress without reason. Expected: ZS-SUPPRESS-REASON at bad/fn ((suppression)).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SUPPRESS-REASON", path: "bad/fn", prop: "(suppression)", message:
    "bad/fn: (suppression) (\"ZS-POLICY-IMAGE-LATEST\") has no reason; say why the check does not apply; the reason appears in the output.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:latest" });
suppress(fn, "ZS-POLICY-IMAGE-LATEST", " ");

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

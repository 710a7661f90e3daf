// Invalid: aca cpu above 4 vCPU. Expected: ZS-ACA-RESOURCES-MAX at bad/fn (cpu).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "aca" | undefined = "aca";
export const expected = {
  code: "ZS-ACA-RESOURCES-MAX", path: "bad/fn", prop: "cpu", message:
    "bad/fn: cpu (\"6\") is above the Consumption profile's largest pair, 4 vCPU / 8Gi; give at most cpu: \"4\" and memory: \"8Gi\", or deploy with knative() or keda() on a cluster with larger nodes.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", cpu: "6", memory: "8Gi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

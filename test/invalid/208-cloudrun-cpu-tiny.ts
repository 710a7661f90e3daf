// Invalid: cloudrun cpu tiny. Expected: ZS-CLOUDRUN-CPU at bad/fn (cpu).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-CPU", path: "bad/fn", prop: "cpu", message:
    "bad/fn: cpu (\"50m\") is not a Cloud Run CPU limit (1, 2, 4, 6 or 8 CPUs, or with concurrency 1 a fraction from 0.08 in steps of 0.01); use \"1\", or with concurrency 1 a value such as \"250m\" or \"500m\".",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "50m", concurrency: 1 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

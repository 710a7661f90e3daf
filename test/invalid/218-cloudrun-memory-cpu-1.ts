// Invalid: cloudrun memory cpu 1. Expected: ZS-CLOUDRUN-MEMORY-CPU at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-MEMORY-CPU", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"2Gi\") needs at least 1 CPU on Cloud Run (above 1Gi), and the function has 0.5; set cpu: \"1\", or memory <= 1Gi.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "500m", concurrency: 1, memory: "2Gi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

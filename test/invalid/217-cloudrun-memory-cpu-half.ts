// Invalid: cloudrun memory cpu half. Expected: ZS-CLOUDRUN-MEMORY-CPU at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-MEMORY-CPU", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"1Gi\") needs at least 0.5 CPUs on Cloud Run (above 512Mi), and the function has 0.25; set cpu: \"0.5\", or memory <= 512Mi.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "250m", concurrency: 1, memory: "1Gi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: cloudrun memory cpu 6. Expected: ZS-CLOUDRUN-MEMORY-CPU at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-MEMORY-CPU", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"20Gi\") needs at least 6 CPUs on Cloud Run (above 16Gi), and the function has 4; set cpu: \"6\", or memory <= 16Gi.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "4", memory: "20Gi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

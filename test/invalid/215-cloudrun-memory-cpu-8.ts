// Invalid: cloudrun memory cpu 8. Expected: ZS-CLOUDRUN-MEMORY-CPU at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-MEMORY-CPU", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"30Gi\") needs at least 8 CPUs on Cloud Run (above 24Gi), and the function has 6; set cpu: \"8\", or memory <= 24Gi.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "6", memory: "30Gi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

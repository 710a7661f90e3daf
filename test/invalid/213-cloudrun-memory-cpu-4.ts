// Invalid: cloudrun memory cpu 4. Expected: ZS-CLOUDRUN-MEMORY-CPU at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-MEMORY-CPU", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"10Gi\") needs at least 4 CPUs on Cloud Run (above 8Gi), and the function has 2; set cpu: \"4\", or memory <= 8Gi.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "2", memory: "10Gi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

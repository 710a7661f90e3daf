// Invalid: cloudrun memory cpu 2. Expected: ZS-CLOUDRUN-MEMORY-CPU at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-MEMORY-CPU", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"6Gi\") needs at least 2 CPUs on Cloud Run (above 4Gi), and the function has 1; set cpu: \"2\", or memory <= 4Gi.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "1", memory: "6Gi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

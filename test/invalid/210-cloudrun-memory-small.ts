// Invalid: cloudrun memory small. Expected: ZS-CLOUDRUN-MEMORY at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-MEMORY", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"64Mi\") is outside Cloud Run's 128Mi..32Gi; use a size within it, e.g. \"128Mi\" or \"512Mi\".",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "1", memory: "64Mi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

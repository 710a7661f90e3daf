// Invalid: cloudrun cpu 8 memory. Expected: ZS-CLOUDRUN-MEMORY-CPU at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-MEMORY-CPU", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"2Gi\") is below the 4Gi Cloud Run requires with 8 CPUs; set memory: \"4Gi\" or more, or fewer CPUs.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "8", memory: "2Gi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

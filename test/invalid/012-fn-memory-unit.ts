// Invalid: fn memory unit. Expected: ZS-FN-MEMORY at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-MEMORY", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"1GB\") is not a Kubernetes quantity; use a size such as \"128Mi\", \"512Mi\" or \"1Gi\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", memory: "1GB" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

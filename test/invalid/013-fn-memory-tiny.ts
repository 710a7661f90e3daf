// Invalid: fn memory tiny. Expected: ZS-FN-MEMORY at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-MEMORY", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"1Mi\") is below 6Mi (Docker's minimum); use at least \"6Mi\"; most functions want \"128Mi\" or more.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", memory: "1Mi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

// Invalid: fn wrong type. Expected: ZS-SHAPE at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SHAPE", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (256) must be a string; pass a Kubernetes quantity string such as \"256Mi\".",
};

export const app = new App({ name: "bad" });
// @ts-expect-error TypeScript catches this too; JavaScript programs get ZS-SHAPE at synth
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", memory: 256 });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

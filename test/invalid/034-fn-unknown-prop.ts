// Invalid: fn unknown prop. Expected: ZS-SHAPE at bad/fn (memroy).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-SHAPE", path: "bad/fn", prop: "memroy", message:
    "bad/fn: memroy (\"1Gi\") is not a known prop; did you mean memory? Otherwise remove it (known props: image, build, code, port, env, secrets, memory, cpu, timeout, concurrency, readinessPath, command, args, labels, security).",
};

export const app = new App({ name: "bad" });
// @ts-expect-error TypeScript catches this too; JavaScript programs get ZS-SHAPE at synth
const fn = new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0", memroy: "1Gi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

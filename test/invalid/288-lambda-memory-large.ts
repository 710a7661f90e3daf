// Invalid: lambda memory above 10240 MB. Expected: ZS-LAMBDA-MEMORY at bad/fn (memory).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-MEMORY", path: "bad/fn", prop: "memory", message:
    "bad/fn: memory (\"16Gi\") is 16384 MB; Lambda's memorySize is a whole number of MB within 128..10240; use e.g. \"128Mi\", \"512Mi\" or \"2Gi\".",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0", memory: "16Gi" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

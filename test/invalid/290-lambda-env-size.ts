// Invalid: lambda environment over 4 KB. Expected: ZS-LAMBDA-ENV-SIZE at bad/fn (env).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-ENV-SIZE", path: "bad/fn", prop: "env", message:
    "bad/fn: env (\"4182 bytes\") exceeds Lambda's 4096 bytes of environment variables (including the adapter's); move large values to a file in the image, or to a secret read by the code.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0", env: { BIG: "x".repeat(4100) } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

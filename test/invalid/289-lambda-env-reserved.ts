// Invalid: lambda reserved env name. Expected: ZS-LAMBDA-ENV-RESERVED at bad/fn (env.AWS_REGION).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-ENV-RESERVED", path: "bad/fn", prop: "env.AWS_REGION", message:
    "bad/fn: env.AWS_REGION (\"AWS_REGION\") is set by Lambda or the Lambda Web Adapter itself; rename the variable (names starting AWS_ or LAMBDA_, _HANDLER, _X_AMZN_TRACE_ID and TZ are Lambda's).",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0", env: { AWS_REGION: "eu-west-1" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

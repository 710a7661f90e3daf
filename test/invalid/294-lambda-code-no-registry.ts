// Invalid: lambda code function with no registry. Expected: ZS-LAMBDA-IMAGE at bad/fn (code).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-IMAGE", path: "bad/fn", prop: "code", message:
    "bad/fn: code (\"src/index.js\") is built from source, and lambda() was given no ECR registry to push its image to nor an image for it; pass lambda({ registry: \"<account>.dkr.ecr.<region>.amazonaws.com/<path>\" }) (deploy() builds, adds the Lambda Web Adapter and pushes), or images: { \"<function>\": \"<ECR repository>@sha256:<digest>\" }.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { code: { path: "src", handler: "index.js" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

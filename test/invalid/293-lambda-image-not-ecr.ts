// Invalid: lambda image outside ECR. Expected: ZS-LAMBDA-IMAGE at bad/fn (image).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-IMAGE", path: "bad/fn", prop: "image", message:
    "bad/fn: image (\"registry.example.com/bad/fn:1.0.0\") is not in Amazon ECR, and Lambda runs images from ECR only; lambda() was given no registry to copy it to; pass lambda({ registry: \"<account>.dkr.ecr.<region>.amazonaws.com/<path>\" }) (deploy() builds, adds the Lambda Web Adapter and pushes), or images: { \"<function>\": \"<ECR repository>@sha256:<digest>\" }.",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "registry.example.com/bad/fn:1.0.0" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

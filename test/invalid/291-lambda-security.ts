// Invalid: lambda security relaxation. Expected: ZS-LAMBDA-SECURITY at bad/fn (security).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend = "lambda";
export const expected = {
  code: "ZS-LAMBDA-SECURITY", path: "bad/fn", prop: "security", message:
    "bad/fn: security ([\"readOnlyRootFilesystem\"]) cannot be relaxed on Lambda: it runs every image as an unprivileged user on a read-only filesystem (writable /tmp only); remove the relaxation, or deploy with knative(), keda() or docker().",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/fn:1.0.0", security: { readOnlyRootFilesystem: false } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

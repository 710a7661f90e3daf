// Invalid: knative code no image. Expected: ZS-KNATIVE-IMAGE at bad/fn (code).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "knative";
export const expected = {
  code: "ZS-KNATIVE-IMAGE", path: "bad/fn", prop: "code", message:
    "bad/fn: code (\"src/index.js\") is built from source, and knative was given no registry to push its image to nor an image for it; pass knative({ registry: \"<host[:port]/path>\" }) (deploy() builds and pushes it), or on the CLI run `zeroscale build <program> --registry <registry>`, then `zeroscale synth <program> --images zeroscale.images.json`; or pass knative({ images: { \"bad/fn\": \"<repository>@sha256:<digest>\" } }).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { code: { path: "src", handler: "index.js" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

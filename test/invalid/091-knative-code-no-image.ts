// Invalid: knative code no image. Expected: ZS-KNATIVE-IMAGE at bad/fn (code).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = "knative";
export const expected = {
  code: "ZS-KNATIVE-IMAGE", path: "bad/fn", prop: "code", message:
    "bad/fn: code (\"src/index.js\") is built from source, which knative cannot do at synth time; build and push the image, then pass knative({ images: { \"bad/fn\": \"<registry>/<repo>:<tag>\" } }) or knative({ imageRegistry: \"<registry>\" }) (CLI: --image-registry).",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { code: { path: "src", handler: "index.js" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

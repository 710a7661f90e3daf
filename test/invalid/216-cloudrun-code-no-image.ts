// Invalid: cloudrun code no image. Expected: ZS-CLOUDRUN-IMAGE at bad/fn (code).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-IMAGE", path: "bad/fn", prop: "code", message:
    "bad/fn: code (\"src/index.js\") is built from source, and cloudrun was given no registry to push its image to nor an image for it; pass cloudRun({ registry: \"<region>-docker.pkg.dev/<project>/<repository>\" }) (deploy() builds and pushes it), or on the CLI run `zeroscale build <program> --registry <registry>`, then `zeroscale synth <program> --images zeroscale.images.json`; or pass cloudRun({ images: { \"bad/fn\": \"<repository>@sha256:<digest>\" } }).",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { code: { path: "src", handler: "index.js" }, cpu: "1" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

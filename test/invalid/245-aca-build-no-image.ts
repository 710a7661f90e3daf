// Invalid: aca build function with no registry. Expected: ZS-ACA-IMAGE at bad/fn (build).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "aca" | undefined = "aca";
export const expected = {
  code: "ZS-ACA-IMAGE", path: "bad/fn", prop: "build", message:
    "bad/fn: build (\"src\") is built from source, and aca was given no registry to push its image to nor an image for it; pass containerApps({ registry: \"<name>.azurecr.io/<path>\" }) (deploy() builds and pushes it), or on the CLI run `zeroscale build <program> --registry <registry>`, then `zeroscale synth <program> --images zeroscale.images.json`; or pass containerApps({ images: { \"bad/fn\": \"<repository>@sha256:<digest>\" } }).",
};

export const app = new App({ name: "bad" });
new ServerlessFunction(app, "fn", { build: { context: "src" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

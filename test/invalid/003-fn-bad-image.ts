// Invalid: fn bad image. Expected: ZS-FN-IMAGE at bad/fn (image).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | undefined = undefined;
export const expected = {
  code: "ZS-FN-IMAGE", path: "bad/fn", prop: "image", message:
    "bad/fn: image (\"Bad Image\") is not an image reference; use [registry/]repository[:tag][@digest], e.g. \"registry.example.com/shop/api:1.4.2\".",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "Bad Image" });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

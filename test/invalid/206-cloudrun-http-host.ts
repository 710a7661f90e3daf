// Invalid: cloudrun http host. Expected: ZS-CLOUDRUN-HTTP-HOST at bad/fn/h (http.host).
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress } from "zeroscale";

export const backend: "knative" | "keda" | "docker" | "cloudrun" | undefined = "cloudrun";
export const expected = {
  code: "ZS-CLOUDRUN-HTTP-HOST", path: "bad/fn/h", prop: "http.host", message:
    "bad/fn/h: http.host (\"shop.example.com\") needs a Cloud Run domain mapping or a load balancer, which zeroscale does not create (each service has its own run.app URL); remove host and map your domain to the service yourself.",
};

export const app = new App({ name: "bad" });
const fn = new ServerlessFunction(app, "fn", { image: "europe-west1-docker.pkg.dev/bad/r/fn:1.0.0", cpu: "1" });
fn.addTrigger("h", { http: { path: "/shop", host: "shop.example.com" } });

void [Duration, EventTrigger, ScalingPolicy, ServerlessFunction, suppress];

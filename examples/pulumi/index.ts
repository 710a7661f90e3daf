// examples/pulumi: `pulumi up` deploys examples/shop to Knative, or with `pulumi config set backend docker`
// to a Docker host. Needs the Pulumi CLI and, for Knative, a cluster with Knative and a Gateway API Gateway.
import * as pulumi from "@pulumi/pulumi";
import { type Backend, BACKENDS, shopStack } from "./program.js";

const config = new pulumi.Config();
const backend = config.get("backend") ?? "knative";
if (!(BACKENDS as readonly string[]).includes(backend)) {
  throw new pulumi.RunError(`config backend is ${JSON.stringify(backend)}; set it to one of ${BACKENDS.map((b) => `"${b}"`).join(", ")}: pulumi config set backend docker`);
}
const outputs = shopStack(backend as Backend, config);

/** The gateway's URL on the Docker host ("" on Knative, whose routes have their own hosts). */
export const gatewayUrl = outputs.gatewayUrl;
/** Each HTTP route's URL, by trigger id ("shop/cart/route", ...). */
export const urls = outputs.urls;
/** (knative) The image each code function runs, by function id: `<repository>@sha256:...`, as pushed. */
export const images = outputs.images;

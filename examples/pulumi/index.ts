// examples/pulumi: `pulumi up` deploys examples/shop to Knative, or with `pulumi config set backend docker`
// to a Docker host. Needs the Pulumi CLI and, for Knative, a cluster with Knative and a Gateway API Gateway.
import * as pulumi from "@pulumi/pulumi";
import { shopStack } from "./program.js";

const config = new pulumi.Config();
const outputs = shopStack(config.get("backend") === "docker" ? "docker" : "knative", config);

export const gatewayUrl = outputs.gatewayUrl;
export const urls = outputs.urls;

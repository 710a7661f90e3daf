// Validate emitted manifests with the npm model packages made for this (@kubernetes-models/*,
// kubernetes-models); for the CRDs no package models, with the upstream CRD schemas vendored under
// test/schemas/knative (Channel, Subscription, Kafka/RabbitMQ/Redis sources, applied strictly), or
// a small schema of our own (the HTTP add-on's HTTPScaledObject). See ./crd-schemas.ts.
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import { Service as KnativeService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { PingSource } from "@kubernetes-models/knative/sources.knative.dev/v1/PingSource";
import { Ajv } from "ajv";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Service } from "kubernetes-models/v1/Service";
import { OWN_CRD_SCHEMAS, UPSTREAM_CRD_SCHEMAS } from "./crd-schemas.js";

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  "serving.knative.dev/v1/Service": KnativeService as unknown as Model,
  "sources.knative.dev/v1/PingSource": PingSource as unknown as Model,
  "gateway.networking.k8s.io/v1/HTTPRoute": HTTPRoute as unknown as Model,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject as unknown as Model,
  "keda.sh/v1alpha1/TriggerAuthentication": TriggerAuthentication as unknown as Model,
  "apps/v1/Deployment": Deployment as unknown as Model,
  "v1/Service": Service as unknown as Model,
  "batch/v1/CronJob": CronJob as unknown as Model,
};

// strict: false lets ajv skip the CRDs' x-kubernetes-* keywords; their int32/int64 formats are checked.
const ajv = new Ajv({
  allErrors: true,
  strict: false,
  formats: {
    int32: { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
    int64: { type: "number", validate: (n: number) => Number.isSafeInteger(n) },
  },
});
const OWN = Object.fromEntries(Object.entries(OWN_CRD_SCHEMAS).map(([k, s]) => [k, ajv.compile(s)]));
const UPSTREAM = Object.fromEntries(Object.entries(UPSTREAM_CRD_SCHEMAS).map(([k, s]) => [k, ajv.compile(s)]));

/**
 * Throws with the model's or schema's message when `manifest` is not a valid object of its kind;
 * returns which check ran: an npm "model", a vendored "upstream" CRD schema, or our own "schema".
 */
export function validateManifest(manifest: { apiVersion: string; kind: string }): "model" | "upstream" | "schema" {
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const model = MODELS[key];
  if (model) {
    new model(structuredClone(manifest) as never).validate();
    return "model";
  }
  const upstream = UPSTREAM[key];
  if (upstream) {
    if (!upstream(manifest)) throw new Error(`${key}: ${ajv.errorsText(upstream.errors)}`);
    return "upstream";
  }
  const own = OWN[key];
  if (!own) throw new Error(`no model or schema for ${key}`);
  if (!own(manifest)) throw new Error(`${key}: ${ajv.errorsText(own.errors)}`);
  return "schema";
}

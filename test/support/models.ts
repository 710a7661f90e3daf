// Validate emitted manifests with the npm model packages made for this (@kubernetes-models/*,
// kubernetes-models), and with small schemas of our own for the CRDs no package models
// (the HTTP add-on's HTTPScaledObject, eventing-redis/-rabbitmq/-kafka sources).
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import { Service as KnativeService } from "@kubernetes-models/knative/serving.knative.dev/v1/Service";
import { PingSource } from "@kubernetes-models/knative/sources.knative.dev/v1/PingSource";
import { Ajv } from "ajv";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Service } from "kubernetes-models/v1/Service";
import { OWN_CRD_SCHEMAS } from "./crd-schemas.js";

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

const ajv = new Ajv({ allErrors: true, strict: false });
const OWN = Object.fromEntries(Object.entries(OWN_CRD_SCHEMAS).map(([k, s]) => [k, ajv.compile(s)]));

/** Throws with the model's message when `manifest` is not a valid object of its kind; returns which check ran. */
export function validateManifest(manifest: { apiVersion: string; kind: string }): "model" | "schema" {
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const model = MODELS[key];
  if (model) {
    new model(structuredClone(manifest) as never).validate();
    return "model";
  }
  const own = OWN[key];
  if (!own) throw new Error(`no model or schema for ${key}`);
  if (!own(manifest)) throw new Error(`${key}: ${ajv.errorsText(own.errors)}`);
  return "schema";
}

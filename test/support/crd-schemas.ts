// JSON Schemas for the CRDs no npm model package covers:
// - UPSTREAM_CRD_SCHEMAS: the upstream CRDs' openAPIV3Schema, vendored unchanged under
//   test/schemas/knative/<group>/<version>/<Kind>.json (provenance: test/schemas/knative/SOURCE.md),
//   compiled in memory in strict form (strictCrdSchema) as kubectl's --validate=strict applies them;
// - OWN_CRD_SCHEMAS: minimal schemas written for these tests from a CRD's documented fields, where
//   none is vendored (the HTTP add-on's HTTPScaledObject). Unknown fields at the levels we emit are errors.
import { readFileSync } from "node:fs";

const meta = {
  type: "object",
  required: ["name", "namespace"],
  properties: { name: { type: "string" }, namespace: { type: "string" }, labels: { type: "object" }, annotations: { type: "object" } },
};
const root = (apiVersion: string, kind: string, spec: object) => ({
  type: "object",
  required: ["apiVersion", "kind", "metadata", "spec"],
  additionalProperties: false,
  properties: { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata: meta, spec },
});

export const OWN_CRD_SCHEMAS: Record<string, object> = {
  "http.keda.sh/v1alpha1/HTTPScaledObject": root("http.keda.sh/v1alpha1", "HTTPScaledObject", {
    type: "object",
    required: ["scaleTargetRef"],
    additionalProperties: false,
    properties: {
      hosts: { type: "array", items: { type: "string" } },
      pathPrefixes: { type: "array", items: { type: "string" } },
      scaleTargetRef: {
        type: "object",
        required: ["service"],
        additionalProperties: false,
        properties: { apiVersion: { type: "string" }, kind: { type: "string" }, name: { type: "string" }, service: { type: "string" }, port: { type: "integer" }, portName: { type: "string" } },
      },
      replicas: { type: "object", additionalProperties: false, properties: { min: { type: "integer", minimum: 0 }, max: { type: "integer", minimum: 1 } } },
      scaledownPeriod: { type: "integer", minimum: 0 },
      initialCooldownPeriod: { type: "integer", minimum: 0 },
      scalingMetric: {
        type: "object",
        additionalProperties: false,
        properties: {
          concurrency: { type: "object", additionalProperties: false, properties: { targetValue: { type: "integer", minimum: 1 } } },
          requestRate: { type: "object", additionalProperties: false, properties: { targetValue: { type: "integer", minimum: 1 }, window: { type: "string" }, granularity: { type: "string" } } },
        },
      },
    },
  }),
};

/** The vendored upstream CRD schemas, by "<apiVersion>/<kind>" (files under test/schemas/knative/). */
export const UPSTREAM_CRDS = [
  "messaging.knative.dev/v1/Channel",
  "messaging.knative.dev/v1/Subscription",
  "sources.knative.dev/v1beta1/KafkaSource",
  "sources.knative.dev/v1alpha1/RabbitmqSource",
  "sources.knative.dev/v1alpha1/RedisStreamSource",
] as const;

/** A vendored CRD's openAPIV3Schema, as published. */
export function upstreamSchema(key: (typeof UPSTREAM_CRDS)[number]): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../schemas/knative/${key}.json`, import.meta.url), "utf8")) as Record<string, unknown>;
}

type Schema = { [k: string]: unknown };

/**
 * A CRD schema as the API server applies it with strict field validation (kubectl's default
 * --validate=strict), for ajv: an unknown field is an error wherever the schema lists `properties`,
 * except under `x-kubernetes-preserve-unknown-fields: true` (kept as is there, as the API server does).
 * At the root, apiVersion and kind must be this kind's and metadata must be there (the API server
 * handles those three itself, so some CRDs do not list them). The input is not modified.
 */
export function strictCrdSchema(apiVersion: string, kind: string, schema: Schema): Schema {
  const strict = (node: Schema): Schema => {
    const out: Schema = { ...node };
    if (node["properties"]) {
      out["properties"] = Object.fromEntries(Object.entries(node["properties"] as Record<string, Schema>).map(([k, v]) => [k, strict(v)]));
      if (node["additionalProperties"] === undefined && node["x-kubernetes-preserve-unknown-fields"] !== true) out["additionalProperties"] = false;
    }
    if (node["items"] && typeof node["items"] === "object") out["items"] = strict(node["items"] as Schema);
    if (node["additionalProperties"] && typeof node["additionalProperties"] === "object") out["additionalProperties"] = strict(node["additionalProperties"] as Schema);
    for (const k of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(node[k])) out[k] = (node[k] as Schema[]).map(strict);
    return out;
  };
  const root = strict(schema);
  root["properties"] = { ...(root["properties"] as object), apiVersion: { const: apiVersion }, kind: { const: kind }, metadata: meta };
  root["required"] = [...new Set([...((schema["required"] as string[] | undefined) ?? []), "apiVersion", "kind", "metadata"])];
  return root;
}

/** Every vendored CRD in strict form, by "<apiVersion>/<kind>". */
export const UPSTREAM_CRD_SCHEMAS: Record<string, Schema> = Object.fromEntries(
  UPSTREAM_CRDS.map((key) => {
    const kind = key.slice(key.lastIndexOf("/") + 1);
    return [key, strictCrdSchema(key.slice(0, key.lastIndexOf("/")), kind, upstreamSchema(key))];
  }),
);

// Minimal JSON Schemas, written for these tests from the CRDs' documented fields, for kinds that no
// npm model package covers. Unknown fields at the levels we emit are errors, to catch typos.

const meta = {
  type: "object",
  required: ["name", "namespace"],
  properties: { name: { type: "string" }, namespace: { type: "string" }, labels: { type: "object" }, annotations: { type: "object" } },
};
const sink = {
  type: "object",
  additionalProperties: false,
  properties: { ref: { type: "object", required: ["apiVersion", "kind", "name"], additionalProperties: false, properties: { apiVersion: { type: "string" }, kind: { type: "string" }, name: { type: "string" }, namespace: { type: "string" } } }, uri: { type: "string" } },
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
  "sources.knative.dev/v1alpha1/RedisStreamSource": root("sources.knative.dev/v1alpha1", "RedisStreamSource", {
    type: "object",
    required: ["address", "stream", "sink"],
    additionalProperties: false,
    properties: { address: { type: "string" }, stream: { type: "string" }, group: { type: "string" }, consumers: { type: "integer" }, sink },
  }),
  "sources.knative.dev/v1alpha1/RabbitmqSource": root("sources.knative.dev/v1alpha1", "RabbitmqSource", {
    type: "object",
    required: ["rabbitmqClusterReference", "sink"],
    additionalProperties: false,
    properties: {
      rabbitmqClusterReference: { type: "object", additionalProperties: false, properties: { connectionSecret: { type: "object", required: ["name"], properties: { name: { type: "string" } } }, name: { type: "string" }, namespace: { type: "string" } } },
      rabbitmqResourcesConfig: { type: "object", additionalProperties: false, properties: { queueName: { type: "string" }, predeclared: { type: "boolean" }, parallelism: { type: "integer" }, exchangeName: { type: "string" }, vhost: { type: "string" } } },
      sink,
    },
  }),
  "sources.knative.dev/v1beta1/KafkaSource": root("sources.knative.dev/v1beta1", "KafkaSource", {
    type: "object",
    required: ["bootstrapServers", "topics", "sink"],
    additionalProperties: false,
    properties: { bootstrapServers: { type: "array", items: { type: "string" }, minItems: 1 }, topics: { type: "array", items: { type: "string" }, minItems: 1 }, consumerGroup: { type: "string" }, sink },
  }),
};

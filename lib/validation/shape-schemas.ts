/**
 * JSON Schemas of the construct props' shapes: types and known prop names only. Ranges, formats
 * and cross-prop rules are checked in code with messages of their own.
 */

import { BACKOFF_POLICIES, METRIC_TYPES, QUEUE_BROKERS, type TriggerKind } from "../vocabulary.js";

/** `"a", "b" or "c"` */
function oneOf(values: readonly string[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}` : (quoted[0] ?? "");
}

const str = { type: "string" } as const;
const int = { type: "integer" } as const;
const num = { type: "number" } as const;
const duration = { type: "string", "x-fix": 'pass a Duration or a string such as "30s" or "5m"' } as const;
const stringMap = { type: "object", additionalProperties: { type: "string" }, "x-fix": "pass an object of string values" } as const;
const stringList = { type: "array", items: { type: "string" }, "x-fix": "pass an array of strings" } as const;
const secretRef = {
  type: "object",
  additionalProperties: false,
  required: ["secret", "key"],
  properties: {
    secret: { type: "string", "x-fix": "name the secret store, e.g. secret: \"shop-db\"" },
    key: { type: "string", "x-fix": "name the key inside the store, e.g. key: \"url\"" },
  },
  "x-fix": 'pass { secret: "store-name", key: "key" }',
} as const;

export const FUNCTION_PROPS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    image: str,
    build: {
      type: "object",
      additionalProperties: false,
      required: ["context"],
      properties: { context: { type: "string", "x-fix": 'set build.context to a directory, e.g. "./api"' }, dockerfile: str, args: stringMap },
    },
    code: {
      type: "object",
      additionalProperties: false,
      required: ["path", "handler"],
      properties: {
        path: { type: "string", "x-fix": 'set code.path to the directory holding the code, e.g. "./src"' },
        handler: { type: "string", "x-fix": 'set code.handler to "file#export", e.g. "index.js#handler"' },
        runtime: { enum: ["nodejs20", "nodejs22"] },
      },
    },
    port: int,
    env: stringMap,
    secrets: { type: "object", additionalProperties: secretRef },
    memory: { type: "string", "x-fix": 'pass a Kubernetes quantity string such as "256Mi"' },
    cpu: { type: "string", "x-fix": 'pass a Kubernetes quantity string such as "250m" or "1"' },
    timeout: duration,
    concurrency: int,
    readinessPath: str,
    command: stringList,
    args: stringList,
    labels: stringMap,
    security: {
      type: "object",
      additionalProperties: false,
      properties: {
        runAsNonRoot: { type: "boolean" },
        runAsUser: { type: ["integer", "null"] },
        readOnlyRootFilesystem: { type: "boolean" },
        allowPrivilegeEscalation: { type: "boolean" },
      },
    },
  },
} as const;

/** `delivery` of an EventTrigger (its deadLetter is a ServerlessFunction or { queue }: checked by the resolver). */
export const DELIVERY_PROPS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    retries: int,
    backoff: {
      type: "object",
      additionalProperties: false,
      properties: { policy: { enum: [...BACKOFF_POLICIES], "x-fix": `set delivery.backoff.policy to ${oneOf(BACKOFF_POLICIES)}` }, delay: duration },
    },
    deadLetter: { type: "object", "x-fix": 'pass a ServerlessFunction of the same App, or { queue: "orders-dlq" }' },
    timeout: duration,
  },
} as const;

export const TRIGGER_PROPS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    ...({
    http: {
      type: "object",
      additionalProperties: false,
      required: ["path"],
      properties: {
        path: { type: "string", "x-fix": 'set http.path, e.g. "/api"' },
        methods: { type: "array", items: { enum: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] } },
        host: str,
      },
    },
    schedule: {
      type: "object",
      additionalProperties: false,
      required: ["cron"],
      properties: { cron: { type: "string", "x-fix": 'set schedule.cron, e.g. "0 3 * * *"' }, timezone: str, data: {} },
    },
    queue: {
      type: "object",
      additionalProperties: false,
      required: ["broker", "connection", "name"],
      properties: {
        broker: { enum: [...QUEUE_BROKERS], "x-fix": `set queue.broker to ${oneOf(QUEUE_BROKERS)}` },
        connection: {
          type: ["string", "object"],
          "x-fix": 'pass a URL without credentials, or { secret: "store-name", key: "url" }',
        },
        name: { type: "string", "x-fix": "set queue.name to the stream, queue, topic or subject" },
        consumerGroup: str,
        batchSize: int,
      },
    },
  } as const satisfies Record<TriggerKind, object>),
    delivery: DELIVERY_PROPS_SCHEMA,
  },
} as const;



export const POLICY_PROPS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    minInstances: int,
    maxInstances: int,
    // unknown metric keys pass the shape (additionalProperties) so resolve/scaling-policy.ts reports them as ZS-SCALING-METRIC
    metric: { type: "object", properties: Object.fromEntries(METRIC_TYPES.map((m) => [m, num])), additionalProperties: num, "x-fix": "pass an object with one key, e.g. { concurrency: 50 }" },
    targetUtilizationPercent: num,
    idleTimeout: duration,
    initialInstances: int,
    scaleDownDelay: duration,
    stableWindow: duration,
    burst: {
      type: "object",
      additionalProperties: false,
      properties: { panicWindowPercent: num, panicThresholdPercent: num },
    },
    schedule: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["start", "end", "minInstances"],
        properties: { start: str, end: str, minInstances: int, timezone: str },
      },
    },
    coldStart: {
      type: "object",
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      "x-fix": "pass { buffer: { maxRequests, maxWait } } or { reject: true }",
      properties: {
        buffer: { type: "object", additionalProperties: false, properties: { maxRequests: int, maxWait: duration } },
        reject: { const: true, "x-fix": "set coldStart.reject to true, or use coldStart.buffer" },
      },
    },
  },
} as const;

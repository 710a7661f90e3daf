/**
 * JSON Schemas of the construct props' shapes: types and known prop names only. Ranges, formats
 * and cross-prop rules are checked in code with messages of their own.
 */

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

export const TRIGGER_PROPS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
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
        broker: { enum: ["redis", "rabbitmq", "kafka", "nats"], "x-fix": 'set queue.broker to "redis", "rabbitmq", "kafka" or "nats"' },
        connection: {
          type: ["string", "object"],
          "x-fix": 'pass a URL without credentials, or { secret: "store-name", key: "url" }',
        },
        name: { type: "string", "x-fix": "set queue.name to the stream, queue, topic or subject" },
        consumerGroup: str,
        batchSize: int,
      },
    },
  },
} as const;

export const POLICY_PROPS_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    minInstances: int,
    maxInstances: int,
    metric: { type: "object", additionalProperties: num, "x-fix": "pass an object with one key, e.g. { concurrency: 50 }" },
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
  },
} as const;

/**
 * The event contract: exactly what a function receives for each trigger kind on each engine (the
 * CloudEvent attributes, the data and its content type, or the platform's own shape). docs/events.md
 * is rendered from this table; lib/events/encode.ts sends the zeroscale and Knative rows, and
 * lib/events/parse.ts reads every row into one ZeroscaleEvent.
 */
import { ENGINES, type EngineName, QUEUE_BROKERS, type QueueBroker } from "../vocabulary.js";
import { KNATIVE_TYPES, ZEROSCALE_TYPES } from "./event-types.js";

/** What arrives for one trigger kind on one engine. */
export interface Envelope {
  /** How it arrives, e.g. "binary-mode CloudEvent, POST /". */
  readonly transport: string;
  readonly type: string;
  readonly source: string;
  /** The id: the idempotency key. */
  readonly id: string;
  readonly subject: string;
  /** The body and how parseEvent decodes it. */
  readonly data: string;
  readonly contentType: string;
}

/** A cell of the contract: an envelope, or why there is none. */
export type ContractCell = { readonly envelope: Envelope } | { readonly refused: string } | { readonly pull: string };

/** One engine's row: schedules and each broker's queue messages. */
export interface EngineContract {
  readonly schedule: ContractCell;
  readonly queue: { readonly [B in QueueBroker]: ContractCell };
}

const BINARY = "binary-mode CloudEvent, POST /";
const ZS_SOURCE = "`/zeroscale/<trigger path>` (e.g. `/zeroscale/shop/nightly`)";
const ZS_QUEUE_DATA = "the payload unchanged; `data`: JSON if it parses (or its content type says JSON), a string if UTF-8 text, else bytes";
const ZS_QUEUE_CT = "the message's content type, else `application/json` if it parses, `text/plain` if UTF-8, else `application/octet-stream`";

/** zeroscale's own envelope (dev, docker(), the KEDA dispatcher and schedule Jobs). */
function zeroscaleRow(deliverer: string): EngineContract {
  const queue = (b: QueueBroker, id: string, subject: string): ContractCell => ({
    envelope: { transport: `${BINARY} (${deliverer})`, type: `\`${ZEROSCALE_TYPES.queue[b]}\``, source: ZS_SOURCE, id, subject, data: b === "redis" ? "the entry's fields as a JSON object; `data`: that object" : ZS_QUEUE_DATA, contentType: b === "redis" ? "`application/json`" : ZS_QUEUE_CT },
  });
  return {
    schedule: { envelope: { transport: BINARY, type: `\`${ZEROSCALE_TYPES.schedule}\``, source: ZS_SOURCE, id: "`<trigger path>@<firing time, RFC 3339>` (the same on every retry of a firing)", subject: "none", data: "schedule.data (JSON as JSON, a string as text); none when unset", contentType: "`application/json` or `text/plain`" } },
    queue: {
      redis: queue("redis", "the stream entry id (`1718000000000-0`)", "the stream"),
      rabbitmq: queue("rabbitmq", "the message-id property, else a SHA-256 of queue, body and timestamp (stable across redeliveries)", "the queue"),
      nats: queue("nats", "the `Nats-Msg-Id` header, else `<stream>:<stream sequence>`", "the message's subject"),
      kafka: { refused: "not consumed locally (no Kafka broker here): deploy with knative() or keda()" },
    },
  };
}

const KN_NS = "<namespace>";

/** The contract of every engine: adding an engine or a broker fails to compile here until it is documented. */
export const CONTRACT: { readonly [E in EngineName]: EngineContract } = {
  zeroscale: zeroscaleRow("the gateway"),
  knative: {
    schedule: { envelope: { transport: `${BINARY} (PingSource, or its Channel's Subscription when delivery is set)`, type: `\`${KNATIVE_TYPES.schedule}\``, source: `\`/apis/v1/namespaces/${KN_NS}/pingsources/<name>\``, id: "a fresh UUID per firing", subject: "none", data: "schedule.data as declared", contentType: "`application/json` or `text/plain` (PingSource contentType)" } },
    queue: {
      redis: { envelope: { transport: `${BINARY} (RedisStreamSource)`, type: `\`${KNATIVE_TYPES.queue.redis}\``, source: "`<address>/<stream>`", id: "the stream entry id", subject: "none", data: 'the fields as a JSON array `["field","value",...]`; parseEvent gives the same object as everywhere', contentType: "`application/json`" } },
      rabbitmq: { envelope: { transport: `${BINARY} (RabbitmqSource)`, type: `\`${KNATIVE_TYPES.queue.rabbitmq}\``, source: `\`/apis/v1/namespaces/${KN_NS}/rabbitmqsources/<name>#<queue>\``, id: "the message-id property, else a fresh UUID (so set message-id for idempotency)", subject: "the message-id (none without one)", data: "the payload unchanged", contentType: "the message's content type" } },
      kafka: { envelope: { transport: `${BINARY} (KafkaSource)`, type: `\`${KNATIVE_TYPES.queue.kafka}\``, source: `\`/apis/v1/namespaces/${KN_NS}/kafkasources/<name>#<topic>\``, id: "`partition:<p>/offset:<o>`", subject: "`partition:<p>#<o>`", data: "the record value unchanged", contentType: "as the record says" } },
      nats: { refused: "no Knative source for NATS (ZS-KNATIVE-QUEUE-NATS): deploy with keda()" },
    },
  },
  keda: {
    ...zeroscaleRow("the zeroscale dispatcher"),
    schedule: { envelope: { ...(zeroscaleRow("").schedule as { envelope: Envelope }).envelope, transport: `${BINARY} (the CronJob's script)`, id: "`<trigger path>@<run start, RFC 3339>` (the same on every retry of a run)" } },
    queue: { ...zeroscaleRow("the zeroscale dispatcher").queue, kafka: { pull: "no delivery: the function reads the topic itself (ZEROSCALE_QUEUES), ZS-KEDA-DELIVERY-PULL" } },
  },
  cloudrun: {
    schedule: { envelope: { transport: "Cloud Scheduler HTTPS request (OIDC token) with `ce-` headers, POST /", type: `\`${ZEROSCALE_TYPES.schedule}\``, source: ZS_SOURCE, id: "no ce-id (Cloud Scheduler cannot template one): parseEvent uses `<X-CloudScheduler-JobName>@<X-CloudScheduler-ScheduleTime>`", subject: "none", data: "schedule.data as declared", contentType: "`application/json` or `text/plain`" } },
    queue: Object.fromEntries(QUEUE_BROKERS.map((b) => [b, { refused: "Cloud Run has no consumer for zeroscale's brokers (ZS-CLOUDRUN-QUEUE)" }])) as EngineContract["queue"],
  },
  aca: {
    schedule: { envelope: { transport: "binary-mode CloudEvent, POST to the first HTTP trigger's path, else / (the Container Apps Job's script)", type: `\`${ZEROSCALE_TYPES.schedule}\``, source: ZS_SOURCE, id: "`<trigger path>@<run start, RFC 3339>` (the same on every retry of a run)", subject: "none", data: "schedule.data as declared", contentType: "`application/json` or `text/plain`" } },
    queue: {
      redis: { pull: "no delivery: the app reads the stream itself (ZEROSCALE_QUEUES), ZS-ACA-QUEUE-PULL" },
      rabbitmq: { pull: "no delivery: the app reads the queue itself (ZEROSCALE_QUEUES), ZS-ACA-QUEUE-PULL" },
      kafka: { pull: "no delivery: the app reads the topic itself (ZEROSCALE_QUEUES), ZS-ACA-QUEUE-PULL" },
      nats: { pull: "no delivery: the app reads the subject itself (ZEROSCALE_QUEUES), ZS-ACA-QUEUE-PULL" },
    },
  },
  lambda: {
    schedule: { envelope: { transport: "EventBridge Scheduler invokes the `live` alias asynchronously; the Lambda Web Adapter POSTs the invocation's JSON (a structured-mode CloudEvent, content-type `application/json`) to the function's first HTTP trigger path, else /", type: `\`${ZEROSCALE_TYPES.schedule}\``, source: ZS_SOURCE, id: "`<trigger path>@<aws.scheduler.scheduled-time>` (stable across retries; the execution id is not)", subject: "none", data: "schedule.data as declared (in `data`)", contentType: "datacontenttype as declared" } },
    queue: {
      redis: { refused: "Lambda has no Redis event source (ZS-LAMBDA-QUEUE-REDIS)" },
      nats: { refused: "Lambda has no NATS event source (ZS-LAMBDA-QUEUE-NATS)" },
      kafka: { envelope: { transport: "the event source mapping's batch JSON `{ eventSource, records: { \"<topic>-<partition>\": [...] } }`, POSTed by the Lambda Web Adapter to the first HTTP trigger path, else /", type: "none (parseEvents gives `dev.zeroscale.queue.kafka`)", source: "the cluster ARN + `#<topic>`", id: "`partition:<p>/offset:<o>`", subject: "the topic", data: "each record's value (base64 in the batch); parseEvents decodes it", contentType: "none (sniffed)" } },
      rabbitmq: { envelope: { transport: "the event source mapping's batch JSON `{ eventSource: \"aws:rmq\", rmqMessagesByQueue: { \"<queue>::<vhost>\": [...] } }`, POSTed by the Lambda Web Adapter to the first HTTP trigger path, else /", type: "none (parseEvents gives `dev.zeroscale.queue.rabbitmq`)", source: "the broker ARN + `#<queue>`", id: "basicProperties.messageId, else a hash of the body", subject: "the queue", data: "each message's data (base64 in the batch); parseEvents decodes it", contentType: "basicProperties.contentType" } },
    },
  },
};

/** The engines in table order. */
export const CONTRACT_ENGINES: readonly EngineName[] = ENGINES;

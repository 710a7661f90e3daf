// Scale rules (template.scale.rules) and the queue consumer's env: ACA's rules are KEDA scalers.
import type { Diagnostics, EffectiveScaling, TriggerNode } from "../../lib/index.js";
import { assertNever } from "../../lib/index.js";
import { ACA_DEFAULTS } from "../../lib/engines/aca/defaults.js";
import { acaRules } from "../../lib/engines/aca/model.js";
import type { EngineInput } from "../../lib/engines/types.js";

type QueueSource = Extract<TriggerNode["source"], { type: "queue" }>;

/** One template.scale.rules entry. */
export interface ScaleRule {
  readonly name: string;
  readonly http?: { readonly metadata: Record<string, string> };
  readonly custom?: { readonly type: string; readonly metadata: Record<string, string>; readonly auth?: readonly { readonly secretRef: string; readonly triggerParameter: string }[] };
}

/** A Container App env entry: a value or a secretRef. */
export interface AcaEnv {
  readonly name: string;
  readonly value?: string;
  readonly secretRef?: string;
}

/** Registers a secret the app references (store + key -> its Container App secret name). */
export type UseSecret = (store: string, key: string) => string;

/** The app's scale rules, from the ACA model's effective scaling. */
export function scaleRules(input: EngineInput, e: EffectiveScaling, d: Diagnostics, useSecret: UseSecret): ScaleRule[] {
  const { triggers } = input;
  const rules: ScaleRule[] = [];
  const kinds = acaRules(input);
  if (e.metric.type === "cpu" || e.metric.type === "memory") {
    rules.push({ name: e.metric.type, custom: { type: e.metric.type, metadata: { type: "Utilization", value: String(e.metric.target) } } });
  } else if (kinds !== "queue") {
    const value = e.metric.type === "rps" ? e.metric.target : ACA_DEFAULTS.httpConcurrentRequests;
    rules.push({ name: "http", http: { metadata: { concurrentRequests: String(value) } } });
  }
  // Queue triggers always get their scaler (with a cpu/memory metric too, at ACA's default backlog:
  // Container Apps scales on the highest rule; the ACA model says so, ZS-ACA-RULE-DEFAULT).
  const backlog = e.metric.type === "queueLength" ? e.metric.target : ACA_DEFAULTS.defaultQueueTarget;
  triggers.forEach((t, i) => {
    if (t.source.type !== "queue") return;
    const rule = queueRule(t, t.source, `queue-${i}`, backlog, d, useSecret);
    if (rule) rules.push(rule);
  });
  e.baselines.forEach((b, i) => {
    rules.push({ name: `baseline-${i}`, custom: { type: "cron", metadata: { timezone: b.timezone, start: b.start, end: b.end, desiredReplicas: String(b.minInstances) } } });
  });
  return rules;
}

/** A queue trigger -> its KEDA scaler as a custom rule (redis-streams, rabbitmq, kafka, nats-jetstream), auth from an app secret when the connection is one. */
function queueRule(t: TriggerNode, s: QueueSource, name: string, backlog: number, d: Diagnostics, useSecret: UseSecret): ScaleRule | undefined {
  const target = String(backlog);
  const url = "url" in s.connection ? s.connection.url : undefined;
  const ref = "secret" in s.connection ? s.connection : undefined;
  const auth = (triggerParameter: string) => (ref ? { auth: [{ secretRef: useSecret(ref.secret, ref.key), triggerParameter }] } : {});
  // Nothing delivers the messages: the ACA delivery model says so (ZS-ACA-QUEUE-PULL), once per trigger.
  switch (s.broker) {
    case "redis": {
      const address = url ? new URL(url).host : undefined;
      return { name, custom: { type: "redis-streams", metadata: { ...(address ? { address } : {}), stream: s.name, consumerGroup: s.consumerGroup, pendingEntriesCount: target, ...(url?.startsWith("rediss:") ? { enableTLS: "true" } : {}) }, ...auth("address") } };
    }
    case "rabbitmq":
      return { name, custom: { type: "rabbitmq", metadata: { ...(url ? { host: url } : {}), protocol: "amqp", queueName: s.name, mode: "QueueLength", value: target }, ...auth("host") } };
    case "kafka":
      if (!url) {
        d.error("ZS-ACA-QUEUE-KAFKA", t.id, "queue.connection", s.connection, "is a secret reference, but the kafka scale rule takes bootstrapServers in its metadata", 'pass the bootstrap servers as connection, e.g. "kafka-0:9092,kafka-1:9092"');
        return undefined;
      }
      return { name, custom: { type: "kafka", metadata: { bootstrapServers: url, consumerGroup: s.consumerGroup, topic: s.name, lagThreshold: target } } };
    case "nats": {
      d.warn("ZS-ACA-NATS-MONITORING", t.id, "queue.connection", url ?? s.connection, "is mapped to the nats-jetstream scale rule, which reads consumer lag from the NATS monitoring endpoint (port 8222 on the same host) and the JetStream stream named queue.name", "make sure monitoring is enabled on port 8222, reachable from the environment, and a stream of that name exists");
      const host = url ? `${new URL(url).hostname}:8222` : undefined;
      return { name, custom: { type: "nats-jetstream", metadata: { ...(host ? { natsServerMonitoringEndpoint: host } : {}), account: "$G", stream: s.name, consumer: s.consumerGroup, lagThreshold: target }, ...auth("natsServerMonitoringEndpoint") } };
    }
    default:
      return assertNever(s.broker, "queue broker");
  }
}

/** Env a queue consumer receives (Container Apps scales a consumer; it does not push messages): the same contract as keda()'s. */
export function queueEnv(triggers: readonly TriggerNode[], useSecret: UseSecret): AcaEnv[] {
  const queues = triggers.filter((t) => t.source.type === "queue");
  if (queues.length === 0) return [];
  const env: AcaEnv[] = [];
  const list = queues.map((t, i) => {
    const s = t.source as QueueSource;
    const urlEnv = `ZEROSCALE_QUEUE_${i}_URL`;
    env.push("url" in s.connection ? { name: urlEnv, value: s.connection.url } : { name: urlEnv, secretRef: useSecret(s.connection.secret, s.connection.key) });
    return { trigger: t.id, broker: s.broker, name: s.name, consumerGroup: s.consumerGroup, batchSize: s.batchSize, urlEnv };
  });
  env.push({ name: "ZEROSCALE_QUEUES", value: JSON.stringify(list) });
  return env;
}

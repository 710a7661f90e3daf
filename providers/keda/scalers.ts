import { assertNever, type FunctionNode, type ScalingPolicyNode, type TriggerNode } from "../../lib/index.js";
import { objectMeta } from "../kubernetes/meta.js";
import type { KubeContext } from "../kubernetes/plan.js";

type QueueSource = Extract<TriggerNode["source"], { type: "queue" }>;

/** A ScaledObject trigger entry. */
export interface ScaledTrigger {
  readonly type: string;
  readonly name: string;
  readonly metadata: Record<string, string>;
  readonly authenticationRef?: { readonly name: string };
  readonly metricType?: string;
}

/**
 * A queue trigger -> its KEDA scaler, at the KEDA model's per-instance backlog (redis-streams, rabbitmq, kafka, nats-jetstream), plus a
 * TriggerAuthentication when the connection is a secret reference. Returns undefined (recording an
 * unsupported use) when KEDA cannot take the connection as given.
 */
export function queueScaler(ctx: KubeContext, fn: FunctionNode, perInstanceBacklog: number, t: TriggerNode, s: QueueSource): ScaledTrigger | undefined {
  const target = String(perInstanceBacklog);
  const url = "url" in s.connection ? s.connection.url : undefined;
  const ref = "secret" in s.connection ? s.connection : undefined;
  const auth = (parameter: string) => {
    if (!ref) return undefined;
    const name = `${t.name}-auth`;
    ctx.add(fn, {
      apiVersion: "keda.sh/v1alpha1",
      kind: "TriggerAuthentication",
      metadata: objectMeta(ctx, fn, name, "scaler-auth", t.id),
      spec: { secretTargetRef: [{ parameter, name: ref.secret, key: ref.key }] },
    });
    return { name };
  };
  switch (s.broker) {
    case "redis": {
      const authenticationRef = auth("address");
      const address = url ? new URL(url).host : undefined;
      return withAuth({ type: "redis-streams", name: t.name, metadata: { ...(address ? { address } : {}), stream: s.name, consumerGroup: s.consumerGroup, pendingEntriesCount: target, ...(url?.startsWith("rediss:") ? { enableTLS: "true" } : {}) } }, authenticationRef);
    }
    case "rabbitmq": {
      const authenticationRef = auth("host");
      return withAuth({ type: "rabbitmq", name: t.name, metadata: { ...(url ? { host: url } : {}), protocol: "amqp", queueName: s.name, mode: "QueueLength", value: target } }, authenticationRef);
    }
    case "kafka": {
      if (!url) {
        ctx.diags.error("ZS-KEDA-QUEUE-KAFKA", t.id, "queue.connection", s.connection, "is a secret reference, but KEDA's kafka scaler takes bootstrapServers in its metadata", 'pass the bootstrap servers as connection, e.g. "kafka-0:9092,kafka-1:9092"');
        return undefined;
      }
      return { type: "kafka", name: t.name, metadata: { bootstrapServers: url, consumerGroup: s.consumerGroup, topic: s.name, lagThreshold: target } };
    }
    case "nats": {
      ctx.diags.warn("ZS-KEDA-NATS-MONITORING", t.id, "queue.connection", url ?? s.connection, "is mapped to KEDA's nats-jetstream scaler, which reads consumer lag from the NATS monitoring endpoint (port 8222 on the same host) and the JetStream stream named queue.name", "make sure monitoring is enabled on port 8222 and a stream of that name exists");
      const authenticationRef = auth("natsServerMonitoringEndpoint");
      const host = url ? `${new URL(url).hostname}:8222` : undefined;
      return withAuth({ type: "nats-jetstream", name: t.name, metadata: { ...(host ? { natsServerMonitoringEndpoint: host } : {}), account: "$G", stream: s.name, consumer: s.consumerGroup, lagThreshold: target } }, authenticationRef);
    }
    default:
      return assertNever(s.broker, "queue broker");
  }
}

function withAuth(trigger: ScaledTrigger, authenticationRef: { name: string } | undefined): ScaledTrigger {
  return authenticationRef ? { ...trigger, authenticationRef } : trigger;
}

/**
 * Env a pull-mode queue consumer receives on KEDA (KEDA scales a consumer; in pull mode nothing pushes
 * messages, so it reads the broker itself): the queue triggers `pulls` says are pulled (keda({
 * queueDelivery: "pull" }), Kafka); push-mode triggers get a dispatcher instead (dispatcher.ts).
 */
export function queueEnv(triggers: readonly TriggerNode[], pulls: (t: TriggerNode) => boolean): { name: string; value?: string; valueFrom?: unknown }[] {
  const queues = triggers.filter((t) => t.source.type === "queue" && pulls(t));
  if (queues.length === 0) return [];
  const env: { name: string; value?: string; valueFrom?: unknown }[] = [];
  const list = queues.map((t, i) => {
    const s = t.source as QueueSource;
    const urlEnv = `ZEROSCALE_QUEUE_${i}_URL`;
    env.push("url" in s.connection ? { name: urlEnv, value: s.connection.url } : { name: urlEnv, valueFrom: { secretKeyRef: { name: s.connection.secret, key: s.connection.key } } });
    return { trigger: t.id, broker: s.broker, name: s.name, consumerGroup: s.consumerGroup, batchSize: s.batchSize, urlEnv };
  });
  env.push({ name: "ZEROSCALE_QUEUES", value: JSON.stringify(list) });
  return env;
}

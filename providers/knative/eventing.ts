import type { DiagnosticCode, FunctionNode, QueueBroker, TriggerNode } from "../../lib/index.js";
import { objectMeta } from "../kubernetes/meta.js";
import type { KubeContext } from "../kubernetes/plan.js";
import type { DeliveryRoute, KnativeSourceKind } from "./delivery.js";

type Source<T extends TriggerNode["source"]["type"]> = Extract<TriggerNode["source"], { type: T }>;

/** Where path routes attach (a Gateway API Gateway) and where they send traffic (Knative's internal ingress). */
export interface RouteOptions {
  readonly gateway: { readonly name: string; readonly namespace: string };
  readonly ingressService: { readonly name: string; readonly namespace: string; readonly port: number };
}

/**
 * Where a source's events go and the delivery spec it carries (deliveryRouter in ./delivery.ts, bound
 * to the trigger). Called only once the source will be emitted: it may add the trigger's Channel and
 * Subscription.
 */
export type RouteFor = (kind: KnativeSourceKind) => DeliveryRoute;

/** The source's `sink` and, when it carries one, its `delivery`. */
function sinkAndDelivery(r: DeliveryRoute) {
  return { sink: r.sink, ...(r.delivery ? { delivery: r.delivery } : {}) };
}

/**
 * An http trigger -> a Gateway API HTTPRoute. Knative gives each Service a host, not a path; a path
 * (or a host of your own) needs a route in front: the HTTPRoute matches host/path/methods on your
 * Gateway, rewrites Host to the Service's cluster-local host and sends the request to Knative's
 * internal ingress, which routes it to the revision (through the activator when at zero).
 */
export function httpRoute(ctx: KubeContext, fn: FunctionNode, t: TriggerNode, s: Source<"http">, opts: RouteOptions, dependsOn: string): void {
  const matches = (s.methods.length ? s.methods : [undefined]).map((method) => ({
    path: { type: "PathPrefix", value: s.path },
    ...(method ? { method } : {}),
  }));
  ctx.add(
    fn,
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: objectMeta(ctx, fn, t.name, "route", t.id),
      spec: {
        parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: opts.gateway.name, namespace: opts.gateway.namespace }],
        ...(s.host ? { hostnames: [s.host] } : {}),
        rules: [
          {
            matches,
            filters: [{ type: "URLRewrite", urlRewrite: { hostname: `${fn.name}.${ctx.namespace}.svc.cluster.local` } }],
            backendRefs: [{ group: "", kind: "Service", name: opts.ingressService.name, namespace: opts.ingressService.namespace, port: opts.ingressService.port }],
          },
        ],
      },
    },
    [dependsOn],
  );
}

/** A schedule trigger -> a PingSource (CloudEvents of type dev.knative.sources.ping), through its Channel (PingSource has no delivery field). */
export function pingSource(ctx: KubeContext, fn: FunctionNode, t: TriggerNode, s: Source<"schedule">, route: RouteFor): void {
  if (s.cron.trim().split(/\s+/).length !== 5) {
    ctx.diags.error("ZS-KNATIVE-CRON-SECONDS", t.id, "schedule.cron", s.cron, "has a seconds field, which PingSource does not support", "use a 5-field cron expression");
    return;
  }
  const data = s.data === null ? {} : typeof s.data === "string" ? { contentType: "text/plain", data: s.data } : { contentType: "application/json", data: JSON.stringify(s.data) };
  const r = route("PingSource");
  ctx.add(
    fn,
    {
      apiVersion: "sources.knative.dev/v1",
      kind: "PingSource",
      metadata: objectMeta(ctx, fn, t.name, "schedule", t.id),
      spec: { schedule: s.cron, timezone: s.timezone, ...data, ...sinkAndDelivery(r) },
    },
    r.dependsOn,
  );
}

/** What a broker's source builder gets: the trigger, its queue source, the source's metadata and its route. */
interface QueueSourceArgs {
  readonly ctx: KubeContext;
  readonly fn: FunctionNode;
  readonly t: TriggerNode;
  readonly s: Source<"queue">;
  readonly meta: ReturnType<typeof objectMeta>;
  readonly route: RouteFor;
  /** The connection URL, or undefined when the connection is a secret reference. */
  readonly url: string | undefined;
}

/**
 * One Knative source builder per broker (a broker added to QUEUE_BROKERS fails to compile here until
 * it has one). Each records an unsupported use instead of emitting when the source cannot take the
 * trigger as given, and warns when queue.batchSize has no equivalent in its source.
 */
const QUEUE_SOURCES: Record<QueueBroker, (a: QueueSourceArgs) => void> = {
  redis({ ctx, fn, t, s, meta, route, url }) {
    if (!url) return connectionUnsupported(ctx, t, s, "ZS-KNATIVE-QUEUE-REDIS", "is a secret reference, but RedisStreamSource takes its address in the manifest", "pass the Redis URL (without credentials) as connection");
    batchUnsupported(ctx, t, s, "RedisStreamSource has no read-count field (only `consumers`, the number of consumers in the group)");
    const r = route("RedisStreamSource");
    ctx.add(fn, { apiVersion: "sources.knative.dev/v1alpha1", kind: "RedisStreamSource", metadata: meta, spec: { address: url, stream: s.name, group: s.consumerGroup, ...sinkAndDelivery(r) } }, r.dependsOn);
  },
  kafka({ ctx, fn, t, s, meta, route, url }) {
    if (!url) return connectionUnsupported(ctx, t, s, "ZS-KNATIVE-QUEUE-KAFKA", "is a secret reference, but KafkaSource takes bootstrapServers in the manifest", 'pass the bootstrap servers as connection, e.g. "kafka-0:9092,kafka-1:9092"');
    batchUnsupported(ctx, t, s, "KafkaSource has no per-source fetch size (only `consumers`, the number of consumers in the group)");
    const r = route("KafkaSource");
    ctx.add(
      fn,
      {
        apiVersion: "sources.knative.dev/v1beta1",
        kind: "KafkaSource",
        metadata: meta,
        spec: { bootstrapServers: url.split(",").map((x) => x.trim()), topics: [s.name], consumerGroup: s.consumerGroup, ...sinkAndDelivery(r) },
      },
      r.dependsOn,
    );
  },
  rabbitmq({ ctx, fn, t, s, meta, route, url }) {
    // RabbitmqSource connects through a connection secret (keys uri, username, password).
    if (url) return connectionUnsupported(ctx, t, s, "ZS-KNATIVE-QUEUE-RABBITMQ", "is a URL, but RabbitmqSource connects through a connection secret", 'store the URI in a secret under key "uri" and pass connection: { secret: "<name>", key: "uri" }');
    const ref = s.connection as { secret: string; key: string };
    if (ref.key !== "uri") {
      ctx.diags.warn("ZS-KNATIVE-QUEUE-RABBITMQ-KEY", t.id, "queue.connection.key", ref.key, 'is ignored: RabbitmqSource reads the keys "uri", "username" and "password" of the secret', 'store the URI under key "uri"');
    }
    const r = route("RabbitmqSource");
    ctx.add(
      fn,
      {
        apiVersion: "sources.knative.dev/v1alpha1",
        kind: "RabbitmqSource",
        metadata: meta,
        spec: {
          rabbitmqClusterReference: { connectionSecret: { name: ref.secret } },
          // parallelism: the channel's prefetch count and the number of concurrent workers (1..1000, default 1)
          rabbitmqResourcesConfig: { queueName: s.name, predeclared: true, ...(s.batchSize !== 1 ? { parallelism: s.batchSize } : {}) },
          ...sinkAndDelivery(r),
        },
      },
      r.dependsOn,
    );
  },
  nats({ ctx, t }) {
    ctx.diags.error("ZS-KNATIVE-QUEUE-NATS", t.id, "queue.broker", "nats", "has no Knative source (eventing-natss only provides a NatsJetStreamChannel, not a source)", "deploy this app with keda() (nats-jetstream scaler), or publish to a Knative Broker instead");
  },
};

function connectionUnsupported(ctx: KubeContext, t: TriggerNode, s: Source<"queue">, code: DiagnosticCode, problem: string, fix: string): void {
  ctx.diags.error(code, t.id, "queue.connection", "url" in s.connection ? s.connection.url : s.connection, problem, fix);
}

/** queue.batchSize other than 1 on a source that delivers one message per event and has no field for it. */
function batchUnsupported(ctx: KubeContext, t: TriggerNode, s: Source<"queue">, why: string): void {
  if (s.batchSize === 1) return;
  ctx.diags.warn(
    "ZS-KNATIVE-QUEUE-BATCH",
    t.id,
    "queue.batchSize",
    s.batchSize,
    `is not applied: ${why}, so each message is its own delivery (effective batch size 1)`,
    "remove batchSize for knative(), or use a rabbitmq queue (batchSize maps to RabbitmqSource parallelism)",
  );
}

/** A queue trigger -> the Knative source for its broker (push delivery of CloudEvents), with its delivery spec or through its Channel. */
export function queueSource(ctx: KubeContext, fn: FunctionNode, t: TriggerNode, s: Source<"queue">, route: RouteFor): void {
  const url = "url" in s.connection ? s.connection.url : undefined;
  QUEUE_SOURCES[s.broker]({ ctx, fn, t, s, meta: objectMeta(ctx, fn, t.name, "queue", t.id), route, url });
}

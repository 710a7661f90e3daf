// Push delivery on KEDA: one zeroscale dispatcher per queue trigger (redis, rabbitmq, nats). It runs
// the gateway's connector for that trigger (runtime/dispatcher-main.ts, in the gateway image as
// /zeroscale/dispatcher.cjs), POSTs each message as a CloudEvent to the function's Service, applies
// the delivery policy and acks after a 2xx or the dead letter. KEDA scales the dispatcher 0..1 on the
// broker's unread backlog, and the function on the broker (its scaler, as in pull mode) and on what
// the dispatcher holds (a metrics-api trigger on the dispatcher's /backlog): a message the dispatcher
// has read but not yet delivered is no longer "ready" on RabbitMQ or "pending" on NATS, so without
// it the function would not wake for it.
import { createRequire } from "node:module";
import type { EffectiveDelivery } from "../../lib/events/delivery.js";
import type { FunctionNode, TriggerNode } from "../../lib/index.js";
import { assertNever } from "../../lib/index.js";
import { objectMeta, sortKeys } from "../kubernetes/meta.js";
import type { KubeContext } from "../kubernetes/plan.js";
import type { ScaledTrigger } from "./scalers.js";

type QueueSource = Extract<TriggerNode["source"], { type: "queue" }>;

/** The port of the dispatcher's /metrics (Prometheus), /backlog (JSON, for KEDA's metrics-api scaler) and /healthz. */
export const DISPATCHER_METRICS_PORT = 9090;

/** The env the dispatcher reads its config from (JSON, {@link DispatchConfig}). */
export const DISPATCH_ENV = "ZEROSCALE_DISPATCH";
/** The env holding the broker's URL (a secretKeyRef when the connection is a secret). */
export const BROKER_URL_ENV = "ZEROSCALE_BROKER_URL";

/** Where the dispatcher POSTs a function's events. */
export interface DispatchTarget {
  /** The function's id. */
  readonly fn: string;
  readonly url: string;
  /** A Host header (the HTTP add-on's interceptor routes on it). @default none */
  readonly host?: string;
}

/** The dispatcher's config (ZEROSCALE_DISPATCH). */
export interface DispatchConfig {
  readonly app: string;
  readonly namespace: string;
  /** The queue trigger (its connection is replaced by ZEROSCALE_BROKER_URL at start). */
  readonly trigger: TriggerNode;
  readonly target: DispatchTarget;
  /** The dead-letter function, when the delivery names one. */
  readonly deadLetter: DispatchTarget | null;
  /** Most deliveries in flight: the function's max instances x concurrency. */
  readonly maxInflight: number;
  /**
   * How long a refused connection (the function's Service has no ready pod yet: it is scaling from
   * zero) is retried before it counts as a failed attempt, seconds. Nothing was received, so
   * retrying it cannot deliver twice.
   */
  readonly connectWaitSeconds: number;
}

const require = createRequire(import.meta.url);

/** The default dispatcher image: zeroscale's gateway image of this package's version. */
export function defaultDispatcherImage(): string {
  return `zeroscale/gateway:${(require("zeroscale/package.json") as { version: string }).version}`;
}

/** The dispatcher's name: the trigger's, plus "-dispatch" (<= 58 characters, a DNS-1035 label). */
export function dispatcherName(t: TriggerNode): string {
  return `${t.name}-dispatch`;
}

/** The URL KEDA's metrics-api scaler reads the dispatcher's backlog from. */
export function dispatcherBacklogUrl(t: TriggerNode, namespace: string): string {
  return `http://${dispatcherName(t)}.${namespace}.svc.cluster.local:${DISPATCHER_METRICS_PORT}/backlog`;
}

/** The function's extra scaler in push mode: the dispatcher's held backlog, at the per-instance target. */
export function dispatcherBacklogScaler(t: TriggerNode, namespace: string, perInstanceBacklog: number): ScaledTrigger {
  return { type: "metrics-api", name: `${t.name}-held`, metadata: { url: dispatcherBacklogUrl(t, namespace), valueLocation: "backlog", targetValue: String(perInstanceBacklog) } };
}

/**
 * The broker scaler that wakes the dispatcher: the function's own scaler for the trigger with its
 * threshold at 1 and, for Redis, on the group's lag (entries not yet read: KEDA's only redis-streams
 * setting that scales from zero; Redis 7+) instead of pending entries.
 */
export function unreadScaler(functionScaler: ScaledTrigger, s: QueueSource): ScaledTrigger {
  const m = { ...functionScaler.metadata };
  switch (s.broker) {
    case "redis":
      delete m["pendingEntriesCount"];
      m["lagCount"] = "1";
      break;
    case "rabbitmq":
      m["value"] = "1";
      break;
    case "nats":
      m["lagThreshold"] = "1";
      break;
    case "kafka":
      throw new Error("zeroscale bug: the dispatcher does not consume kafka (pull mode)");
    default:
      return assertNever(s.broker, "queue broker");
  }
  return { ...functionScaler, name: `${functionScaler.name}-unread`, metadata: sortKeys(m) };
}

/** What the dispatcher of one trigger is made from. */
export interface DispatcherSpec {
  readonly config: DispatchConfig;
  readonly image: string;
  /** The broker scaler of the trigger as the function's ScaledObject has it (or would). */
  readonly functionScaler: ScaledTrigger;
  readonly pollingInterval: number;
  /** Seconds without work before KEDA takes the dispatcher to zero. */
  readonly cooldownPeriod: number;
}

/**
 * A push-mode queue trigger's dispatcher: Deployment (restricted securityContext, small requests =
 * limits, config as env), Service (:9090, for the function's metrics-api scaler) and a ScaledObject
 * (0..1, on the broker's unread backlog and on its own held backlog).
 */
export function addDispatcher(ctx: KubeContext, fn: FunctionNode, t: TriggerNode, s: QueueSource, spec: DispatcherSpec, dependsOn: readonly string[]): void {
  const name = dispatcherName(t);
  const base = objectMeta(ctx, fn, name, "dispatcher", t.id);
  const selector = { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": ctx.graph.app.name };
  const labels = sortKeys({ ...base.labels, ...selector });
  // A fresh copy per object: no two manifests share a mutable metadata object.
  const meta = () => ({ ...base, labels: { ...labels }, annotations: { ...base.annotations } });
  const brokerUrl = "url" in s.connection ? { name: BROKER_URL_ENV, value: s.connection.url } : { name: BROKER_URL_ENV, valueFrom: { secretKeyRef: { name: s.connection.secret, key: s.connection.key } } };
  const deployment = ctx.add(
    fn,
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(),
      spec: {
        selector: { matchLabels: { ...selector } },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            automountServiceAccountToken: false,
            // In-flight deliveries finish on SIGTERM (at most one attempt's timeout); nothing is acked twice.
            terminationGracePeriodSeconds: (spec.config.trigger.delivery?.timeoutSeconds ?? fn.timeoutSeconds) + 10,
            containers: [
              {
                name: "dispatcher",
                image: spec.image,
                command: ["node", "/zeroscale/dispatcher.cjs"],
                ports: [{ name: "metrics", containerPort: DISPATCHER_METRICS_PORT, protocol: "TCP" }],
                env: [
                  brokerUrl,
                  { name: "NODE_ENV", value: "production" },
                  { name: DISPATCH_ENV, value: JSON.stringify(spec.config) },
                  { name: "ZEROSCALE_METRICS_PORT", value: String(DISPATCHER_METRICS_PORT) },
                ],
                resources: { limits: { cpu: "200m", memory: "128Mi" }, requests: { cpu: "200m", memory: "128Mi" } },
                readinessProbe: { httpGet: { path: "/healthz", port: DISPATCHER_METRICS_PORT } },
                livenessProbe: { httpGet: { path: "/healthz", port: DISPATCHER_METRICS_PORT }, periodSeconds: 20 },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ["ALL"] },
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  runAsUser: 65532,
                  seccompProfile: { type: "RuntimeDefault" },
                },
              },
            ],
          },
        },
      },
    },
    dependsOn,
  );
  ctx.add(
    fn,
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(),
      spec: { type: "ClusterIP", selector: { ...selector }, ports: [{ name: "metrics", port: DISPATCHER_METRICS_PORT, targetPort: DISPATCHER_METRICS_PORT, protocol: "TCP" }] },
    },
    [deployment],
  );
  const auth = spec.functionScaler.authenticationRef ? [`keda.sh/v1alpha1/TriggerAuthentication/${spec.functionScaler.authenticationRef.name}`] : [];
  ctx.add(
    fn,
    {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: meta(),
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
        pollingInterval: spec.pollingInterval,
        cooldownPeriod: spec.cooldownPeriod,
        minReplicaCount: 0,
        maxReplicaCount: 1,
        triggers: [unreadScaler(spec.functionScaler, s), { type: "metrics-api", name: `${t.name}-self`, metadata: { url: dispatcherBacklogUrl(t, ctx.namespace), valueLocation: "backlog", targetValue: "1" } }],
      },
    },
    [deployment, ...auth],
  );
}

/** The targets of a dispatcher's config, from the trigger's effective delivery. */
export function dispatchConfig(ctx: KubeContext, fn: FunctionNode, t: TriggerNode, d: EffectiveDelivery, o: { maxInflight: number; connectWaitSeconds: number; deadLetter: DispatchTarget | null }): DispatchConfig {
  return {
    app: ctx.graph.app.name,
    namespace: ctx.namespace,
    trigger: t,
    target: { fn: fn.id, url: `http://${fn.name}.${ctx.namespace}.svc.cluster.local` },
    deadLetter: d.deadLetter?.type === "function" ? o.deadLetter : null,
    maxInflight: o.maxInflight,
    connectWaitSeconds: o.connectWaitSeconds,
  };
}

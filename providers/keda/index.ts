import {
  type Backend,
  type DeploymentGraph,
  type FunctionNode,
  type NodeHandlers,
  type ScalingPolicyNode,
  type TriggerNode,
} from "../../lib/index.js";
import { objectMeta, selectorLabels } from "../kubernetes/meta.js";
import { compileKube, type KubeContext, type KubePlan, viewKubePlan } from "../kubernetes/plan.js";
import { containerEnv, functionContainer, type ImageOptions, imageOf, securityAnnotations, TMP_VOLUME } from "../kubernetes/pod.js";
import { kubeArtifacts } from "../kubernetes/yaml.js";
import { KEDA_CAPABILITIES } from "./capabilities.js";
import { cronJob } from "./cron-job.js";
import { queueEnv, queueScaler, type ScaledTrigger } from "./scalers.js";

/** Options of the {@link keda} backend. */
export interface KedaOptions extends ImageOptions {
  /** Namespace of every resource. @default "default" */
  readonly namespace?: string;
  /** Seconds between KEDA's checks of each trigger (ScaledObject `pollingInterval`). @default 30 */
  readonly pollingInterval?: number;
  /** Seconds after creation before KEDA may scale to zero (`initialCooldownPeriod`). @default 0 (KEDA's) */
  readonly initialCooldownPeriod?: number;
  /** Replicas to hold when a scaler fails `failureThreshold` times in a row (ScaledObject `fallback`). @default none */
  readonly fallback?: { readonly failureThreshold: number; readonly replicas: number };
  /** The HTTP add-on's interceptor proxy, which schedule CronJobs send their CloudEvents through. @default "http://keda-add-ons-http-interceptor-proxy.keda:8080" */
  readonly interceptorUrl?: string;
  /** Image of the CronJob container that sends schedule events (needs `sh` and `curl`). @default "curlimages/curl:8.11.1" */
  readonly cronImage?: string;
}

/** The KEDA backend: Deployments and Services scaled by ScaledObjects or HTTPScaledObjects. */
export interface KedaBackend extends Backend<KubePlan> {
  readonly name: "keda";
  readonly target: "kubernetes";
  readonly options: KedaOptions;
}

interface Ctx {
  readonly kube: KubeContext;
  readonly deployments: Map<string, string>;
}

const byType = (ts: readonly TriggerNode[], type: TriggerNode["source"]["type"]) => ts.filter((t) => t.source.type === type);

/** Compile zeroscale apps to KEDA (+ the HTTP add-on) on plain Kubernetes Deployments. */
export function keda(options: KedaOptions = {}): KedaBackend {
  const namespace = options.namespace ?? "default";
  const interceptorUrl = options.interceptorUrl ?? "http://keda-add-ons-http-interceptor-proxy.keda:8080";
  const internalHost = (fn: FunctionNode) => `${fn.name}.${namespace}.svc.cluster.local`;

  const handlers: NodeHandlers<Ctx> = {
    function(fn, { kube, deployments }) {
      const image = imageOf(kube, fn, options);
      const labels = objectMeta(kube, fn, fn.name, "function", fn.id).labels;
      const extraEnv = [{ name: "PORT", value: String(fn.port) }, ...queueEnv(kube.triggers.get(fn.id) ?? [])];
      const deployment = kube.add(fn, {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: objectMeta(kube, fn, fn.name, "function", fn.id, securityAnnotations(fn)),
        spec: {
          selector: { matchLabels: selectorLabels(kube, fn) },
          template: {
            metadata: { labels },
            spec: {
              automountServiceAccountToken: false,
              terminationGracePeriodSeconds: fn.timeoutSeconds,
              containers: [
                functionContainer(fn, image, {
                  ports: [{ name: "http", containerPort: fn.port, protocol: "TCP" }],
                  env: containerEnv(fn, extraEnv),
                  readinessProbe: { httpGet: { path: fn.readinessPath, port: fn.port } },
                }),
              ],
              volumes: [TMP_VOLUME],
            },
          },
        },
      });
      deployments.set(fn.id, deployment);
      kube.add(
        fn,
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: objectMeta(kube, fn, fn.name, "function", fn.id),
          spec: { type: "ClusterIP", selector: selectorLabels(kube, fn), ports: [{ name: "http", port: 80, targetPort: fn.port, protocol: "TCP" }] },
        },
        [deployment],
      );
    },

    scalingPolicy(p, { kube, deployments }) {
      const fn = kube.fn(p.target);
      const triggers = kube.triggers.get(fn.id) ?? [];
      const http = byType(triggers, "http");
      const schedules = byType(triggers, "schedule");
      const queues = byType(triggers, "queue");
      const resourceMetric = p.metric.type === "cpu" || p.metric.type === "memory";
      const viaInterceptor = http.length > 0 || schedules.length > 0 || (queues.length === 0 && !resourceMetric);
      const dependsOn = [deployments.get(fn.id) as string];
      if (queues.length > 0 && (http.length > 0 || schedules.length > 0)) {
        kube.diags.error("ZS-KEDA-ONE-AUTOSCALER", fn.id, "(triggers)", [...http, ...schedules, ...queues].map((t) => t.id), "mixes HTTP/schedule triggers (HTTP add-on: HTTPScaledObject) with queue triggers (ScaledObject), and one workload can have only one autoscaler", "split the function in two: one for HTTP and schedules, one consuming the queue");
        return;
      }
      if (viaInterceptor && resourceMetric) {
        kube.diags.error("ZS-KEDA-HTTP-METRIC", p.id, `metric.${p.metric.type}`, p.metric.target, "cannot scale an HTTP function: the HTTP add-on scales on concurrency or request rate", "scale on concurrency or rps");
        return;
      }
      if (viaInterceptor && p.metric.type === "queueLength") return; // the graph check guarantees a queue trigger: unreachable
      if (viaInterceptor && p.schedule.length > 0) {
        kube.diags.error("ZS-KEDA-HTTP-SCHEDULE-BASELINE", p.id, "schedule", p.schedule, "cannot apply to an HTTP function: HTTPScaledObject has no cron scaler", "raise minInstances instead, or move the baseline to a queue-driven function");
        return;
      }
      if (!viaInterceptor && p.metric.type === "rps") {
        kube.diags.error("ZS-KEDA-QUEUE-RPS", p.id, "metric.rps", p.metric.target, "needs the HTTP add-on, which only sees HTTP traffic; this function consumes a queue", "scale on queueLength");
        return;
      }
      const plan = kube.fnPlan(fn);
      if (p.initialInstances !== Math.max(1, p.minInstances)) {
        kube.diags.warn("ZS-KEDA-INITIAL", p.id, "initialInstances", p.initialInstances, `has no KEDA equivalent: the Deployment starts at 1 replica and KEDA scales it after initialCooldownPeriod`, "leave initialInstances at its default for KEDA");
      }
      if (viaInterceptor) {
        const targetValue = Math.max(1, Math.round((p.metric.target * p.targetUtilizationPercent) / 100));
        const hosts = [...new Set([...http.map((t) => (t.source as { host: string | null }).host ?? "*"), ...(http.length === 0 || schedules.length > 0 ? [internalHost(fn)] : [])])].sort();
        const paths = [...new Set(http.map((t) => (t.source as { path: string }).path))].sort();
        kube.add(
          fn,
          {
            apiVersion: "http.keda.sh/v1alpha1",
            kind: "HTTPScaledObject",
            metadata: objectMeta(kube, fn, fn.name, "autoscaler", p.id),
            spec: {
              hosts,
              ...(paths.length ? { pathPrefixes: paths } : {}),
              scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: fn.name, service: fn.name, port: 80 },
              replicas: { min: p.minInstances, max: p.maxInstances },
              ...(p.idleTimeoutSeconds !== null ? { scaledownPeriod: p.idleTimeoutSeconds } : {}),
              ...(options.initialCooldownPeriod !== undefined ? { initialCooldownPeriod: options.initialCooldownPeriod } : {}),
              scalingMetric:
                p.metric.type === "rps"
                  ? { requestRate: { targetValue, window: `${p.stableWindowSeconds}s`, granularity: "1s" } }
                  : { concurrency: { targetValue } },
            },
          },
          dependsOn,
        );
        plan.scaling = { minInstances: p.minInstances, maxInstances: p.maxInstances, idleTimeoutSeconds: p.minInstances === 0 ? p.idleTimeoutSeconds : null };
        return;
      }
      let min = p.minInstances;
      const scaled: ScaledTrigger[] = [];
      if (resourceMetric) {
        if (min === 0) {
          kube.diags.warn("ZS-KEDA-RESOURCE-ZERO", p.id, "minInstances", 0, `cannot be 0 with metric ${p.metric.type}: KEDA's ${p.metric.type} scaler never scales to zero, so minReplicaCount is 1`, "scale on queueLength for idle-zero, or set minInstances: 1");
          min = 1;
        }
        if (options.fallback) {
          kube.diags.error("ZS-KEDA-FALLBACK", p.id, `metric.${p.metric.type}`, p.metric.target, "cannot be combined with keda({ fallback }): KEDA's webhook rejects fallback with cpu/memory scalers", "drop the fallback option, or scale this function on queueLength");
        }
        scaled.push({ type: p.metric.type, name: p.metric.type, metricType: "Utilization", metadata: { value: String(p.metric.target) } });
      } else {
        if (p.metric.type !== "queueLength") {
          kube.diags.warn("ZS-KEDA-QUEUE-METRIC", p.id, `metric.${p.metric.type}`, p.metric.target, "is not a queue metric; KEDA scales this queue consumer on backlog, 5 pending messages per instance", "scale on { queueLength: n } to choose the backlog per instance");
        }
        for (const t of queues) {
          const trigger = queueScaler(kube, fn, p, t, t.source as Extract<TriggerNode["source"], { type: "queue" }>);
          if (trigger) scaled.push(trigger);
        }
      }
      for (const [i, b] of p.schedule.entries()) {
        scaled.push({ type: "cron", name: `baseline-${i}`, metadata: { timezone: b.timezone, start: b.start, end: b.end, desiredReplicas: String(b.minInstances) } });
      }
      kube.add(fn, scaledObject(kube, fn, p, min, scaled, options), [...dependsOn, ...plan.resources.filter((k) => k.includes("/TriggerAuthentication/"))]);
      plan.scaling = { minInstances: min, maxInstances: p.maxInstances, idleTimeoutSeconds: min === 0 ? p.idleTimeoutSeconds : null };
    },

    trigger(t, { kube, deployments }) {
      const fn = kube.fn(t.target);
      const plan = kube.fnPlan(fn);
      plan.triggers.push(t.id);
      const s = t.source;
      if (s.type === "http") plan.urls[t.id] = `http://${s.host ?? "<gateway>"}${s.path}`;
      else if (s.type === "schedule") {
        const http = byType(kube.triggers.get(fn.id) ?? [], "http");
        const path = http.length ? (http[0]?.source as { path: string }).path : "/";
        cronJob(kube, fn, t, s, { interceptorUrl, host: internalHost(fn), path, image: options.cronImage ?? "curlimages/curl:8.11.1" }, deployments.get(fn.id) as string);
      }
    },
  };

  return {
    name: "keda",
    target: "kubernetes",
    capabilities: KEDA_CAPABILITIES,
    options,
    compile: (graph: DeploymentGraph) => compileKube("keda", graph, namespace, handlers, (kube) => ({ kube, deployments: new Map() })),
    artifacts: kubeArtifacts,
    view: viewKubePlan,
  };
}

function scaledObject(kube: KubeContext, fn: FunctionNode, p: ScalingPolicyNode, min: number, triggers: ScaledTrigger[], options: KedaOptions) {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: objectMeta(kube, fn, fn.name, "autoscaler", p.id),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: fn.name },
      pollingInterval: options.pollingInterval ?? 30,
      ...(min === 0 && p.idleTimeoutSeconds !== null ? { cooldownPeriod: p.idleTimeoutSeconds } : {}),
      ...(options.initialCooldownPeriod !== undefined ? { initialCooldownPeriod: options.initialCooldownPeriod } : {}),
      minReplicaCount: min,
      maxReplicaCount: p.maxInstances,
      ...(options.fallback ? { fallback: { ...options.fallback } } : {}),
      ...(p.scaleDownDelaySeconds > 0
        ? { advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: p.scaleDownDelaySeconds } } } } }
        : {}),
      triggers,
    },
  };
}

export type { KubePlan, KubeResource, KubeObject } from "../kubernetes/plan.js";

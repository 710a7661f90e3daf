import {
  assertNever,
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
import { type EffectiveScaling, KEDA_DEFAULTS, type KedaEngineOptions, kedaAutoscaler, kedaEngine } from "../../lib/engines/index.js";
import { effectiveDelivery } from "../../lib/events/models.js";
import { KEDA_CAPABILITIES } from "./capabilities.js";
import { cronJob } from "./cron-job.js";
import { addDispatcher, defaultDispatcherImage, dispatchConfig, dispatcherBacklogScaler, type DispatchTarget } from "./dispatcher.js";
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
  /** The HTTP add-on interceptor's wait for a ready replica in your cluster (Helm value interceptor.replicas.waitTimeout), seconds; the model states cold-start behaviour with it. @default 20 */
  readonly interceptorWaitTimeoutSeconds?: number;
  /** Image of the CronJob container that sends schedule events (needs `sh` and `curl`). @default "curlimages/curl:8.11.1" */
  readonly cronImage?: string;
  /**
   * Who delivers queue messages (redis, rabbitmq, nats; Kafka is always pulled):
   * - `"push"`: a zeroscale dispatcher per queue trigger (a Deployment KEDA scales 0..1 with the
   *   backlog) consumes with the trigger's consumer group, POSTs each message as a CloudEvent to the
   *   function's Service, applies the trigger's `delivery` (retries, backoff, timeout, dead letter)
   *   and acks after a 2xx, so the handler is the same as on every other backend;
   * - `"pull"`: nothing delivers; the function reads the broker itself from `ZEROSCALE_QUEUES` /
   *   `ZEROSCALE_QUEUE_<n>_URL`, and no delivery policy applies (warning ZS-KEDA-DELIVERY-PULL).
   * @default "push"
   */
  readonly queueDelivery?: "push" | "pull";
  /**
   * Image of the push-mode dispatchers: zeroscale's gateway image, run as `node /zeroscale/dispatcher.cjs`.
   * Build it from the zeroscale package with `npm run build && docker build -f docker/gateway.Dockerfile .`
   * and push it where your cluster pulls from.
   * @default "zeroscale/gateway:<this package's version>"
   */
  readonly dispatcherImage?: string;
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
  /** Trigger id -> its broker scaler on the function's ScaledObject (the dispatcher's derives from it). */
  readonly scalers: Map<string, ScaledTrigger>;
}

const byType = (ts: readonly TriggerNode[], type: TriggerNode["source"]["type"]) => ts.filter((t) => t.source.type === type);

/** Compile zeroscale apps to KEDA (+ the HTTP add-on) on plain Kubernetes Deployments. */
export function keda(options: KedaOptions = {}): KedaBackend {
  const namespace = options.namespace ?? "default";
  const interceptorUrl = options.interceptorUrl ?? "http://keda-add-ons-http-interceptor-proxy.keda:8080";
  const engineOptions: KedaEngineOptions = {
    ...(options.pollingInterval !== undefined ? { pollingIntervalSeconds: options.pollingInterval } : {}),
    ...(options.interceptorWaitTimeoutSeconds !== undefined ? { interceptorWaitTimeoutSeconds: options.interceptorWaitTimeoutSeconds } : {}),
  };
  const internalHost = (fn: FunctionNode) => `${fn.name}.${namespace}.svc.cluster.local`;
  const pollingInterval = options.pollingInterval ?? KEDA_DEFAULTS.pollingIntervalSeconds;
  // The one place a trigger's delivery on KEDA is decided (lib/engines/keda/delivery.ts); its diagnostics are added by the trigger handler.
  const deliveryOf = (t: TriggerNode) => effectiveDelivery("keda", t, { queueDelivery: options.queueDelivery ?? "push" });
  const pushed = (t: TriggerNode) => t.source.type === "queue" && deliveryOf(t).delivery?.mode === "push";
  /** Where the interceptor routes events for an HTTPScaledObject function: its internal host, on its first http path. */
  const interceptorRoute = (kube: KubeContext, fn: FunctionNode) => {
    const http = byType(kube.triggers.get(fn.id) ?? [], "http");
    return { host: internalHost(fn), path: http.length ? (http[0]?.source as { path: string }).path : "/" };
  };
  /** A dead-letter function as a dispatcher or CronJob reaches it: through the interceptor when the HTTP add-on scales it (so it wakes), else its Service. */
  const deadLetterTarget = (kube: KubeContext, fnId: string): DispatchTarget => {
    const dl = kube.fn(fnId);
    const policy = kube.policies.get(fnId) as ScalingPolicyNode;
    if (kedaAutoscaler({ fn: dl, policy, triggers: kube.triggers.get(fnId) ?? [] }) === "http") {
      const r = interceptorRoute(kube, dl);
      return { fn: fnId, url: `${interceptorUrl.replace(/\/+$/, "")}${r.path}`, host: r.host };
    }
    return { fn: fnId, url: `http://${internalHost(dl)}` };
  };

  const handlers: NodeHandlers<Ctx> = {
    function(fn, { kube, deployments }) {
      const image = imageOf(kube, fn, options);
      const labels = objectMeta(kube, fn, fn.name, "function", fn.id).labels;
      const extraEnv = [{ name: "PORT", value: String(fn.port) }, ...queueEnv(kube.triggers.get(fn.id) ?? [], (t) => !pushed(t))];
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

    scalingPolicy(p, { kube, deployments, scalers }) {
      const fn = kube.fn(p.target);
      const triggers = kube.triggers.get(fn.id) ?? [];
      const http = byType(triggers, "http");
      const schedules = byType(triggers, "schedule");
      const queues = byType(triggers, "queue");
      // The meaning (which autoscaler, min, target, time to zero, delays, every diagnostic) is the KEDA model's.
      const input = { fn, policy: p, triggers };
      const { effective: e, diagnostics } = kedaEngine.effective(input, engineOptions);
      for (const d of diagnostics) kube.diags.add(d);
      if (diagnostics.some((d) => d.severity === "error")) return;
      const plan = kube.fnPlan(fn);
      Object.assign(plan, { scaling: { minInstances: e.minInstances, maxInstances: e.maxInstances, idleTimeoutSeconds: e.timeToZeroSeconds }, effective: e });
      const dependsOn = [deployments.get(fn.id) as string];
      if (kedaAutoscaler(input) === "http") {
        // The internal host: for schedules' CronJobs, and for the dispatchers and Jobs that dead-letter to this function.
        const deadLetterFor = kube.deadLetterTargets.has(fn.id);
        const hosts = [...new Set([...http.map((t) => (t.source as { host: string | null }).host ?? "*"), ...(http.length === 0 || schedules.length > 0 || deadLetterFor ? [internalHost(fn)] : [])])].sort();
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
              replicas: { min: e.minInstances, max: e.maxInstances },
              ...(e.timeToZeroSeconds !== null ? { scaledownPeriod: e.timeToZeroSeconds } : {}),
              ...(options.initialCooldownPeriod !== undefined ? { initialCooldownPeriod: options.initialCooldownPeriod } : {}),
              scalingMetric:
                e.metric.type === "rps"
                  ? { requestRate: { targetValue: e.metric.target, window: `${e.stableWindowSeconds}s`, granularity: "1s" } }
                  : { concurrency: { targetValue: e.metric.target } },
            },
          },
          dependsOn,
        );
        return;
      }
      const scaled: ScaledTrigger[] = [];
      if (p.metric.type === "cpu" || p.metric.type === "memory") {
        if (options.fallback) {
          kube.diags.error("ZS-KEDA-FALLBACK", p.id, `metric.${p.metric.type}`, p.metric.target, "cannot be combined with keda({ fallback }): KEDA's webhook rejects fallback with cpu/memory scalers", "drop the fallback option, or scale this function on queueLength");
        }
        scaled.push({ type: p.metric.type, name: p.metric.type, metricType: "Utilization", metadata: { value: String(e.metric.target) } });
      } else {
        for (const t of queues) {
          const trigger = queueScaler(kube, fn, e.metric.target, t, t.source as Extract<TriggerNode["source"], { type: "queue" }>);
          if (!trigger) continue;
          scalers.set(t.id, trigger);
          scaled.push(trigger);
          // Push mode: also what the dispatcher has read and not yet delivered (the broker no longer counts it on RabbitMQ and NATS).
          if (pushed(t)) scaled.push(dispatcherBacklogScaler(t, namespace, e.metric.target));
        }
      }
      for (const [i, b] of e.baselines.entries()) {
        scaled.push({ type: "cron", name: `baseline-${i}`, metadata: { timezone: b.timezone, start: b.start, end: b.end, desiredReplicas: String(b.minInstances) } });
      }
      kube.add(fn, scaledObject(kube, fn, p, e, scaled, options), [...dependsOn, ...kube.keysOfKind(fn.id, "TriggerAuthentication")]);
    },

    trigger(t, { kube, deployments, scalers }) {
      const fn = kube.fn(t.target);
      const plan = kube.fnPlan(fn);
      plan.triggers.push(t.id);
      const s = t.source;
      const { delivery, diagnostics } = deliveryOf(t);
      for (const d of diagnostics) kube.diags.add(d);
      const deadLetterFn = delivery?.deadLetter?.type === "function" ? delivery.deadLetter.target : undefined;
      switch (s.type) {
        case "http":
          plan.urls[t.id] = `http://${s.host ?? "<gateway>"}${s.path}`;
          if (s.methods.length > 0) {
            kube.diags.warn(
              "ZS-KEDA-HTTP-METHODS",
              t.id,
              "http.methods",
              s.methods,
              `are not matched: the HTTPScaledObject routes by host and path prefix only, so every method (not only ${s.methods.join(", ")}) on ${s.host ?? "any host"}${s.path} reaches ${fn.id}`,
              "check the method in the function (answer 405 to the others), or deploy with knative() (its HTTPRoute matches methods)",
            );
          }
          return;
        case "schedule": {
          if (delivery === null) throw new Error(`zeroscale bug: schedule trigger ${t.id} has no delivery`);
          const route = interceptorRoute(kube, fn);
          const deadLetter = deadLetterFn ? deadLetterTarget(kube, deadLetterFn) : undefined;
          cronJob(kube, fn, t, s, { interceptorUrl, ...route, image: options.cronImage ?? "curlimages/curl:8.11.1", ...(deadLetter ? { deadLetter } : {}) }, delivery, deployments.get(fn.id) as string);
          return;
        }
        case "queue": {
          // Scaled by the policy handler's ScaledObject (scalers.ts). Pull mode: the consumer reads the broker (queueEnv).
          if (delivery?.mode !== "push") return;
          const functionScaler = scalers.get(t.id) ?? queueScaler(kube, fn, KEDA_DEFAULTS.defaultQueueTarget, t, s);
          if (!functionScaler) return;
          const e = plan.effective;
          const config = dispatchConfig(kube, fn, t, delivery, {
            maxInflight: Math.max(1, (e?.maxInstances ?? 1) * fn.concurrency),
            // A function at zero is woken by its ScaledObject within a polling interval, then starts: wait that long for it.
            connectWaitSeconds: pollingInterval + 120,
            deadLetter: deadLetterFn ? deadLetterTarget(kube, deadLetterFn) : null,
          });
          const dependsOn = kube.keysOfKind(fn.id, "TriggerAuthentication");
          addDispatcher(kube, fn, t, s, { config, image: options.dispatcherImage ?? defaultDispatcherImage(), functionScaler, pollingInterval, cooldownPeriod: e?.timeToZeroSeconds ?? KEDA_DEFAULTS.cooldownPeriodSeconds }, dependsOn);
          return;
        }
        default:
          return assertNever(s, "trigger source");
      }
    },
  };

  return {
    name: "keda",
    engine: "keda",
    target: "kubernetes",
    capabilities: KEDA_CAPABILITIES,
    options,
    compile: (graph: DeploymentGraph) => compileKube("keda", graph, namespace, handlers, (kube) => ({ kube, deployments: new Map(), scalers: new Map() })),
    artifacts: kubeArtifacts,
    view: viewKubePlan,
  };
}

function scaledObject(kube: KubeContext, fn: FunctionNode, p: ScalingPolicyNode, e: EffectiveScaling, triggers: ScaledTrigger[], options: KedaOptions) {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: objectMeta(kube, fn, fn.name, "autoscaler", p.id),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: fn.name },
      pollingInterval: options.pollingInterval ?? KEDA_DEFAULTS.pollingIntervalSeconds,
      ...(e.timeToZeroSeconds !== null ? { cooldownPeriod: e.timeToZeroSeconds } : {}),
      ...(options.initialCooldownPeriod !== undefined ? { initialCooldownPeriod: options.initialCooldownPeriod } : {}),
      minReplicaCount: e.minInstances,
      maxReplicaCount: e.maxInstances,
      ...(options.fallback ? { fallback: { ...options.fallback } } : {}),
      // Always set: without it the HPA holds scale-down for its default 300 s, not the declared delay.
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: e.scaleDownDelaySeconds } } } },
      triggers,
    },
  };
}

export type { KubePlan, KubeResource, KubeObject } from "../kubernetes/plan.js";

import { KNATIVE_DEFAULTS } from "../../lib/engines/index.js";
import {
  assertNever,
  type Backend,
  type DeploymentGraph,
  Duration,
  type DurationLike,
  type NodeHandlers,
} from "../../lib/index.js";
import { objectMeta } from "../kubernetes/meta.js";
import { compileKube, type KubeContext, type KubePlan, viewKubePlan } from "../kubernetes/plan.js";
import { containerEnv, functionContainer, type ImageOptions, imageOf, securityAnnotations, TMP_VOLUME } from "../kubernetes/pod.js";
import { kubeArtifacts } from "../kubernetes/yaml.js";
import { knativeScaling } from "./autoscaling.js";
import { KNATIVE_CAPABILITIES } from "./capabilities.js";
import { deliveryRouter } from "./delivery.js";
import { httpRoute, pingSource, queueSource, type RouteOptions } from "./eventing.js";

/** Options of the {@link knative} backend. */
export interface KnativeOptions extends ImageOptions {
  /** Namespace of every resource. @default "default" */
  readonly namespace?: string;
  /** The cluster's Knative domain, for the URLs in outputs. @default "example.com" (Knative's default) */
  readonly domain?: string;
  /** The cluster's `scale-to-zero-grace-period` (config-autoscaler), used in the idle-timeout formula. @default 30s */
  readonly scaleToZeroGracePeriod?: DurationLike;
  /** Whether the cluster sets `allow-zero-initial-scale: "true"`. @default false */
  readonly allowZeroInitialScale?: boolean;
  /** The Gateway API Gateway that HTTP routes attach to. @default { name: "zeroscale-gateway", namespace: <namespace> } */
  readonly gateway?: { readonly name: string; readonly namespace?: string };
  /** Knative's internal ingress Service that routes send to. @default { name: "kourier-internal", namespace: "kourier-system", port: 80 } */
  readonly ingressService?: { readonly name: string; readonly namespace: string; readonly port?: number };
}

/**
 * The Knative backend: Serving Services, PingSources, Kafka/RabbitMQ/Redis sources (each trigger's
 * delivery policy as a DeliverySpec on the source, or on the Subscription of the trigger's Channel:
 * ./delivery.ts) and Gateway API HTTPRoutes.
 */
export interface KnativeBackend extends Backend<KubePlan> {
  readonly name: "knative";
  readonly target: "kubernetes";
  readonly options: KnativeOptions;
}

interface Ctx {
  readonly kube: KubeContext;
  readonly services: Map<string, string>;
}

/** Compile zeroscale apps to Knative Serving + Eventing. */
export function knative(options: KnativeOptions = {}): KnativeBackend {
  const namespace = options.namespace ?? "default";
  const domain = options.domain ?? "example.com";
  const grace = options.scaleToZeroGracePeriod === undefined ? KNATIVE_DEFAULTS.gracePeriodSeconds : Math.round(toSeconds(options.scaleToZeroGracePeriod));
  const routes: RouteOptions = {
    gateway: { name: options.gateway?.name ?? "zeroscale-gateway", namespace: options.gateway?.namespace ?? namespace },
    ingressService: {
      name: options.ingressService?.name ?? "kourier-internal",
      namespace: options.ingressService?.namespace ?? "kourier-system",
      port: options.ingressService?.port ?? 80,
    },
  };

  const handlers: NodeHandlers<Ctx> = {
    function(fn, { kube, services }) {
      const image = imageOf(kube, fn, options);
      const key = kube.add(fn, {
        apiVersion: "serving.knative.dev/v1",
        kind: "Service",
        metadata: objectMeta(kube, fn, fn.name, "function", fn.id, securityAnnotations(fn)),
        spec: {
          template: {
            metadata: { labels: objectMeta(kube, fn, fn.name, "function", fn.id).labels, annotations: {} },
            spec: {
              containerConcurrency: fn.concurrency,
              timeoutSeconds: fn.timeoutSeconds,
              containers: [
                functionContainer(fn, image, {
                  ports: [{ name: "http1", containerPort: fn.port }],
                  env: containerEnv(fn),
                  readinessProbe: { httpGet: { path: fn.readinessPath } },
                }),
              ],
              volumes: [TMP_VOLUME],
            },
          },
        },
      });
      services.set(fn.id, key);
    },
    scalingPolicy(p, { kube, services }) {
      const fn = kube.fn(p.target);
      const scaling = knativeScaling(kube, fn, p, kube.triggers.get(fn.id) ?? [], grace, options.allowZeroInitialScale ?? false);
      const template = (kube.get(services.get(fn.id) as string)["spec"] as { template: { metadata: { annotations: Record<string, string> } } }).template;
      template.metadata.annotations = scaling.annotations;
      const e = scaling.effective;
      Object.assign(kube.fnPlan(fn), { scaling: { minInstances: e.minInstances, maxInstances: e.maxInstances, idleTimeoutSeconds: e.timeToZeroSeconds }, effective: e });
    },
    trigger(t, { kube, services }) {
      const fn = kube.fn(t.target);
      const svc = services.get(fn.id) as string;
      kube.fnPlan(fn).triggers.push(t.id);
      const s = t.source;
      const service = (id: string) => services.get(id) as string;
      switch (s.type) {
        case "http":
          httpRoute(kube, fn, t, s, routes, svc);
          kube.fnPlan(fn).urls[t.id] = `http://${s.host ?? `${fn.name}.${namespace}.${domain}`}${s.path}`;
          return;
        case "schedule":
          return pingSource(kube, fn, t, s, deliveryRouter(kube, fn, t, service));
        case "queue":
          return queueSource(kube, fn, t, s, deliveryRouter(kube, fn, t, service));
        default:
          return assertNever(s, "trigger source");
      }
    },
  };

  return {
    name: "knative",
    engine: "knative",
    target: "kubernetes",
    capabilities: KNATIVE_CAPABILITIES,
    options,
    compile: (graph: DeploymentGraph) => compileKube("knative", graph, namespace, handlers, (kube) => ({ kube, services: new Map() })),
    artifacts: kubeArtifacts,
    view: viewKubePlan,
  };
}

function toSeconds(d: DurationLike): number {
  return (typeof d === "string" ? Duration.parse(d) : d).toSeconds();
}

export type { KubePlan, KubeResource, KubeObject } from "../kubernetes/plan.js";

import {
  applySuppressions,
  type Backend,
  BackendError,
  type DeploymentGraph,
  Diagnostics,
  type FunctionNode,
  type NodeHandlers,
  parseQuantityValue,
  type PlanView,
  type TriggerNode,
  visitGraph,
} from "../../lib/index.js";
import { ZEROSCALE_DEFAULTS, zeroscaleEngine } from "../../lib/engines/index.js";
import { DOCKER_CAPABILITIES } from "./capabilities.js";
import type { DockerPlan, PlannedContainer, PlannedImage } from "./plan.js";
import { type EdgeSettings, edgeSettings } from "../../runtime/gateway-config.js";
import { edgeLimits } from "../../runtime/gateway/edge.js";

/** Options of the {@link docker} backend, with the gateway's edge limits (EdgeSettings: written into its config). */
export interface DockerBackendOptions extends EdgeSettings {
  /**
   * "bridge": an app network; the gateway publishes one host port, functions are reachable only
   * through it, and the controller has no network at all. "host": everything on the host's network,
   * listening on 127.0.0.1 (function ports from `functionPortBase`): weaker, since every function can
   * reach every port on the host's loopback (the gateway's admin port, other functions, host
   * services); only for hosts where containers cannot get their own network. @default "bridge"
   */
  readonly networkMode?: "bridge" | "host";
  /** Host port the gateway publishes its routes on. @default 8080 */
  readonly port?: number;
  /** Host address the route port is published on (bridge mode). @default "0.0.0.0" */
  readonly publishAddress?: string;
  /** The gateway's admin port (metrics, status), bound to 127.0.0.1 in its own namespace, never published. @default 9464 */
  readonly adminPort?: number;
  /** Image with node 20 (and haproxy, else it is installed with apt-get) the gateway image builds FROM. @default "node:20-bookworm-slim" */
  readonly baseImage?: string;
  /** Name of the gateway image built from this package. @default "zeroscale/gateway:<app>" */
  readonly gatewayImage?: string;
  /** The host's Docker socket, mounted into the controller container only (never the gateway). @default "/var/run/docker.sock" */
  readonly socketPath?: string;
  /** Most processes (and threads) each function container may run: a fork bomb stops there. @default 512 */
  readonly pidsLimit?: number;
  /** First host port of function containers in host mode. @default 20000 */
  readonly functionPortBase?: number;
  /**
   * What carries requests in the gateway container: "haproxy" (HAProxy on the route port, run
   * unprivileged from the gateway image, with the gateway as its activator and control plane:
   * near nginx's throughput) or "node" (the gateway's own Node proxy). @default "haproxy"
   */
  readonly dataPlane?: "haproxy" | "node";
}

/** The Docker backend: the zeroscale gateway plus pre-created function containers, deployed by @pulumi/docker. */
export interface DockerBackend extends Backend<DockerPlan> {
  readonly name: "docker";
  readonly target: "docker";
  readonly options: DockerBackendOptions;
}

interface Ctx {
  readonly diags: Diagnostics;
  readonly images: PlannedImage[];
  readonly containers: PlannedContainer[];
  readonly functions: Map<string, DockerPlan["functions"][number] & { triggers: string[] }>;
  readonly urls: Record<string, string>;
  readonly fns: Map<string, FunctionNode>;
  /** Triggers by target function (the engine model reads them). */
  readonly triggers: Map<string, TriggerNode[]>;
  nextPort: number;
}

/** Compile zeroscale apps for a Docker host. */
export function docker(options: DockerBackendOptions = {}): DockerBackend {
  const mode = options.networkMode ?? "bridge";
  const port = options.port ?? 8080;
  const pidsLimit = options.pidsLimit ?? 512;
  const dataPlane = options.dataPlane ?? "haproxy";
  if (dataPlane !== "haproxy" && dataPlane !== "node") throw new RangeError(`docker({ dataPlane: ${JSON.stringify(dataPlane)} }): dataPlane must be "haproxy" or "node"`);
  if (!Number.isInteger(pidsLimit) || pidsLimit < 1) throw new RangeError(`docker({ pidsLimit: ${pidsLimit} }): pidsLimit must be a whole number >= 1`);
  edgeLimits(options); // the gateway's own rules: a bad edge limit fails here, not in the container
  const edge = edgeSettings(options);
  const handlers: NodeHandlers<Ctx> = {
    function(fn, ctx) {
      imageOf(fn, ctx);
      ctx.fns.set(fn.id, fn);
      ctx.functions.set(fn.id, { id: fn.id, minInstances: 0, maxInstances: 0, idleTimeoutSeconds: null, effective: null, triggers: [] });
    },
    scalingPolicy(p, ctx) {
      const f = ctx.functions.get(p.target);
      // The gateway runs zeroscale's own engine: every knob as declared (lib/engines/zeroscale).
      const { effective: e, diagnostics } = zeroscaleEngine.effective({ fn: ctx.fns.get(p.target) as FunctionNode, policy: p, triggers: ctx.triggers.get(p.target) ?? [] });
      for (const d of diagnostics) ctx.diags.add(d);
      const limit = ZEROSCALE_DEFAULTS.dockerMaxInstances;
      if (p.maxInstances > limit) {
        ctx.diags.error("ZS-DOCKER-MAX-INSTANCES", p.id, "maxInstances", p.maxInstances, `is above the Docker backend's limit of ${limit} containers per function (each instance is a container pre-created on one host)`, `set maxInstances <= ${limit}, or deploy this function with knative() or keda()`);
      }
      if (f) Object.assign(f, { minInstances: e.minInstances, maxInstances: e.maxInstances, idleTimeoutSeconds: e.timeToZeroSeconds, effective: e });
    },
    trigger(t, ctx) {
      ctx.functions.get(t.target)?.triggers.push(t.id);
      const s = t.source;
      // Which brokers the gateway consumes (runtime/connectors): a broker added to QUEUE_BROKERS fails to compile here until decided.
      const gatewayConsumes: Record<import("../../lib/index.js").QueueBroker, "supported" | { readonly reason: string }> = {
        redis: "supported",
        rabbitmq: "supported",
        nats: "supported",
        kafka: { reason: "is not consumed by the zeroscale gateway (Redis Streams, RabbitMQ and NATS JetStream are)" },
      };
      switch (s.type) {
        case "http":
          ctx.urls[t.id] = `http://${s.host ?? "127.0.0.1"}:${port}${s.path}`;
          return;
        case "schedule":
          return; // fired by the gateway from the graph in its config (runtime/gateway/schedules.ts)
        case "queue": {
          const support = gatewayConsumes[s.broker];
          if (support !== "supported") {
            ctx.diags.error("ZS-DOCKER-QUEUE-BROKER", t.id, "queue.broker", s.broker, support.reason, "deploy with knative() or keda() for this trigger");
          } else if (!("url" in s.connection)) {
            ctx.diags.error("ZS-DOCKER-QUEUE-CONNECTION", t.id, "queue.connection", s.connection, "is a secret reference, but the gateway's config holds no secrets", "pass the broker URL without credentials (authenticate on a private network)");
          } else if (s.broker === "rabbitmq" && s.batchSize !== 1) {
            ctx.diags.warn("ZS-DOCKER-QUEUE-BATCH", t.id, "queue.batchSize", s.batchSize, "has no effect on RabbitMQ: the gateway's consumer prefetches up to maxInstances x concurrency unacknowledged messages and delivers each as its own request", "remove batchSize (it sets the read size on Redis Streams only)");
          }
          return;
        }
        default: {
          const unhandled: never = s;
          throw new Error(`zeroscale bug: unhandled trigger source ${JSON.stringify(unhandled)}`);
        }
      }
    },
  };

  function imageOf(fn: FunctionNode, ctx: Ctx): void {
    const src = fn.source;
    let image: PlannedImage;
    if (src.type === "image") image = { fn: fn.id, kind: "remote", name: src.image };
    else if (src.type === "build") image = { fn: fn.id, kind: "build", name: `zeroscale-local/${fn.name}:latest`, context: src.context, dockerfile: src.dockerfile, dockerfileContent: null, args: src.args };
    else {
      const content = [
        "# Generated by zeroscale for a code function: the runner serves the handler on $PORT.",
        `FROM ${options.gatewayImage ?? "zeroscale/gateway:latest"}`,
        "COPY . /app/code",
        `ENV ZEROSCALE_HANDLER=/app/code/${src.file} ZEROSCALE_EXPORT=${src.export}`,
        'ENTRYPOINT ["node", "/zeroscale/runner/serve.js"]', // loads the handler as ESM or CommonJS by Node's rules (runtime/runner/format.ts)
        "CMD []",
        "",
      ].join("\n");
      image = { fn: fn.id, kind: "build", name: `zeroscale-local/${fn.name}:latest`, context: src.path, dockerfile: null, dockerfileContent: content, args: {} };
    }
    ctx.images.push(image);
  }

  function containersOf(graph: DeploymentGraph, ctx: Ctx): void {
    const app = graph.app.name;
    for (const n of graph.nodes) {
      if (n.kind !== "function") continue;
      const max = ctx.functions.get(n.id)?.maxInstances ?? 1;
      const image = ctx.images.find((i) => i.fn === n.id)?.name as string;
      for (let i = 0; i < max; i++) {
        const p = mode === "host" ? ctx.nextPort++ : n.port;
        ctx.containers.push({
          fn: n.id,
          name: `${app}-${n.name}-${i}`,
          index: i,
          image,
          port: p,
          env: { ...n.env, PORT: String(p), ZEROSCALE_HOST: mode === "host" ? "127.0.0.1" : "0.0.0.0" },
          secretEnv: Object.entries(n.secrets).map(([name, ref]) => ({ name, secret: ref.secret, key: ref.key })),
          labels: { "zeroscale.dev/app": app, "zeroscale.dev/function": n.id, "zeroscale.dev/port": String(p), "zeroscale.dev/index": String(i), "zeroscale.dev/pids-limit": String(pidsLimit), ...n.labels },
          memoryMb: Math.max(6, Math.round((parseQuantityValue(n.memory) ?? 0) / 2 ** 20)),
          pidsLimit,
          cpus: parseQuantityValue(n.cpu) ?? 0.25,
          user: n.security.runAsUser === null ? null : String(n.security.runAsUser),
          readOnly: n.security.readOnlyRootFilesystem,
          noNewPrivileges: !n.security.allowPrivilegeEscalation,
          command: n.args ? [...n.args] : null,
          entrypoint: n.command ? [...n.command] : null,
        });
      }
    }
  }

  return {
    name: "docker",
    engine: "zeroscale",
    target: "docker",
    capabilities: DOCKER_CAPABILITIES,
    options,
    compile(graph: DeploymentGraph): DockerPlan {
      const triggers = new Map<string, TriggerNode[]>();
      for (const n of graph.nodes) if (n.kind === "trigger") triggers.set(n.target, [...(triggers.get(n.target) ?? []), n]);
      const ctx: Ctx = { diags: new Diagnostics(), images: [], containers: [], functions: new Map(), urls: {}, fns: new Map(), triggers, nextPort: options.functionPortBase ?? 20000 };
      visitGraph(graph, handlers, ctx);
      const errors = ctx.diags.list("error");
      if (errors.length > 0) throw new BackendError("docker", errors);
      containersOf(graph, ctx);
      const app = graph.app.name;
      const adminPort = options.adminPort ?? 9464;
      return {
        backend: "docker",
        app,
        network: { name: `${app}-zeroscale`, mode },
        images: ctx.images,
        containers: ctx.containers,
        gateway: {
          name: `${app}-gateway`,
          image: options.gatewayImage ?? "zeroscale/gateway:latest",
          port,
          publishAddress: options.publishAddress ?? "0.0.0.0",
          adminPort,
          // The data plane: non-root, read-only root, no Docker socket (the controller holds it).
          user: "65532:65532",
          readOnly: true,
          config: {
            port: mode === "host" ? port : 8080,
            host: mode === "host" ? "127.0.0.1" : "0.0.0.0",
            adminPort,
            networkMode: mode,
            dataPlane,
            ...edge,
            // No scaling settings here: the gateway runs zeroscale's engine on each policy as declared
            // (its cold-start buffer included).
          },
        },
        controller: {
          name: `${app}-controller`,
          image: options.gatewayImage ?? "zeroscale/gateway:latest",
          socketPath: options.socketPath ?? "/var/run/docker.sock",
          volume: `${app}-zeroscale-control`,
          mountPath: "/run/zeroscale",
          networkMode: mode === "bridge" ? "none" : "host",
          command: ["--app", app, "--network-mode", mode],
        },
        graph,
        functions: [...ctx.functions.values()].map((f) => ({ ...f, triggers: [...f.triggers].sort() })),
        urls: ctx.urls,
        warnings: [...graph.warnings, ...applySuppressions(ctx.diags.list("warning"), graph.suppressions).kept],
      };
    },
    artifacts(plan: DockerPlan) {
      const files = [{ path: "plan.json", content: `${JSON.stringify(plan, null, 2)}\n` }, { path: "gateway.json", content: `${JSON.stringify({ graph: plan.graph, ...plan.gateway.config }, null, 2)}\n` }];
      for (const i of plan.images) {
        if (i.kind === "build" && i.dockerfileContent) files.push({ path: `dockerfiles/${i.name.split("/")[1]?.split(":")[0]}.Dockerfile`, content: i.dockerfileContent });
      }
      return files;
    },
    view(plan: DockerPlan): PlanView {
      const functions: Record<string, PlanView["functions"][string]> = {};
      for (const f of plan.functions) {
        functions[f.id] = {
          minInstances: f.minInstances,
          maxInstances: f.maxInstances,
          idleTimeoutSeconds: f.idleTimeoutSeconds,
          effective: f.effective,
          triggers: f.triggers,
          resources: plan.containers.filter((c) => c.fn === f.id).map((c) => `Container/${c.name}`),
        };
      }
      return { functions };
    },
  };
}

export type { DockerPlan, PlannedContainer, PlannedController, PlannedGateway, PlannedImage } from "./plan.js";

import planSchema from "./plan.schema.json" with { type: "json" };
/**
 * The JSON Schema every Docker plan satisfies. Typed `object` so the shipped .d.ts names no JSON
 * module (consumers without resolveJsonModule, such as Pulumi's template, could not resolve one).
 */
export const DOCKER_PLAN_SCHEMA: object = planSchema;

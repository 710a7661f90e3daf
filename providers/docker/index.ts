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
  visitGraph,
} from "../../lib/index.js";
import { DOCKER_CAPABILITIES } from "./capabilities.js";
import type { DockerPlan, PlannedContainer, PlannedImage } from "./plan.js";

/** Options of the {@link docker} backend. */
export interface DockerBackendOptions {
  /**
   * "bridge": an app network; the gateway publishes one host port, functions are reachable only
   * through it. "host": everything on the host's network, listening on 127.0.0.1 (function ports from
   * `functionPortBase`). @default "bridge"
   */
  readonly networkMode?: "bridge" | "host";
  /** Host port the gateway publishes its routes on. @default 8080 */
  readonly port?: number;
  /** Host address the route port is published on (bridge mode). @default "0.0.0.0" */
  readonly publishAddress?: string;
  /** The gateway's admin port (metrics, status), bound to 127.0.0.1 in its own namespace, never published. @default 9464 */
  readonly adminPort?: number;
  /** Image with node 20 the gateway image builds FROM. @default "node:20-bookworm-slim" */
  readonly baseImage?: string;
  /** Name of the gateway image built from this package. @default "zeroscale/gateway:<app>" */
  readonly gatewayImage?: string;
  /** The Docker socket mounted (read-only) into the gateway. @default "/var/run/docker.sock" */
  readonly socketPath?: string;
  /** First host port of function containers in host mode. @default 20000 */
  readonly functionPortBase?: number;
  /** Scale-to-zero grace period of the gateway's autoscaler, seconds. @default 30 */
  readonly scaleToZeroGracePeriodSeconds?: number;
  /** Requests held per function while it wakes. @default 1000 */
  readonly bufferSize?: number;
  /** Longest a request waits for an instance, ms. @default 30000 */
  readonly waitTimeoutMs?: number;
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
  nextPort: number;
}

/** Compile zeroscale apps for a Docker host. */
export function docker(options: DockerBackendOptions = {}): DockerBackend {
  const mode = options.networkMode ?? "bridge";
  const port = options.port ?? 8080;
  const handlers: NodeHandlers<Ctx> = {
    function(fn, ctx) {
      imageOf(fn, ctx);
      ctx.functions.set(fn.id, { id: fn.id, minInstances: 0, maxInstances: 0, idleTimeoutSeconds: null, triggers: [] });
    },
    scalingPolicy(p, ctx) {
      if (p.metric.type === "cpu" || p.metric.type === "memory") {
        ctx.diags.error("ZS-DOCKER-METRIC", p.id, `metric.${p.metric.type}`, p.metric.target, `is not measured by the zeroscale gateway (it scales on concurrency, rps and queue length)`, "scale on concurrency or rps, or deploy with knative() or keda()");
      }
      if (p.schedule.length > 0) {
        ctx.diags.error("ZS-DOCKER-SCHEDULE-BASELINE", p.id, "schedule", p.schedule, "is not supported by the gateway yet", "raise minInstances, or deploy with keda() (cron scaler)");
      }
      const f = ctx.functions.get(p.target);
      if (f) Object.assign(f, { minInstances: p.minInstances, maxInstances: p.maxInstances, idleTimeoutSeconds: p.minInstances === 0 ? p.idleTimeoutSeconds : null });
    },
    trigger(t, ctx) {
      ctx.functions.get(t.target)?.triggers.push(t.id);
      const s = t.source;
      if (s.type === "http") ctx.urls[t.id] = `http://${s.host ?? "127.0.0.1"}:${port}${s.path}`;
      else if (s.type === "queue") {
        if (s.broker === "kafka" || s.broker === "nats") {
          ctx.diags.error("ZS-DOCKER-QUEUE-BROKER", t.id, "queue.broker", s.broker, "is not consumed by the zeroscale gateway yet (Redis Streams and RabbitMQ are)", "deploy with knative() or keda() for this trigger");
        } else if (!("url" in s.connection)) {
          ctx.diags.error("ZS-DOCKER-QUEUE-CONNECTION", t.id, "queue.connection", s.connection, "is a secret reference, but the gateway's config holds no secrets", "pass the broker URL without credentials (authenticate on a private network)");
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
        'ENTRYPOINT ["node", "/zeroscale/runner/serve.mjs"]',
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
          labels: { "zeroscale.dev/app": app, "zeroscale.dev/function": n.id, "zeroscale.dev/port": String(p), "zeroscale.dev/index": String(i), ...n.labels },
          memoryMb: Math.max(6, Math.round((parseQuantityValue(n.memory) ?? 0) / 2 ** 20)),
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
    target: "docker",
    capabilities: DOCKER_CAPABILITIES,
    options,
    compile(graph: DeploymentGraph): DockerPlan {
      const ctx: Ctx = { diags: new Diagnostics(), images: [], containers: [], functions: new Map(), urls: {}, nextPort: options.functionPortBase ?? 20000 };
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
          socketPath: options.socketPath ?? "/var/run/docker.sock",
          config: {
            port: mode === "host" ? port : 8080,
            host: mode === "host" ? "127.0.0.1" : "0.0.0.0",
            adminPort,
            networkMode: mode,
            scaleToZeroGracePeriodSeconds: options.scaleToZeroGracePeriodSeconds ?? 30,
            bufferSize: options.bufferSize ?? 1000,
            waitTimeoutMs: options.waitTimeoutMs ?? 30_000,
          },
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
          triggers: f.triggers,
          resources: plan.containers.filter((c) => c.fn === f.id).map((c) => `Container/${c.name}`),
        };
      }
      return { functions };
    },
  };
}

export type { DockerPlan, PlannedContainer, PlannedGateway, PlannedImage } from "./plan.js";

export { default as DOCKER_PLAN_SCHEMA } from "./plan.schema.json" with { type: "json" };

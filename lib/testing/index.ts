import { createHash } from "node:crypto";
import { App, type AppProps } from "../app.js";
import type { ArtifactFile, Backend, Plan } from "../backend.js";
import { ServerlessFunction } from "../serverless-function.js";
import { type ReplayResult, type ReplayRunOptions, type ReplayTrace, replayGraph } from "./replay.js";
import type { DeploymentGraph, FunctionNode, GraphNode, NodeKind, ScalingPolicyNode, TriggerNode } from "../graph/types.js";
import type { DeliveryOptions, EffectiveDelivery } from "../events/delivery.js";
import { effectiveDelivery } from "../events/models.js";
import { type SynthOptions, synth } from "../synth.js";
import type { EngineName } from "../vocabulary.js";
import { type Diagnostic, ValidationError } from "../validation/diagnostic.js";

/** The repoDigest Testing.pulumi's mocks give an image named `imageName` ("repo:tag"): `repo@sha256:<sha256 of imageName>`. */
export function mockRepoDigest(imageName: string): string {
  const repository = imageName.replace(/:[^:/]+$/, "");
  return `${repository}@sha256:${createHash("sha256").update(imageName).digest("hex")}`;
}

/** Which nodes {@link Testing.nodes} returns. */
export interface NodeQuery {
  /** Only nodes of this kind. @default every kind */
  readonly kind?: NodeKind;
  /** Only triggers and policies that target this function id. @default any */
  readonly target?: string;
  /** Only nodes whose id starts with this path. @default any */
  readonly under?: string;
}

/** What `Testing.compile` returns: the backend's plan and the files it would write. */
export interface Compiled<P extends Plan> {
  readonly plan: P;
  readonly files: readonly ArtifactFile[];
  /** Every engine object of the plan (Kubernetes backends), for `toContainResource`. */
  readonly resources: readonly unknown[];
}

/** A resource registered under Pulumi mocks, with its inputs resolved. */
export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, unknown>;
  /** Type of the parent component, from the URN ("zeroscale:index:ServerlessFunction"), if any. */
  readonly parentType: string | null;
}

/** Replace what changes between machines and versions: derived-name hashes, absolute paths, zeroscale's version. */
export function stableSnapshot<T>(value: T, options: { root?: string; version?: string } = {}): T {
  const root = options.root ?? process.cwd();
  const replace = (s: string) => {
    let out = s.split(root).join("<root>").replace(/-[0-9a-f]{8}\b/g, "-<hash>");
    if (options.version) out = out.split(options.version).join("<version>");
    return out;
  };
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) => (typeof v === "string" ? replace(v) : v)) as T;
}

/**
 * Helpers for unit-testing zeroscale programs in vitest (or any runner): synthesize and compile in
 * memory, find nodes, read validation errors, replay scaling, run Pulumi under mocks. The matchers
 * live in `zeroscale/testing/vitest`.
 */
export class Testing {
  /** A fresh App named "test" (or as given), with no I/O. */
  static app(props: Partial<AppProps> = {}): App {
    return new App({ name: "test", ...props });
  }

  /**
   * The deployment graph of `app`, in memory. Throws ValidationError like `synth`. Pass
   * `{ baseDir }` (the program's folder) to also check that code.path folders and handler files exist.
   */
  static synth(app: App, options: SynthOptions = {}): DeploymentGraph {
    return synth(app, options);
  }

  /** Compile `app` with `backend`, in memory: the plan, the files it would write, its engine objects. */
  static compile<P extends Plan>(app: App, backend: Backend<P>): Compiled<P> {
    const plan = backend.compile(synth(app));
    const resources = ((plan as unknown as { resources?: { manifest?: unknown }[] }).resources ?? []).map((r) => r.manifest ?? r);
    return { plan, files: backend.artifacts(plan), resources };
  }

  /**
   * Replay a trace for `fn` under a backend's scaling semantics ("knative" and "gateway": Knative's
   * KPA with scale-to-zero gating; "keda": KEDA's polling, activation, HPA and cooldown), in virtual
   * time: milliseconds, deterministic.
   */
  static replay(fn: ServerlessFunction, trace: ReplayTrace, options: ReplayRunOptions = {}): ReplayResult {
    if (!ServerlessFunction.isServerlessFunction(fn)) throw new TypeError("Testing.replay expects a ServerlessFunction");
    return replayGraph(synth(fn.node.root as App), fn.node.path, trace, options);
  }

  /**
   * Set Pulumi mocks, run `deploy(app, backend)` from zeroscale/pulumi, wait for every registration,
   * and return the registered resources with resolved inputs. One call; nothing left pending. Images
   * a backend with a `registry` builds (docker:index/image:Image) are staged from `baseDir` (the
   * program's folder, default the working directory) but not built: their mocked `repoDigest` is
   * `<repository>@sha256:<sha256 of the image name>`, so the workloads name a digest as in a real deploy.
   */
  static async pulumi(app: App, backend: Backend<Plan>, options: { secrets?: Record<string, Record<string, string>>; baseDir?: string; project?: string; stack?: string } = {}): Promise<{ resources: RegisteredResource[] }> {
    const pulumi = await import("@pulumi/pulumi");
    const registered: RegisteredResource[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push({ type: args.type, name: args.name, urn: "", inputs: args.inputs as Record<string, unknown>, parentType: null });
          return { id: `${args.name}-id`, state: args.type === "docker:index/image:Image" ? { ...args.inputs, repoDigest: mockRepoDigest(String(args.inputs["imageName"])) } : args.inputs };
        },
        call: (args) => args.inputs,
      },
      options.project ?? "zeroscale-test",
      options.stack ?? "test",
    );
    type Kube = Extract<import("zeroscale/pulumi").DeployableBackend, { target: "kubernetes" }>;
    const { deploy } = (await import("zeroscale/pulumi")) as typeof import("zeroscale/pulumi");
    const deployed = deploy(app, backend as Kube, { ...(options.secrets ? { secrets: options.secrets } : {}), ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}) });
    const all = [deployed.app, ...Object.values(deployed.functions), ...Object.values(deployed.resources), ...Object.values(deployed.secrets), ...Object.values(deployed.images ?? {})];
    const urns = await new Promise<string[]>((resolve) => pulumi.all(all.map((r) => r.urn)).apply((u) => resolve(u)));
    await new Promise<void>((resolve) => pulumi.all(Object.values(deployed.urls)).apply(() => resolve()));
    return {
      resources: registered.map((r) => {
        const urn = urns.find((u) => u.endsWith(`$${r.type}::${r.name}`) || u.endsWith(`::${r.type}::${r.name}`)) ?? "";
        const chain = (urn.split("::")[2] ?? "").split("$");
        return { ...r, urn, parentType: chain.length > 1 ? (chain[chain.length - 2] as string) : null };
      }),
    };
  }

  /** See {@link stableSnapshot}. */
  static snapshot<T>(value: T, options: { root?: string; version?: string } = {}): T {
    return stableSnapshot(value, options);
  }

  /** The validation errors `app` has (empty when it synthesizes). Other exceptions propagate. */
  static errors(app: App): readonly Diagnostic[] {
    try {
      synth(app);
      return [];
    } catch (e) {
      if (e instanceof ValidationError) return e.errors;
      throw e;
    }
  }

  /** Nodes matching `query`, in graph order. */
  static nodes(graph: DeploymentGraph, query: NodeQuery = {}): GraphNode[] {
    return graph.nodes.filter(
      (n) =>
        (query.kind === undefined || n.kind === query.kind) &&
        (query.target === undefined || (n.kind !== "function" && n.target === query.target)) &&
        (query.under === undefined || n.id === query.under || n.id.startsWith(`${query.under}/`)),
    );
  }

  /** The node at construct path `id`; throws listing the ids there are when it is missing. */
  static node(graph: DeploymentGraph, id: string): GraphNode {
    const found = graph.nodes.find((n) => n.id === id);
    if (!found) throw new Error(`no node "${id}" in the graph; it has: ${graph.nodes.map((n) => n.id).join(", ")}`);
    return found;
  }

  /** The function node at `id`. */
  static function(graph: DeploymentGraph, id: string): FunctionNode {
    return expectKind(Testing.node(graph, id), "function");
  }

  /** The trigger node at `id`. */
  static trigger(graph: DeploymentGraph, id: string): TriggerNode {
    return expectKind(Testing.node(graph, id), "trigger");
  }

  /** The scaling policy of the function at `functionId` (explicit or implicit). */
  static scalingOf(graph: DeploymentGraph, functionId: string): ScalingPolicyNode {
    Testing.function(graph, functionId);
    return Testing.nodes(graph, { kind: "scalingPolicy", target: functionId })[0] as ScalingPolicyNode;
  }

  /**
   * What an engine really does with the trigger at `triggerId`'s delivery policy (retries, backoff,
   * dead letter, per-attempt timeout, push or pull), from its delivery model: the same answer the
   * backends compile from. @default engine "zeroscale"
   */
  static deliveryOf(graph: DeploymentGraph, triggerId: string, options: { engine?: EngineName } & DeliveryOptions = {}): EffectiveDelivery | null {
    const { engine = "zeroscale", ...rest } = options;
    return effectiveDelivery(engine, Testing.trigger(graph, triggerId), rest).delivery;
  }

  /** The triggers that deliver to the function at `functionId`. */
  static triggersOf(graph: DeploymentGraph, functionId: string): TriggerNode[] {
    return Testing.nodes(graph, { kind: "trigger", target: functionId }) as TriggerNode[];
  }
}

function expectKind<K extends NodeKind>(node: GraphNode, kind: K): Extract<GraphNode, { kind: K }> {
  if (node.kind !== kind) throw new Error(`node "${node.id}" is a ${node.kind}, not a ${kind}`);
  return node as Extract<GraphNode, { kind: K }>;
}

import type { EffectiveScaling } from "../../lib/engines/index.js";
import type { DeploymentGraph, FunctionNode, NodeHandlers, Plan, PlanView, ScalingPolicyNode, TriggerNode } from "../../lib/index.js";
import { applySuppressions, BackendError, Diagnostics, visitGraph } from "../../lib/index.js";
import type { ImageBuild } from "../images/spec.js";

/** A Kubernetes object as plain data. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

/** One planned resource. */
export interface KubeResource {
  /** Unique key: "<apiVersion>/<kind>/<name>". */
  readonly key: string;
  /** Id of the function this resource belongs to. */
  readonly owner: string;
  /** Keys of resources that must exist first. */
  readonly dependsOn: readonly string[];
  readonly manifest: KubeObject;
}

/** What one function became. */
export interface KubeFunctionPlan {
  readonly id: string;
  readonly name: string;
  /** Keys of its resources, in creation order. */
  readonly resources: string[];
  /** Effective scaling, in zeroscale's vocabulary. */
  scaling: { minInstances: number; maxInstances: number; idleTimeoutSeconds: number | null };
  /** The engine model's effective behaviour (lib/engines/), null until the policy handler ran. */
  effective: EffectiveScaling | null;
  /** Trigger id -> URL (http triggers only). */
  readonly urls: Record<string, string>;
  readonly triggers: string[];
}

/** The compiled plan of a Kubernetes backend. */
export interface KubePlan extends Plan {
  readonly backend: "knative" | "keda";
  readonly namespace: string;
  readonly app: string;
  readonly functions: KubeFunctionPlan[];
  /** Every resource, in dependency order. */
  readonly resources: KubeResource[];
  /**
   * The images to build and push before `resources` can be applied, sorted by function id: every
   * `code`/`build` function with no `images` entry when the backend was given a `registry`. Until then
   * their containers' `image` is the placeholder `<repository>:zeroscale-unbuilt` (`unbuiltImage()` in
   * pod.ts), which names the build and is never a pushed image: deploy() builds and pushes each one
   * and substitutes the pushed `<repository>@sha256:...`; `zeroscale synth` and `validate` refuse a
   * plan with builds left (ZS-IMAGE-UNBUILT: run `zeroscale build`, then `synth --images`). Empty
   * when every image is known.
   */
  readonly builds: readonly ImageBuild[];
}

/** Shared compile state of the Kubernetes backends. */
export class KubeContext {
  readonly diags = new Diagnostics();
  readonly resources: KubeResource[] = [];
  readonly functions = new Map<string, KubeFunctionPlan>();
  readonly fnNodes = new Map<string, FunctionNode>();
  readonly policies = new Map<string, ScalingPolicyNode>();
  readonly triggers = new Map<string, TriggerNode[]>();
  /** Functions some trigger dead-letters to (the graph's `deadLetters` edges' targets). */
  readonly deadLetterTargets = new Set<string>();
  /** The images to build, as the function handlers find them (see {@link KubePlan.builds}). */
  readonly builds: ImageBuild[] = [];
  private readonly byKey = new Map<string, KubeResource>();
  /** Function id -> kind -> keys of its resources of that kind, in the order added. */
  private readonly byKind = new Map<string, Map<string, string[]>>();

  constructor(
    readonly backend: "knative" | "keda",
    readonly graph: DeploymentGraph,
    readonly namespace: string,
  ) {
    for (const n of graph.nodes) {
      if (n.kind === "function") this.fnNodes.set(n.id, n);
      else if (n.kind === "scalingPolicy") this.policies.set(n.target, n);
      else {
        const list = this.triggers.get(n.target);
        if (list) list.push(n);
        else this.triggers.set(n.target, [n]);
      }
    }
    for (const e of graph.edges) if (e.kind === "deadLetters") this.deadLetterTargets.add(e.to);
  }

  /** The function node `id` (it exists: the graph was checked). */
  fn(id: string): FunctionNode {
    return this.fnNodes.get(id) as FunctionNode;
  }

  /** The plan entry of function `id`, created on first use. */
  fnPlan(fn: FunctionNode): KubeFunctionPlan {
    let p = this.functions.get(fn.id);
    if (!p) {
      p = { id: fn.id, name: fn.name, resources: [], scaling: { minInstances: 0, maxInstances: 0, idleTimeoutSeconds: null }, effective: null, urls: {}, triggers: [] };
      this.functions.set(fn.id, p);
    }
    return p;
  }

  /** Add a resource owned by function `owner`; returns its key. */
  add(owner: FunctionNode, manifest: KubeObject, dependsOn: readonly string[] = []): string {
    const key = `${manifest.apiVersion}/${manifest.kind}/${manifest.metadata.name}`;
    const resource: KubeResource = { key, owner: owner.id, dependsOn: [...dependsOn], manifest };
    this.resources.push(resource);
    this.byKey.set(key, resource);
    this.fnPlan(owner).resources.push(key);
    let kinds = this.byKind.get(owner.id);
    if (!kinds) this.byKind.set(owner.id, (kinds = new Map()));
    const keys = kinds.get(manifest.kind);
    if (keys) keys.push(key);
    else kinds.set(manifest.kind, [key]);
    return key;
  }

  /** The keys of function `fnId`'s resources of `kind` added so far, in order (a copy; no scan of its other resources). */
  keysOfKind(fnId: string, kind: string): string[] {
    return [...(this.byKind.get(fnId)?.get(kind) ?? [])];
  }

  /** The manifest at `key` (for handlers that refine an earlier resource). */
  get(key: string): KubeObject {
    return (this.byKey.get(key) as KubeResource).manifest;
  }

  /** The plan so far. */
  plan(): KubePlan {
    return {
      backend: this.backend,
      namespace: this.namespace,
      app: this.graph.app.name,
      functions: [...this.functions.values()],
      resources: this.resources,
      builds: [...this.builds].sort((a, b) => (a.fn < b.fn ? -1 : a.fn > b.fn ? 1 : 0)),
      warnings: [...this.graph.warnings, ...applySuppressions(this.diags.list("warning"), this.graph.suppressions).kept],
    };
  }
}

/** Run a Kubernetes backend's handlers over the graph; throw every unsupported use at once, else return the plan. */
export function compileKube<C>(backend: "knative" | "keda", graph: DeploymentGraph, namespace: string, handlers: NodeHandlers<C>, ctx: (kube: KubeContext) => C): KubePlan {
  const kube = new KubeContext(backend, graph, namespace);
  visitGraph(graph, handlers, ctx(kube));
  const errors = kube.diags.list("error");
  if (errors.length > 0) throw new BackendError(backend, errors);
  return kube.plan();
}

/** The plan in zeroscale's vocabulary (for the conformance suite and `zeroscale synth` summaries). */
export function viewKubePlan(plan: KubePlan): PlanView {
  const functions: Record<string, PlanView["functions"][string]> = {};
  for (const f of plan.functions) {
    functions[f.id] = {
      ...f.scaling,
      effective: f.effective,
      triggers: [...f.triggers].sort(),
      resources: f.resources.map((k) => k.split("/").slice(-2).join("/")),
    };
  }
  return { functions };
}

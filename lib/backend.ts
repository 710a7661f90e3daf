import type { DeploymentGraph, GraphNode, NodeKind } from "./graph/types.js";
import { type Diagnostic, formatDiagnostic } from "./validation/diagnostic.js";

/**
 * One handler per graph node kind. Backends implement this type, so adding a node kind fails to
 * compile in every backend that does not handle it yet.
 */
export type NodeHandlers<Ctx> = {
  readonly [K in NodeKind]: (node: Extract<GraphNode, { kind: K }>, ctx: Ctx) => void;
};

/** Call the matching handler for every node, in graph (topological) order. */
export function visitGraph<Ctx>(graph: DeploymentGraph, handlers: NodeHandlers<Ctx>, ctx: Ctx): void {
  for (const node of graph.nodes) {
    (handlers[node.kind] as (n: GraphNode, c: Ctx) => void)(node, ctx);
  }
}

/** A file a backend writes on `zeroscale synth`. */
export interface ArtifactFile {
  /** Path relative to the backend's output directory. */
  readonly path: string;
  readonly content: string;
}

/** How a backend treats a prop: as the docs' capability table says. */
export type Support = "honoured" | "approximate" | "unsupported";

/** What a compiled plan means, in zeroscale's own vocabulary: read by the conformance suite. */
export interface PlanView {
  readonly functions: Readonly<
    Record<
      string,
      {
        readonly minInstances: number;
        readonly maxInstances: number;
        /** Seconds from the last request to zero, as the engine will really do it; null when it never goes to zero. */
        readonly idleTimeoutSeconds: number | null;
        /** Ids of the triggers that deliver to it. */
        readonly triggers: readonly string[];
        /** The engine resources that realise it (kind/name). */
        readonly resources: readonly string[];
      }
    >
  >;
}

/** A compiled plan: the backend's resources as plain data, plus what it could only approximate. */
export interface Plan {
  readonly backend: string;
  /** Warnings: approximate mappings, each naming the construct path. */
  readonly warnings: readonly Diagnostic[];
}

/** A backend: compiles a graph (pure), writes artifacts, and explains its plan. */
export interface Backend<P extends Plan = Plan> {
  readonly name: string;
  /** @throws BackendError listing every prop this backend cannot honour. */
  compile(graph: DeploymentGraph): P;
  /** The files `zeroscale synth --backend <name>` writes. */
  artifacts(plan: P): ArtifactFile[];
  /** The plan in zeroscale's vocabulary. */
  view(plan: P): PlanView;
}

/** Thrown when a backend cannot honour what the graph asks for; carries every such problem. */
export class BackendError extends Error {
  override readonly name = "BackendError";
  constructor(
    readonly backend: string,
    readonly errors: readonly Diagnostic[],
  ) {
    super(`${backend}: ${errors.length} unsupported use${errors.length === 1 ? "" : "s"}:\n${errors.map((d) => `  - ${formatDiagnostic(d)}`).join("\n")}`);
  }
}

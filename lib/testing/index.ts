import { App, type AppProps } from "../app.js";
import type { DeploymentGraph, FunctionNode, GraphNode, NodeKind, ScalingPolicyNode, TriggerNode } from "../graph/types.js";
import { synth } from "../synth.js";
import { type Diagnostic, ValidationError } from "../validation/diagnostic.js";

/** Which nodes {@link Testing.nodes} returns. */
export interface NodeQuery {
  /** Only nodes of this kind. @default every kind */
  readonly kind?: NodeKind;
  /** Only triggers and policies that target this function id. @default any */
  readonly target?: string;
  /** Only nodes whose id starts with this path. @default any */
  readonly under?: string;
}

/**
 * Helpers for unit-testing zeroscale programs in vitest (or any runner): synthesize in memory,
 * find nodes, read validation errors. Later issues add matchers, Pulumi mocks and scaling replay.
 */
export class Testing {
  /** A fresh App named "test" (or as given), with no I/O. */
  static app(props: Partial<AppProps> = {}): App {
    return new App({ name: "test", ...props });
  }

  /** The deployment graph of `app`, in memory. Throws ValidationError like `synth`. */
  static synth(app: App): DeploymentGraph {
    return synth(app);
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

  /** The triggers that deliver to the function at `functionId`. */
  static triggersOf(graph: DeploymentGraph, functionId: string): TriggerNode[] {
    return Testing.nodes(graph, { kind: "trigger", target: functionId }) as TriggerNode[];
  }
}

function expectKind<K extends NodeKind>(node: GraphNode, kind: K): Extract<GraphNode, { kind: K }> {
  if (node.kind !== kind) throw new Error(`node "${node.id}" is a ${node.kind}, not a ${kind}`);
  return node as Extract<GraphNode, { kind: K }>;
}

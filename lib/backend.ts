import { engineCapabilities } from "./engines/capabilities.js";
import { type EngineName, QUEUE_BROKERS, type QueueBroker, SCALING_KNOBS, TRIGGER_KINDS, type TriggerKind } from "./vocabulary.js";
import type { EffectiveScaling } from "./engines/types.js";
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

/**
 * The non-scaling props and trigger kinds every backend states its support for (docs/backends/README.md).
 * Trigger and broker rows derive from the vocabulary, so a new kind or broker is a new row every
 * backend's table must fill. The scaling knobs' rows are not written by hand: they are measured from
 * the backend's engine model (lib/engines/capabilities.ts).
 */
export const CAPABILITIES = [
  "image",
  "build / code",
  "env, secrets",
  "memory, cpu",
  "timeout",
  "concurrency",
  "security relaxations",
  ...TRIGGER_KINDS.map((k) => `trigger: ${k}` as const),
  "trigger: schedule with seconds",
  ...QUEUE_BROKERS.map((b) => `queue: ${b}` as const),
  "queue connection from a secret",
] as const;
export type Capability =
  | "image"
  | "build / code"
  | "env, secrets"
  | "memory, cpu"
  | "timeout"
  | "concurrency"
  | "security relaxations"
  | `trigger: ${TriggerKind}`
  | "trigger: schedule with seconds"
  | `queue: ${QueueBroker}`
  | "queue connection from a secret";

/** A backend's capability table for the non-scaling rows: support and a short note per capability. */
export type CapabilityTable = Readonly<Record<Capability, readonly [Support, string]>>;

/** The capability tables of some backends as one Markdown table: their own rows, then every scaling knob as their engine's model measures it. */
export function renderCapabilityTable(backends: readonly { readonly name: string; readonly engine: EngineName; readonly capabilities: CapabilityTable }[]): string {
  const mark = (s: Support) => (s === "honoured" ? "yes" : s === "approximate" ? "approx." : "no");
  const cell = ([support, note]: readonly [Support, string]) => `${mark(support)}${note ? `: ${note}` : ""}`;
  const head = `| capability | ${backends.map((b) => `${b.name} (${b.engine} engine)`).join(" | ")} |`;
  const sep = `|---|${backends.map(() => "---").join("|")}|`;
  const rows = CAPABILITIES.map((c) => `| ${c} | ${backends.map((b) => cell(b.capabilities[c as Capability])).join(" | ")} |`);
  const engines = backends.map((b) => engineCapabilities(b.engine));
  const knobs = SCALING_KNOBS.map((k) => `| scaling: ${k} | ${engines.map((e) => cell(e[k])).join(" | ")} |`);
  return [head, sep, ...rows, ...knobs].join("\n");
}

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
        /** What the backend's engine really does with the policy (lib/engines/). */
        readonly effective: EffectiveScaling | null;
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
  /** The scaling engine this backend deploys to: its model (lib/engines/) gives every effective value and the scaling rows of the capability table. */
  readonly engine: EngineName;
  /** What this backend honours, approximates or cannot do besides scaling; approximate and unsupported uses are reported at synth. */
  readonly capabilities: CapabilityTable;
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

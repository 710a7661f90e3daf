import type { SuppressedDiagnostic, Suppression } from "../policy/suppress.js";
import type { Diagnostic } from "../validation/diagnostic.js";
import type { BackoffPolicy, MetricType, QueueBroker, TriggerKind } from "../vocabulary.js";

/** The graph format version; bumped on any incompatible change. */
export const GRAPH_API_VERSION = "zeroscale.dev/v1alpha1";

/** Where a function's code comes from. */
export type FunctionSource =
  | { readonly type: "image"; readonly image: string }
  | { readonly type: "build"; readonly context: string; readonly dockerfile: string; readonly args: Readonly<Record<string, string>> }
  | {
      readonly type: "code";
      readonly path: string;
      /** The module file inside `path`, e.g. "index.js". */
      readonly file: string;
      /** The export to call; "default" for the default export. */
      readonly export: string;
      readonly runtime: "nodejs20" | "nodejs22";
    };

/** A secret reference, resolved. */
export interface SecretRefData {
  readonly secret: string;
  readonly key: string;
}

interface NodeBase {
  /** The construct path; unique in the graph. */
  readonly id: string;
  /** A stable DNS-1035 name derived from the path (path + hash, <= 49 chars). */
  readonly name: string;
}

/** A ServerlessFunction with every prop resolved (defaults applied, durations in seconds). */
export interface FunctionNode extends NodeBase {
  readonly kind: "function";
  readonly source: FunctionSource;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, SecretRefData>>;
  readonly memory: string;
  readonly cpu: string;
  readonly timeoutSeconds: number;
  readonly concurrency: number;
  readonly readinessPath: string;
  readonly command: readonly string[] | null;
  readonly args: readonly string[] | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly security: SecurityData;
}

/** Container security settings, resolved; `relaxed` lists the settings weaker than the restricted profile. */
export interface SecurityData {
  readonly runAsNonRoot: boolean;
  readonly runAsUser: number | null;
  readonly readOnlyRootFilesystem: boolean;
  readonly allowPrivilegeEscalation: boolean;
  readonly relaxed: readonly ("runAsNonRoot" | "readOnlyRootFilesystem" | "allowPrivilegeEscalation")[];
}

/** Each trigger kind's resolved source, keyed by `TRIGGER_KINDS` (one entry per kind). */
export interface TriggerSourceByKind {
  readonly http: { readonly type: "http"; readonly path: string; readonly methods: readonly string[]; readonly host: string | null };
  readonly schedule: { readonly type: "schedule"; readonly cron: string; readonly timezone: string; readonly data: unknown };
  readonly queue: {
    readonly type: "queue";
    readonly broker: QueueBroker;
    readonly connection: { readonly url: string } | { readonly secret: string; readonly key: string };
    readonly name: string;
    readonly consumerGroup: string;
    readonly batchSize: number;
  };
}

/**
 * Where a trigger's events come from: one member per `TRIGGER_KINDS` entry. A kind without an entry
 * in `TriggerSourceByKind` still appears (as `{ type }`), so every exhaustive switch over
 * `source.type` fails to compile until it handles the new kind.
 */
export type TriggerSource = {
  [K in TriggerKind]: K extends keyof TriggerSourceByKind ? TriggerSourceByKind[K] : { readonly type: K };
}[TriggerKind];

/** Where an event goes after its last failed attempt, resolved. */
export type DeadLetterData = { readonly type: "function"; readonly target: string } | { readonly type: "queue"; readonly name: string };

/** A trigger's delivery policy, resolved (schedule and queue triggers; null for http). */
export interface DeliveryData {
  /** Attempts after the first. */
  readonly retries: number;
  readonly backoff: { readonly policy: BackoffPolicy; readonly delayMs: number };
  readonly deadLetter: DeadLetterData | null;
  /** Time allowed per attempt, seconds. */
  readonly timeoutSeconds: number;
}

/** An EventTrigger, resolved. */
export interface TriggerNode extends NodeBase {
  readonly kind: "trigger";
  /** Id of the function the events go to. */
  readonly target: string;
  readonly source: TriggerSource;
  /** How its events are delivered; null for http triggers (a request is answered, never retried). */
  readonly delivery: DeliveryData | null;
}

/** The metric kinds a policy scales on (the members of `METRIC_TYPES`). */
export type { MetricType } from "../vocabulary.js";

/** A ScalingPolicy, resolved. Every function has exactly one (implicit when the program declares none). */
export interface ScalingPolicyNode extends NodeBase {
  readonly kind: "scalingPolicy";
  /** Id of the function this policy scales. */
  readonly target: string;
  /** True when synth added it with the defaults because the function had no policy. */
  readonly implicit: boolean;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly initialInstances: number;
  readonly metric: { readonly type: MetricType; readonly target: number };
  readonly targetUtilizationPercent: number;
  /** Seconds idle before going to zero; null when minInstances > 0 (it never goes to zero). */
  readonly idleTimeoutSeconds: number | null;
  readonly scaleDownDelaySeconds: number;
  readonly stableWindowSeconds: number;
  readonly burst: { readonly panicWindowPercent: number; readonly panicThresholdPercent: number };
  readonly schedule: readonly { readonly start: string; readonly end: string; readonly timezone: string; readonly minInstances: number }[];
  /** Requests arriving while no instance is ready: held (up to maxRequests, for maxWaitSeconds) or refused; null = the engine's default. */
  readonly coldStart: ColdStartData | null;
}

/** A cold-start policy, resolved. */
export type ColdStartData = { readonly mode: "buffer"; readonly maxRequests: number; readonly maxWaitSeconds: number } | { readonly mode: "reject" };

/** Any node of the graph. Backends handle every kind (see `NodeHandlers`). */
export type GraphNode = FunctionNode | TriggerNode | ScalingPolicyNode;
/** The node kinds. */
export type NodeKind = GraphNode["kind"];

/** A directed edge; `from` depends on `to`. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** invokes: trigger -> function; deadLetters: trigger -> its dead-letter function; scales: policy -> function; dependsOn: an explicit `node.addDependency`. */
  readonly kind: "invokes" | "deadLetters" | "scales" | "dependsOn";
}

/** The output of synth: plain, versioned, JSON-serialisable and deterministic. */
export interface DeploymentGraph {
  readonly apiVersion: typeof GRAPH_API_VERSION;
  readonly kind: "DeploymentGraph";
  readonly app: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  /** Topologically sorted: every node comes after the nodes it depends on; ties by kind, then id. */
  readonly nodes: readonly GraphNode[];
  /** Sorted by from, to, kind. */
  readonly edges: readonly GraphEdge[];
  /** Warnings found by validation and checks (errors stop synth instead). */
  readonly warnings: readonly Diagnostic[];
  /** Suppressions declared with `suppress(construct, code, reason)`; backends apply them too. */
  readonly suppressions: readonly Suppression[];
  /** Diagnostics silenced by a suppression, with its reason. */
  readonly suppressed: readonly SuppressedDiagnostic[];
}

import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { IConstruct } from "constructs";
import { App } from "./app.js";
import { EventTrigger } from "./event-trigger.js";
import { checkGraph, dependencyEdges } from "./graph/check.js";
import { runPolicyChecks } from "./policy/checks.js";
import { applySuppressions, collectSuppressions, isSuppressible, SuppressionIndex } from "./policy/suppress.js";
import { assertValidGraph } from "./graph/schema.js";
import { sortGraph } from "./graph/sort.js";
import { type DeploymentGraph, type FunctionNode, GRAPH_API_VERSION, type GraphEdge, type GraphNode, type ScalingPolicyNode, type TriggerNode } from "./graph/types.js";
import { deriveName } from "./names.js";
import { checkLabels, isPortableRelativePath } from "./resolve/common.js";
import { resolveFunction } from "./resolve/function.js";
import { resolvePolicy } from "./resolve/scaling-policy.js";
import { resolveTrigger } from "./resolve/trigger.js";
import { ScalingPolicy } from "./scaling-policy.js";
import { ServerlessFunction } from "./serverless-function.js";
import { Checker } from "./validation/checker.js";
import { checkDurations } from "./validation/durations.js";
import { Diagnostics, ValidationError } from "./validation/diagnostic.js";
import { createShapeChecker, type ShapeChecker } from "./validation/shape.js";

/** Longest app name: it prefixes derived names and Kubernetes label values. */
export const MAX_APP_NAME = 30;
const APP_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Options of {@link synth}. */
export interface SynthOptions {
  /** Reuse compiled shape validators across many synths. @default compiled once per process */
  readonly shapeChecker?: ShapeChecker;
  /**
   * The folder relative paths in the app are resolved against (the program's folder; the CLI passes
   * it). When set, synth checks that each `code.path` folder and its handler file exist
   * (ZS-FN-CODE-MISSING), reading the file system but writing nothing. When absent, synth does no
   * I/O and skips that check: an in-memory App has no folder of its own.
   * @default undefined (no file-system checks)
   */
  readonly baseDir?: string;
  /**
   * Check the produced graph against `graph/graph.schema.json` before returning it. A failure there
   * is a zeroscale bug, never a user error, so this guard is for zeroscale's own tests: vitest.config.ts
   * sets ZEROSCALE_SELF_CHECK=1, and the CLI leaves it off (it costs a full walk of the graph).
   * @default true when the environment variable ZEROSCALE_SELF_CHECK is "1", else false
   */
  readonly selfCheck?: boolean;
}

/** The default of {@link SynthOptions.selfCheck}: the environment variable ZEROSCALE_SELF_CHECK is "1". */
export function selfCheckDefault(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env["ZEROSCALE_SELF_CHECK"] === "1";
}

let defaultShapeChecker: ShapeChecker | undefined;

/**
 * Turn an App's construct tree into its deployment graph: validate every construct (collecting all
 * problems), resolve props and defaults, build nodes and edges, check the graph and sort it (with
 * `selfCheck`, also validate the result against the graph's JSON Schema).
 *
 * @throws ValidationError listing every problem, each with construct path, prop, value and fix.
 */
export function synth(app: App, options: SynthOptions = {}): DeploymentGraph {
  if (!App.isApp(app)) throw new TypeError("synth(app) needs a zeroscale App (new App({ name }))");
  const shapes = options.shapeChecker ?? (defaultShapeChecker ??= createShapeChecker());
  const diags = new Diagnostics();
  const appName = checkAppName(diags, app);
  const appLabels = checkLabels(new Checker(diags, app.node.path), "labels", app.props.labels);

  const all = app.node.findAll();
  const functions: ServerlessFunction[] = [];
  const triggers: EventTrigger[] = [];
  const policies: ScalingPolicy[] = [];
  // Each construct's path, computed once (constructs' `node.path` walks the scopes on every read).
  const paths = new Map<IConstruct, string>();
  for (const c of all) {
    const kind = ServerlessFunction.isServerlessFunction(c) ? functions : EventTrigger.isEventTrigger(c) ? triggers : ScalingPolicy.isScalingPolicy(c) ? policies : undefined;
    const messages = c.node.validate();
    if (kind === undefined && messages.length === 0) continue;
    const path = c.node.path;
    paths.set(c, path);
    if (kind !== undefined) {
      (kind as IConstruct[]).push(c);
      checkDurations(diags, path, (c as ServerlessFunction | EventTrigger | ScalingPolicy).props);
    }
    for (const message of messages) {
      diags.error("ZS-CONSTRUCT", path, "(construct)", undefined, message, "fix what the construct's own validation reports");
    }
  }
  const byPath = (a: IConstruct, b: IConstruct) => {
    const pa = paths.get(a) as string;
    const pb = paths.get(b) as string;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  };
  functions.sort(byPath);
  triggers.sort(byPath);
  policies.sort(byPath);
  const pathOf = (c: IConstruct) => paths.get(c) ?? c.node.path;

  const shapeOk = (kind: "function" | "trigger" | "scalingPolicy", c: IConstruct & { props: unknown }) => {
    const found = shapes.check(kind, pathOf(c), c.props);
    for (const d of found) diags.add(d);
    return found.length === 0;
  };

  const fnNodes = new Map<string, FunctionNode>();
  for (const fn of functions) {
    if (!shapeOk("function", fn)) continue;
    const path = pathOf(fn);
    const c = new Checker(diags, path);
    const node = resolveFunction(c, path, deriveName(path), fn.props);
    if (options.baseDir !== undefined) checkCodeExists(c, options.baseDir, node);
    fnNodes.set(path, node);
  }

  const targetOf = (c: Checker, owner: IConstruct, target: unknown): FunctionNode | undefined => {
    if (!ServerlessFunction.isServerlessFunction(target)) {
      c.error("ZS-TARGET", "target", target === undefined ? undefined : describe(target), "is not a ServerlessFunction", "pass the ServerlessFunction the construct applies to");
      return undefined;
    }
    if (target.node.root !== owner.node.root) {
      c.error("ZS-TARGET-OTHER-APP", "target", target.node.path, `is in another App (${target.node.root.node.id})`, "target a function of the same App, or move this construct into that App");
      return undefined;
    }
    return fnNodes.get(pathOf(target)); // undefined when the function itself failed its shape check
  };

  const triggerNodes: TriggerNode[] = [];
  for (const t of triggers) {
    const path = pathOf(t);
    const c = new Checker(diags, path);
    const fn = targetOf(c, t, t.props.target);
    if (!shapeOk("trigger", t) || !fn) continue;
    const dl = t.props.delivery?.deadLetter;
    const deadLetterFn = ServerlessFunction.isServerlessFunction(dl) ? targetOf(c, t, dl)?.id : null;
    triggerNodes.push(resolveTrigger(c, path, deriveName(path), fn, t.props, deadLetterFn));
  }

  const policyNodes = new Map<string, ScalingPolicyNode>();
  for (const p of policies) {
    const path = pathOf(p);
    const c = new Checker(diags, path);
    const fn = targetOf(c, p, p.props.target);
    if (!shapeOk("scalingPolicy", p) || !fn) continue;
    const first = policyNodes.get(fn.id);
    if (first) {
      c.error("ZS-SCALING-DUPLICATE", "target", fn.id, `already has a ScalingPolicy (${first.id})`, "give each function one ScalingPolicy; merge the two");
      continue;
    }
    policyNodes.set(fn.id, resolvePolicy(c, path, deriveName(path), fn, p.props, true));
  }
  for (const fn of fnNodes.values()) {
    if (policyNodes.has(fn.id)) continue;
    const id = `${fn.id}/~default-scaling`;
    policyNodes.set(fn.id, resolvePolicy(new Checker(diags, id), id, deriveName(id), fn, {}, false));
  }

  const nodes: GraphNode[] = [...fnNodes.values(), ...policyNodes.values(), ...triggerNodes];
  const edges: GraphEdge[] = [];
  for (const t of triggerNodes) edges.push({ from: t.id, to: t.target, kind: "invokes" });
  for (const t of triggerNodes) if (t.delivery?.deadLetter?.type === "function") edges.push({ from: t.id, to: t.delivery.deadLetter.target, kind: "deadLetters" });
  for (const p of policyNodes.values()) edges.push({ from: p.id, to: p.target, kind: "scales" });
  const graphIds = new Set(nodes.map((n) => n.id));
  for (const e of dependencyEdges(all, graphIds)) edges.push(e); // no spread: 100k+ edges overflow the stack

  const targeted = new Set(triggers.flatMap((t) => [t.props?.target, t.props?.delivery?.deadLetter]).filter((f) => ServerlessFunction.isServerlessFunction(f)).map((f) => pathOf(f)));
  checkGraph(diags, nodes, edges, targeted);
  runPolicyChecks(diags, nodes, app.props.policy);

  const suppressions = collectSuppressions(all);
  const suppressionIndex = new SuppressionIndex(suppressions); // one map lookup per ancestor, not a scan per diagnostic
  for (const s of suppressions) {
    if (s.reason.trim().length === 0) diags.error("ZS-SUPPRESS-REASON", s.path, "(suppression)", s.code, "has no reason", "say why the check does not apply; the reason appears in the output");
  }
  for (const d of diags.list("error")) {
    if (!isSuppressible(d) && suppressionIndex.find(d) !== undefined) {
      diags.error("ZS-SUPPRESS-NOT-ALLOWED", d.path, "(suppression)", d.code, "suppresses a validation error, which cannot be suppressed", "fix the error instead (only warnings and ZS-POLICY-* checks can be suppressed)");
    }
  }
  const errors = applySuppressions(diags.list("error"), suppressionIndex);
  const warnings = applySuppressions(diags.list("warning"), suppressionIndex);
  if (errors.kept.length > 0) throw new ValidationError(errors.kept, warnings.kept);

  const sorted = sortGraph(nodes, edges);
  const graph: DeploymentGraph = {
    apiVersion: GRAPH_API_VERSION,
    kind: "DeploymentGraph",
    app: { name: appName, labels: appLabels },
    nodes: sorted.nodes,
    edges: sorted.edges,
    warnings: warnings.kept,
    suppressions,
    suppressed: [...errors.suppressed, ...warnings.suppressed],
  };
  if (options.selfCheck ?? selfCheckDefault()) assertValidGraph(graph);
  return graph;
}

/** ZS-FN-CODE-MISSING: a code function's folder and handler file exist under `baseDir`. */
function checkCodeExists(c: Checker, baseDir: string, fn: FunctionNode): void {
  if (fn.source.type !== "code" || !isPortableRelativePath(fn.source.path) || !/\.(?:js|mjs|cjs)$/.test(fn.source.file)) return; // already reported
  const dir = resolve(baseDir, fn.source.path);
  const kind = (p: string) => {
    try {
      const st = statSync(p);
      return st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
    } catch {
      return "none";
    }
  };
  if (kind(dir) !== "dir") {
    c.error("ZS-FN-CODE-MISSING", "code.path", fn.source.path, "is not a folder in the app's base directory", "create it, or set code.path relative to the program's folder (where the app file is)");
    return;
  }
  if (kind(join(dir, fn.source.file)) !== "file") {
    const handler = fn.source.export === "default" ? fn.source.file : `${fn.source.file}#${fn.source.export}`;
    c.error("ZS-FN-CODE-MISSING", "code.handler", handler, `names ${fn.source.file}, which is not a file in ${fn.source.path}`, "build the handler first, or name a .js, .mjs or .cjs file inside code.path");
  }
}

function checkAppName(diags: Diagnostics, app: App): string {
  const name = app.props?.name;
  if (typeof name !== "string" || name.length > MAX_APP_NAME || !APP_NAME.test(name)) {
    diags.error("ZS-APP-NAME", typeof name === "string" && name ? name : "(app)", "name", name, `is not a DNS-1035 label of at most ${MAX_APP_NAME} characters`, 'use lowercase letters, digits and "-", starting with a letter, e.g. "shop"');
  }
  return typeof name === "string" ? name : "";
}

function describe(x: unknown): string {
  if (typeof x === "object" && x !== null && "node" in x) return `${(x as IConstruct).node.path} (${x.constructor.name})`;
  return typeof x;
}


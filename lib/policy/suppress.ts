import type { IConstruct } from "constructs";
import type { Diagnostic, DiagnosticCode } from "../validation/diagnostic.js";

const METADATA = "zeroscale:suppress";

/** A declared suppression: `code` is not reported for `path` and everything under it. */
export interface Suppression {
  readonly path: string;
  readonly code: DiagnosticCode;
  readonly reason: string;
}

/** A diagnostic that a suppression silenced, with the reason (it stays visible in the output). */
export interface SuppressedDiagnostic extends Diagnostic {
  readonly reason: string;
}

/**
 * Silence one check on a construct and everything under it, with a reason that appears in synth's
 * output (like cdk-nag suppressions). Only warnings and ZS-POLICY-* checks can be suppressed.
 */
export function suppress(construct: IConstruct, code: DiagnosticCode, reason: string): void {
  construct.node.addMetadata(METADATA, { code, reason });
}

/** Every suppression declared in the tree. */
export function collectSuppressions(all: readonly IConstruct[]): Suppression[] {
  const out: Suppression[] = [];
  for (const c of all) {
    for (const m of c.node.metadata) {
      if (m.type !== METADATA) continue;
      const { code, reason } = m.data as { code: DiagnosticCode; reason: string };
      out.push({ path: c.node.path, code, reason });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.code < b.code ? -1 : 1));
}

/** True when `d` may be suppressed (validation errors must be fixed instead). */
export function isSuppressible(d: Pick<Diagnostic, "severity" | "code">): boolean {
  return d.severity === "warning" || d.code.startsWith("ZS-POLICY-");
}

/**
 * The suppressions by code and path, for lookups in time linear in a path's depth (not in the number
 * of suppressions): {@link SuppressionIndex.find} returns exactly what `suppressions.find(...)` would,
 * the first suppression in list order of `code` on `path` or one of its ancestors.
 */
export class SuppressionIndex {
  private readonly byCode = new Map<string, Map<string, { readonly s: Suppression; readonly at: number }>>();

  constructor(suppressions: readonly Suppression[]) {
    suppressions.forEach((s, at) => {
      let byPath = this.byCode.get(s.code);
      if (!byPath) this.byCode.set(s.code, (byPath = new Map()));
      if (!byPath.has(s.path)) byPath.set(s.path, { s, at }); // the first in list order
    });
  }

  /** The first suppression (in list order) of `d.code` on `d.path` or one of its ancestors, if any. */
  find(d: Pick<Diagnostic, "code" | "path">): Suppression | undefined {
    const byPath = this.byCode.get(d.code);
    if (!byPath) return undefined;
    let best = byPath.get(d.path);
    for (let i = d.path.indexOf("/"); i !== -1; i = d.path.indexOf("/", i + 1)) {
      const e = byPath.get(d.path.slice(0, i));
      if (e && (!best || e.at < best.at)) best = e;
    }
    return best?.s;
  }
}

/** Split diagnostics into those still reported and those a suppression silences (linear: one index lookup per diagnostic). */
export function applySuppressions(diagnostics: readonly Diagnostic[], suppressions: readonly Suppression[] | SuppressionIndex): { kept: Diagnostic[]; suppressed: SuppressedDiagnostic[] } {
  const index = suppressions instanceof SuppressionIndex ? suppressions : new SuppressionIndex(suppressions);
  const kept: Diagnostic[] = [];
  const suppressed: SuppressedDiagnostic[] = [];
  for (const d of diagnostics) {
    const s = isSuppressible(d) ? index.find(d) : undefined;
    if (s) suppressed.push({ ...d, reason: s.reason });
    else kept.push(d);
  }
  return { kept, suppressed };
}

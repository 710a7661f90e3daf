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

/** Split diagnostics into those still reported and those a suppression silences. */
export function applySuppressions(diagnostics: readonly Diagnostic[], suppressions: readonly Suppression[]): { kept: Diagnostic[]; suppressed: SuppressedDiagnostic[] } {
  const kept: Diagnostic[] = [];
  const suppressed: SuppressedDiagnostic[] = [];
  for (const d of diagnostics) {
    const s = isSuppressible(d) ? suppressions.find((x) => x.code === d.code && (d.path === x.path || d.path.startsWith(`${x.path}/`))) : undefined;
    if (s) suppressed.push({ ...d, reason: s.reason });
    else kept.push(d);
  }
  return { kept, suppressed };
}

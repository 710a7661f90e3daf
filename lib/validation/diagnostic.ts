import type { DiagnosticCode } from "../policy/catalog.js";

export type { DiagnosticCode } from "../policy/catalog.js";

/** How bad a finding is: an error stops synth; a warning is reported and kept in the graph. */
export type Severity = "error" | "warning";

/** One finding about one prop of one construct. */
export interface Diagnostic {
  readonly severity: Severity;
  /** Stable id of the rule that found it, e.g. "ZS-SCALING-MIN-MAX": one of lib/policy/catalog.ts's codes. */
  readonly code: DiagnosticCode;
  /** Construct path, e.g. "shop/api/scaling". */
  readonly path: string;
  /** The prop, dotted for nested ones, e.g. "metric.concurrency" or "(construct)" for the construct as a whole. */
  readonly prop: string;
  /** The value received, as JSON-safe data (undefined when the prop was missing). */
  readonly value?: unknown;
  /** What is wrong, e.g. "is below minInstances (5)". */
  readonly problem: string;
  /** How to fix it, e.g. "set maxInstances >= 5 or lower minInstances". */
  readonly fix: string;
}

/** Render a value for a message: strings quoted, the rest as compact JSON (NaN and Infinity as such). */
export function showValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  try {
    const json = JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? `\u0000${v}\u0000` : v));
    if (json === undefined) return String(value);
    const shown = json.replace(/"\\u0000(NaN|-?Infinity)\\u0000"/g, "$1");
    return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
  } catch {
    return String(value);
  }
}

/** `shop/api/scaling: maxInstances (2) is below minInstances (5); set maxInstances >= 5 or lower minInstances.` */
export function formatDiagnostic(d: Diagnostic): string {
  const value = d.value === undefined && d.prop === "(construct)" ? "" : ` (${showValue(d.value)})`;
  return `${d.path}: ${d.prop}${value} ${d.problem}; ${d.fix}.`;
}

/**
 * Thrown by synth when any construct fails validation. It carries every problem found, not just the
 * first, so a user fixes them all in one go.
 */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  /** Every error found, in construct-path order. */
  readonly errors: readonly Diagnostic[];
  /** Warnings found on the way (not the cause of the throw). */
  readonly warnings: readonly Diagnostic[];

  constructor(errors: readonly Diagnostic[], warnings: readonly Diagnostic[] = []) {
    const lines = errors.map((d) => `  - ${formatDiagnostic(d)}`);
    super(`${errors.length} validation error${errors.length === 1 ? "" : "s"}:\n${lines.join("\n")}`);
    this.errors = errors;
    this.warnings = warnings;
  }
}

/** Collects findings while validating; each construct reports into it. */
export class Diagnostics {
  private readonly items: Diagnostic[] = [];

  /** Record an error. */
  error(code: DiagnosticCode, path: string, prop: string, value: unknown, problem: string, fix: string): void {
    this.items.push(withValue({ severity: "error", code, path, prop, problem, fix }, value));
  }

  /** Record a warning. */
  warn(code: DiagnosticCode, path: string, prop: string, value: unknown, problem: string, fix: string): void {
    this.items.push(withValue({ severity: "warning", code, path, prop, problem, fix }, value));
  }

  /** Record a finished diagnostic. */
  add(d: Diagnostic): void {
    this.items.push(d);
  }

  /** Every finding of a severity, ordered by path, then prop, then code (deterministic). */
  list(severity: Severity): Diagnostic[] {
    return this.items.filter((d) => d.severity === severity).sort(compareDiagnostics);
  }
}

function withValue(d: Omit<Diagnostic, "value">, value: unknown): Diagnostic {
  return value === undefined ? d : { ...d, value };
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return cmp(a.path, b.path) || cmp(a.prop, b.prop) || cmp(a.code, b.code) || cmp(a.problem, b.problem);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// How the CLI writes: results on stdout, diagnostics and warnings on stderr, one JSON document with
// --json, colour only on a terminal (NO_COLOR and --no-color turn it off), and a closed stdout pipe
// (`zeroscale graph app.ts | head`) ending the output quietly instead of crashing.
import { styleText } from "node:util";
import type { Diagnostic } from "../lib/validation/diagnostic.js";
import { showValue } from "../lib/validation/diagnostic.js";

/** One finding as the CLI reports it: a prop diagnostic (ZS-* code from the catalog) or a flag one (ZS-CLI-*). */
export interface CliDiagnostic {
  readonly severity: "error" | "warning";
  readonly code: string;
  /** Construct path ("shop/api/scaling"), or the command for a flag ("zeroscale dev"). */
  readonly path: string;
  /** The prop ("maxInstances"), or the flag ("--port"). */
  readonly prop: string;
  readonly value?: unknown;
  readonly problem: string;
  readonly fix: string;
  /** The backend whose compile check found it (validate/synth --backend). */
  readonly backend?: string;
}

/** The stable JSON shape of a diagnostic: every key always present (`value` and `backend` null when none). */
export interface DiagnosticJson {
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly path: string;
  readonly prop: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
  readonly backend: string | null;
}

export function diagnosticJson(d: CliDiagnostic | Diagnostic): DiagnosticJson {
  const backend = "backend" in d && typeof d.backend === "string" ? d.backend : null;
  return { code: d.code, severity: d.severity, path: d.path, prop: d.prop, value: d.value === undefined ? null : d.value, problem: d.problem, fix: d.fix, backend };
}

type Style = Parameters<typeof styleText>[0];

/** Whether to colour a stream: a terminal, no NO_COLOR in the environment, and no --no-color. */
export function wantsColor(stream: NodeJS.WriteStream, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (env["FORCE_COLOR"] !== undefined && env["FORCE_COLOR"] !== "0" && env["FORCE_COLOR"] !== "") return true;
  return stream.isTTY === true && env["TERM"] !== "dumb";
}

/** The CLI's two streams with their colour settings. */
export class Output {
  json = false;
  private outColor: boolean;
  private errColor: boolean;

  constructor(color?: boolean) {
    this.outColor = wantsColor(process.stdout, color);
    this.errColor = wantsColor(process.stderr, color);
  }

  /** Apply --no-color once flags are parsed. */
  setColor(flag: boolean | undefined): void {
    this.outColor = wantsColor(process.stdout, flag);
    this.errColor = wantsColor(process.stderr, flag);
  }

  /** A result line (stdout). */
  out(text: string): void {
    process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Raw result text (stdout), written as is. */
  raw(text: string): void {
    process.stdout.write(text);
  }

  /** A diagnostic or notice line (stderr). */
  err(text: string): void {
    process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** The one JSON document of a --json command (stdout). */
  document(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  }

  style(stream: "out" | "err", format: Style, text: string): string {
    return (stream === "out" ? this.outColor : this.errColor) ? styleText(format, text) : text;
  }

  /** `error ZS-SCALING-MIN-MAX shop/api/scaling: maxInstances (2) is below minInstances (5); set ...` */
  diagnosticLine(d: CliDiagnostic | Diagnostic, stream: "out" | "err" = "err"): string {
    const sev = this.style(stream, d.severity === "error" ? ["red", "bold"] : ["yellow", "bold"], d.severity);
    const code = this.style(stream, "dim", d.code);
    const backend = "backend" in d && typeof d.backend === "string" ? ` [${d.backend}]` : "";
    return `${sev} ${code}${backend} ${this.style(stream, "bold", `${d.path}:`)} ${describe(d)}`;
  }
}

/** `maxInstances (2) is below minInstances (5); set maxInstances >= 5 or lower minInstances.` */
export function describe(d: Pick<CliDiagnostic, "prop" | "value" | "problem" | "fix">): string {
  const value = d.value === undefined && d.prop === "(construct)" ? "" : ` (${showValue(d.value)})`;
  return `${d.prop}${value} ${d.problem}; ${d.fix}.`;
}

/** A plain line for a diagnostic, without colour (tests, JSON-free logs). */
export function plainDiagnosticLine(d: CliDiagnostic | Diagnostic): string {
  const backend = "backend" in d && typeof d.backend === "string" ? ` [${d.backend}]` : "";
  return `${d.severity} ${d.code}${backend} ${d.path}: ${describe(d)}`;
}

let epipeHandled = false;

/**
 * When the reader of stdout goes away (`zeroscale graph app.ts | head`), stop writing to it quietly:
 * further writes are dropped and the command ends with its own exit code instead of an EPIPE crash.
 */
export function quietOnClosedStdout(): void {
  if (epipeHandled) return;
  epipeHandled = true;
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") {
      process.stdout.write = (() => true) as typeof process.stdout.write;
      return;
    }
    throw e;
  });
}

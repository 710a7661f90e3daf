import { Cron } from "croner";
import { type DurationLike, formatDurationMillis, toMillis } from "../duration.js";
import type { DiagnosticCode, Diagnostics } from "./diagnostic.js";

/** Validation helpers bound to one construct path; each records a diagnostic and returns a usable value. */
export class Checker {
  constructor(
    readonly diags: Diagnostics,
    readonly path: string,
  ) {}

  error(code: DiagnosticCode, prop: string, value: unknown, problem: string, fix: string): void {
    this.diags.error(code, this.path, prop, value, problem, fix);
  }

  warn(code: DiagnosticCode, prop: string, value: unknown, problem: string, fix: string): void {
    this.diags.warn(code, this.path, prop, value, problem, fix);
  }

  /** An integer in [min, max], or `fallback` (recording an error) when it is not. */
  int(code: DiagnosticCode, prop: string, value: number | undefined, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.error(code, prop, value, `is outside ${min}..${max}`, `set ${prop} to a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  /** A finite number in [min, max]. */
  num(code: DiagnosticCode, prop: string, value: number | undefined, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value < min || value > max) {
      this.error(code, prop, value, `is outside ${min}..${max}`, `set ${prop} to a number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  /** A duration in whole seconds within [minSeconds, maxSeconds]. */
  seconds(code: DiagnosticCode, prop: string, value: DurationLike | undefined, fallback: number, minSeconds: number, maxSeconds: number): number {
    if (value === undefined) return fallback;
    const shown = typeof value === "string" ? value : value.toString();
    const ms = toMillis(value);
    const range = `${formatDurationMillis(minSeconds * 1000)}..${formatDurationMillis(maxSeconds * 1000)}`;
    if (ms === undefined) {
      this.error(code, prop, shown, "is not a duration", `use a number with a unit (ms, s, m, h), e.g. "30s" or "5m", within ${range}`);
      return fallback;
    }
    if (ms % 1000 !== 0) {
      this.error(code, prop, shown, "is not a whole number of seconds", `round it to whole seconds within ${range}`);
      return fallback;
    }
    if (ms < minSeconds * 1000 || ms > maxSeconds * 1000) {
      this.error(code, prop, shown, `is outside ${range}`, `set ${prop} within ${range}`);
      return fallback;
    }
    return ms / 1000;
  }

  /** A cron expression croner accepts (5 fields, or 6 with seconds when `allowSeconds`) that fires at least once. */
  cron(code: DiagnosticCode, prop: string, expr: string, timezone: string, allowSeconds: boolean): boolean {
    const mode = allowSeconds ? "5-or-6-parts" : "5-part";
    const example = allowSeconds ? '"0 3 * * *" or, with seconds, "*/10 * * * * *"' : '"0 3 * * *"';
    try {
      const job = new Cron(expr, { paused: true, mode, timezone });
      if (job.nextRun() === null) {
        this.error(code, prop, expr, "never fires", `use a date that exists, e.g. ${example}`);
        return false;
      }
      return true;
    } catch (e) {
      const reason = String((e as Error).message).replace(/^CronPattern: /, "");
      this.error(code, prop, expr, `is not a valid cron expression (${reason})`, `use ${allowSeconds ? "5 or 6" : "5"} fields, e.g. ${example}`);
      return false;
    }
  }

  /** An IANA time zone name. */
  timezone(code: DiagnosticCode, prop: string, tz: string): boolean {
    if (isTimeZone(tz)) return true;
    this.error(code, prop, tz, "is not an IANA time zone", 'use a name such as "UTC", "Europe/Berlin" or "America/New_York"');
    return false;
  }
}

/** True for a time zone name the runtime's ICU knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

/** Kubernetes quantity grammar: a decimal number with an optional SI, binary SI or exponent suffix. */
const QUANTITY = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)?$/;
const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/** The value of a Kubernetes quantity ("256Mi" -> 268435456, "250m" -> 0.25), or undefined. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const suffix = m[2] ?? "";
  const factor = suffix.startsWith("e") || suffix.startsWith("E") ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

import { Cron } from "croner";
import { Duration, type DurationLike, formatDurationMillis, toMillis } from "../duration.js";
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
    if (Duration.isDuration(value) && value.problem) return fallback; // reported once by synth as ZS-DURATION
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

  /**
   * A cron expression croner accepts that fires at least once: 5 fields (minute hour day-of-month
   * month day-of-week), or 6 with a leading seconds field when `allowSeconds` (schedule triggers:
   * only the zeroscale gateway runs those; Kubernetes backends take 5 fields and say so).
   */
  cron(code: DiagnosticCode, prop: string, expr: string, timezone: string, allowSeconds: boolean): boolean {
    const fix = allowSeconds
      ? 'use 5 fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *" or "*/10 * * * *"; a leading seconds field works only on the zeroscale gateway (Kubernetes backends take 5 fields)'
      : 'use 5 fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *" or "0 8 * * 1-5"';
    const fields = expr.trim().split(/\s+/).filter((f) => f.length > 0);
    const max = allowSeconds ? 6 : 5;
    if (fields.length < 5 || fields.length > max) {
      const needed = allowSeconds ? "5, or 6 starting with seconds, are needed" : "5 are needed";
      const year = fields.length === 7 ? "; a year field is not supported" : "";
      const seconds = !allowSeconds && fields.length === 6 ? "; a seconds field is not supported here" : "";
      this.error(code, prop, expr, `is not a valid cron expression (it has ${fields.length} field${fields.length === 1 ? "" : "s"}; ${needed}${year}${seconds})`, fix);
      return false;
    }
    try {
      const job = new Cron(expr, { paused: true, mode: allowSeconds ? "5-or-6-parts" : "5-part", timezone });
      if (job.nextRun() === null) {
        this.error(code, prop, expr, "never fires", 'use a date that exists, e.g. "0 3 * * *"');
        return false;
      }
      return true;
    } catch (e) {
      this.error(code, prop, expr, `is not a valid cron expression (${cronProblem(fields, String((e as Error).message))})`, fix);
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

const CRON_FIELDS = [
  { croner: "second", name: "second", range: "0..59" },
  { croner: "minute", name: "minute", range: "0..59" },
  { croner: "hour", name: "hour", range: "0..23" },
  { croner: "day", name: "day of month", range: "1..31" },
  { croner: "month", name: "month", range: "1..12" },
  { croner: "dayOfWeek", name: "day of week", range: "0..7" },
] as const;

/** croner's complaint about `fields`, naming the field by its position as the user wrote it. */
function cronProblem(fields: readonly string[], message: string): string {
  const reason = message.replace(/^CronPattern: /, "").replace(/\.$/, "");
  const names = fields.length === 6 ? CRON_FIELDS : CRON_FIELDS.slice(1);
  const hint = fields.length === 6 ? "; 6-field crons start with seconds" : "";
  const at = (i: number, what: string) => {
    const f = names[i];
    if (!f || fields[i] === undefined) return `${reason}${hint}`;
    const year = f.croner === "dayOfWeek" && /^\d{4}$/.test(fields[i] as string) ? ", and a year field is not supported" : "";
    return `field ${i + 1}, the ${f.name}, is ${JSON.stringify(fields[i])}, ${what}${hint}${year}`;
  };
  const value = /^Invalid value for (\w+): /.exec(reason);
  if (value) {
    const i = names.findIndex((f) => f.croner === value[1]);
    return at(i, `outside ${names[i]?.range ?? "its range"}`);
  }
  const illegal = /^configuration entry (\d+) \(.*\) contains illegal characters$/.exec(reason);
  if (illegal) return at(Number(illegal[1]) - (fields.length === 6 ? 0 : 1), "which is not a number, range, list or step");
  const range = /^From value is larger than to value: '(.*)'$/.exec(reason);
  if (range) return at(fields.findIndex((f) => f.includes(range[1] as string)), "a range that runs backwards");
  return `${reason}${hint}`;
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

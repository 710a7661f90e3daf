/**
 * A span of time, as used by timeouts, idle timeouts and scaling windows.
 *
 * Create one with the factories (`Duration.seconds(30)`, `Duration.minutes(5)`) or parse a
 * string with `Duration.parse("1m30s")`. Props that take a duration accept either form.
 *
 * A factory given a negative, infinite or NaN amount, or `parse` given a string that is not a
 * duration, does not throw: it returns an invalid Duration that remembers what it was given
 * (`problem`), and synth reports it as ZS-DURATION at the construct path and prop that received
 * it, together with every other error. Its `millis` is NaN and `toSeconds()` throws a RangeError
 * (for code that uses a Duration outside synth).
 */
const DURATION_BRAND = Symbol.for("zeroscale.Duration");

/** What an invalid Duration was built from: the factory and the value it received. */
export interface DurationProblem {
  readonly factory: "millis" | "seconds" | "minutes" | "hours" | "parse";
  readonly input: unknown;
}

const FACTOR: Record<Exclude<DurationProblem["factory"], "parse">, number> = { millis: 1, seconds: 1000, minutes: 60_000, hours: 3_600_000 };

export class Duration {
  /** True when `x` is a Duration (also across copies of the package, e.g. a program loaded by the CLI). */
  static isDuration(x: unknown): x is Duration {
    return typeof x === "object" && x !== null && DURATION_BRAND in x;
  }

  /** `n` milliseconds. */
  static millis(n: number): Duration {
    return Duration.amount("millis", n);
  }
  /** `n` seconds. */
  static seconds(n: number): Duration {
    return Duration.amount("seconds", n);
  }
  /** `n` minutes. */
  static minutes(n: number): Duration {
    return Duration.amount("minutes", n);
  }
  /** `n` hours. */
  static hours(n: number): Duration {
    return Duration.amount("hours", n);
  }

  /**
   * Parse a Go-style duration string: one or more `<number><unit>` parts with units `ms`, `s`,
   * `m`, `h` (e.g. `"30s"`, `"5m"`, `"1h30m"`, `"1.5s"`, `"250ms"`). A bare `"0"` is zero.
   * A string that is not a duration gives an invalid Duration, reported by synth (ZS-DURATION).
   */
  static parse(text: string): Duration {
    const ms = parseDurationMillis(text);
    return ms === undefined ? new Duration(Number.NaN, { factory: "parse", input: text }) : new Duration(ms);
  }

  private static amount(factory: Exclude<DurationProblem["factory"], "parse">, n: number): Duration {
    const ms = typeof n === "number" ? n * FACTOR[factory] : Number.NaN;
    return Number.isFinite(ms) && ms >= 0 ? new Duration(ms) : new Duration(Number.NaN, { factory, input: n });
  }

  /** Whole milliseconds (NaN for an invalid Duration). */
  readonly millis: number;
  /** Set (not enumerable) when the factory received something that is not a duration; synth reports it (ZS-DURATION). */
  declare readonly problem?: DurationProblem;

  private constructor(millis: number, problem?: DurationProblem) {
    this.millis = problem ? Number.NaN : Math.round(millis);
    if (problem) Object.defineProperty(this, "problem", { value: problem });
    Object.defineProperty(this, DURATION_BRAND, { value: true });
  }

  /** False when the factory received something that is not a duration. */
  isValid(): boolean {
    return this.problem === undefined;
  }

  /** Total seconds, possibly fractional. @throws RangeError for an invalid Duration (see {@link Duration.problem}). */
  toSeconds(): number {
    if (this.problem) throw new RangeError(`${this.toString()} is not a duration: ${describeDurationProblem(this.problem).problem}`);
    return this.millis / 1000;
  }

  /** The canonical Go-style string, e.g. `"1h30m"`, `"45s"`, `"1.5s"`, `"0s"`; for an invalid one, the call that made it. */
  toString(): string {
    if (this.problem) return `Duration.${this.problem.factory}(${showInput(this.problem.input)})`;
    return formatDurationMillis(this.millis);
  }

  /** JSON form: the canonical string. */
  toJSON(): string {
    return this.toString();
  }
}

function showInput(x: unknown): string {
  return typeof x === "string" ? JSON.stringify(x) : String(x);
}

/** The words of a ZS-DURATION diagnostic for an invalid Duration. */
export function describeDurationProblem(p: DurationProblem): { problem: string; fix: string } {
  if (p.factory === "parse") {
    return { problem: "was passed to Duration.parse() and is not a duration", fix: 'use a number with a unit (ms, s, m, h), e.g. "30s", "5m", "1h30m" or "250ms"' };
  }
  return { problem: `was passed to Duration.${p.factory}(), which needs a finite number >= 0`, fix: `pass a non-negative amount, e.g. Duration.${p.factory}(${p.factory === "millis" ? 500 : p.factory === "hours" ? 1 : 30})` };
}

/** Either a Duration or a duration string such as "30s". */
export type DurationLike = Duration | string;

const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go-style duration string, or undefined when it is not one. */
export function parseDurationMillis(text: string): number | undefined {
  if (typeof text !== "string") return undefined;
  const s = text.trim();
  if (s === "0") return 0;
  if (s.length === 0) return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    pos = PART.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** Canonical string for a millisecond count: largest units first, fractional seconds only below 1s parts. */
export function formatDurationMillis(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  let out = "";
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s && milli) out += `${s}.${String(milli).padStart(3, "0").replace(/0+$/, "")}s`;
  else if (s) out += `${s}s`;
  else if (milli) out += `${milli}ms`;
  return out;
}

/** Milliseconds of a DurationLike, or undefined when a string does not parse. */
export function toMillis(value: DurationLike): number | undefined {
  if (Duration.isDuration(value)) return value.problem ? undefined : value.millis;
  return parseDurationMillis(value);
}

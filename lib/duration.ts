/**
 * A span of time, as used by timeouts, idle timeouts and scaling windows.
 *
 * Create one with the factories (`Duration.seconds(30)`, `Duration.minutes(5)`) or parse a
 * string with `Duration.parse("1m30s")`. Props that take a duration accept either form.
 */
const DURATION_BRAND = Symbol.for("zeroscale.Duration");

export class Duration {
  /** True when `x` is a Duration (also across copies of the package, e.g. a program loaded by the CLI). */
  static isDuration(x: unknown): x is Duration {
    return typeof x === "object" && x !== null && DURATION_BRAND in x;
  }

  /** `n` milliseconds. */
  static millis(n: number): Duration {
    return new Duration(n);
  }
  /** `n` seconds. */
  static seconds(n: number): Duration {
    return new Duration(n * 1000);
  }
  /** `n` minutes. */
  static minutes(n: number): Duration {
    return new Duration(n * 60_000);
  }
  /** `n` hours. */
  static hours(n: number): Duration {
    return new Duration(n * 3_600_000);
  }

  /**
   * Parse a Go-style duration string: one or more `<number><unit>` parts with units `ms`, `s`,
   * `m`, `h` (e.g. `"30s"`, `"5m"`, `"1h30m"`, `"1.5s"`, `"250ms"`). A bare `"0"` is zero.
   * @throws RangeError naming the accepted format when the string is not a duration.
   */
  static parse(text: string): Duration {
    const ms = parseDurationMillis(text);
    if (ms === undefined) {
      throw new RangeError(`"${text}" is not a duration; use a number with a unit, e.g. "30s", "5m", "1h30m", "250ms"`);
    }
    return new Duration(ms);
  }

  /** Whole milliseconds. */
  readonly millis: number;

  private constructor(millis: number) {
    if (!Number.isFinite(millis) || millis < 0) {
      throw new RangeError(`a duration must be a finite, non-negative amount of time (got ${millis} ms)`);
    }
    this.millis = Math.round(millis);
    Object.defineProperty(this, DURATION_BRAND, { value: true });
  }

  /** Total seconds, possibly fractional. */
  toSeconds(): number {
    return this.millis / 1000;
  }

  /** The canonical Go-style string, e.g. `"1h30m"`, `"45s"`, `"1.5s"`, `"0s"`. */
  toString(): string {
    return formatDurationMillis(this.millis);
  }

  /** JSON form: the canonical string. */
  toJSON(): string {
    return this.toString();
  }
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
  return Duration.isDuration(value) ? value.millis : parseDurationMillis(value);
}

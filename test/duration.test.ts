import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Duration } from "zeroscale";
import { formatDurationMillis, parseDurationMillis } from "../lib/duration.js";

describe("Duration", () => {
  it("builds from factories", () => {
    expect(Duration.seconds(30).millis).toBe(30_000);
    expect(Duration.minutes(5).toSeconds()).toBe(300);
    expect(Duration.hours(1).toString()).toBe("1h");
    expect(Duration.millis(1500).toString()).toBe("1.5s");
  });

  it("parses Go-style strings", () => {
    expect(Duration.parse("30s").millis).toBe(30_000);
    expect(Duration.parse("1h30m").millis).toBe(5_400_000);
    expect(Duration.parse("250ms").millis).toBe(250);
    expect(Duration.parse("1.5s").millis).toBe(1500);
    expect(Duration.parse("0").millis).toBe(0);
  });

  it("marks what is not a duration invalid instead of throwing (synth reports it as ZS-DURATION)", () => {
    for (const bad of ["", "30", "5 m", "m5", "-1s", "1d", "1s2"]) {
      const d = Duration.parse(bad);
      expect(d.isValid(), bad).toBe(false);
      expect(d.problem, bad).toEqual({ factory: "parse", input: bad });
      expect(d.toString()).toBe(`Duration.parse(${JSON.stringify(bad)})`);
      expect(() => d.toSeconds(), bad).toThrow(/is not a duration: was passed to Duration.parse\(\)/);
    }
    for (const [d, shown] of [[Duration.seconds(-1), "Duration.seconds(-1)"], [Duration.minutes(Number.NaN), "Duration.minutes(NaN)"], [Duration.hours(Infinity), "Duration.hours(Infinity)"]] as const) {
      expect(d.isValid()).toBe(false);
      expect(String(d)).toBe(shown);
      expect(JSON.stringify({ d })).toBe(`{"d":${JSON.stringify(shown)}}`);
      expect(Number.isNaN(d.millis)).toBe(true);
    }
    expect(Duration.seconds(0).isValid()).toBe(true);
    expect(Object.keys(Duration.seconds(1))).toEqual(["millis"]);
  });

  it("serializes to its canonical string", () => {
    expect(JSON.stringify({ t: Duration.minutes(90) })).toBe('{"t":"1h30m"}');
    expect(Duration.isDuration(Duration.seconds(1))).toBe(true);
    expect(Duration.isDuration("1s")).toBe(false);
  });

  it("format then parse is the identity on whole milliseconds (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 * 3_600_000 }), (ms) => {
        expect(parseDurationMillis(formatDurationMillis(ms))).toBe(ms);
      }),
    );
  });

  it("a sum of parts parses to the sum (property)", () => {
    const part = fc.record({ n: fc.integer({ min: 0, max: 999 }), unit: fc.constantFrom("h", "m", "s", "ms") });
    const factor = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.map((p) => `${p.n}${p.unit}`).join("");
        const expected = parts.reduce((sum, p) => sum + p.n * factor[p.unit], 0);
        expect(parseDurationMillis(text)).toBe(expected);
      }),
    );
  });
});

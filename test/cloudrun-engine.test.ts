// The Cloud Run engine model (lib/engines/cloudrun): effective values, its diagnostics, and its scaler
// replayed over a trace, against Cloud Run's documented behaviour (defaults.ts: 60% of max concurrency,
// one-minute window, idle instances kept up to 15 minutes).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { measureEngine } from "../lib/engines/capabilities.js";
import { CLOUDRUN_DEFAULTS } from "../lib/engines/cloudrun/defaults.js";
import { cloudRunEngine } from "../lib/engines/cloudrun/model.js";
import { declaredScaling } from "../lib/engines/declared.js";
import { engineInput, lastActivity, replayEngine, type Trace } from "../lib/engines/index.js";

function input(concurrency: number, policy: Record<string, unknown>) {
  const app = new App({ name: "cr" });
  const fn = new ServerlessFunction(app, "api", { image: "europe-west1-docker.pkg.dev/p/r/api:1", cpu: "1", concurrency });
  fn.addTrigger("http", { http: { path: "/api" } });
  fn.addScalingPolicy(policy);
  return engineInput(synth(app), "cr/api");
}

describe("cloudrun engine: effective values", () => {
  it("honours min and max, aims at 60% of the function's concurrency, and goes to zero 900 s after the last request", () => {
    const { effective: e, diagnostics } = cloudRunEngine.effective(input(10, { maxInstances: 20, metric: { concurrency: 10 }, targetUtilizationPercent: 60, idleTimeout: "15m" }));
    expect(diagnostics).toEqual([]);
    expect([e.minInstances, e.maxInstances, e.metric, e.timeToZeroSeconds, e.stableWindowSeconds, e.panicWindowSeconds]).toEqual([0, 20, { type: "concurrency", target: 6, capacity: 10 }, 900, 60, null]);
  });

  it("states every knob it cannot honour, with the effective value", () => {
    const { effective: e, diagnostics } = cloudRunEngine.effective(input(50, { minInstances: 0, maxInstances: 5, metric: { rps: 20 }, idleTimeout: "40s", stableWindow: "10s", scaleDownDelay: "30s", initialInstances: 3 }));
    expect(diagnostics.map((d) => [d.code, d.prop]).sort()).toEqual([
      ["ZS-CLOUDRUN-DOWN-DELAY", "scaleDownDelay"],
      ["ZS-CLOUDRUN-IDLE", "idleTimeout"],
      ["ZS-CLOUDRUN-INITIAL", "initialInstances"],
      ["ZS-CLOUDRUN-METRIC", "metric.rps"],
      ["ZS-CLOUDRUN-WINDOW", "stableWindow"],
    ]);
    expect([e.metric, e.initialInstances, e.timeToZeroSeconds, e.scaleDownDelaySeconds, e.stableWindowSeconds]).toEqual([{ type: "concurrency", target: 30, capacity: 50 }, 1, 900, 0, 60]);
  });

  it("refuses schedule baselines", () => {
    const { diagnostics } = cloudRunEngine.effective(input(10, { schedule: [{ start: "0 8 * * *", end: "0 18 * * *", minInstances: 2 }] }));
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual(["ZS-CLOUDRUN-SCHEDULE-BASELINE"]);
  });

  it("measured capability cells: min/max honoured, the rest approximate, baselines refused, never silent", () => {
    const cells = measureEngine("cloudrun");
    const support = Object.fromEntries(cells.map((c) => [`${c.knob}/${c.context}`, c.support]));
    expect(support["minInstances/http"]).toBe("honoured");
    expect(support["maxInstances/http"]).toBe("honoured");
    for (const k of ["metric.cpu/http", "idleTimeout/http", "stableWindow/http", "scaleDownDelay/http", "initialInstances/http", "targetUtilizationPercent/http", "metric.rps/http", "burst/http", "coldStart/http"]) expect(support[k], k).toBe("approximate");
    expect(support["schedule/http"]).toBe("unsupported");
    // The cpu probe's 60% is Cloud Run's own; only its time to zero differs (90 s -> 900 s), said by
    // ZS-CLOUDRUN-IDLE at idleTimeout, a prop the metric probes do not name.
    expect(cells.filter((c) => c.silent).map((c) => `${c.knob}/${c.context}`)).toEqual(["metric.cpu/http", "metric.cpu/queue"]);
    expect(cloudRunEngine.effective(input(10, { metric: { cpu: 60 } })).diagnostics.map((d) => d.code)).toEqual(["ZS-CLOUDRUN-IDLE"]);
  });
});

describe("cloudrun engine: replay", () => {
  // 40 in flight for 60 s (200 rps x 0.2 s): target 6 per instance (60% of 10) -> ceil(40 / 6) = 7.
  const trace: Trace = { rate: [{ from: 0, to: 60, rps: 200, duration: 0.2 }] };
  const run = (policy: Record<string, unknown>) => {
    const i = input(10, policy);
    return { points: replayEngine(cloudRunEngine, i, trace), effective: cloudRunEngine.effective(i).effective };
  };

  it("scales to ceil(load / 60% of concurrency), capped at max", () => {
    expect(Math.max(...run({ maxInstances: 20 }).points.map((p) => p.desired))).toBe(7);
    expect(Math.max(...run({ maxInstances: 4 }).points.map((p) => p.desired))).toBe(4);
  });

  it("reaches zero 900 s after the last request, within one decision interval, whatever idleTimeout says", () => {
    const { points, effective } = run({ maxInstances: 20, idleTimeout: "30s" });
    const last = lastActivity(trace);
    const zero = points.find((p) => p.t > last && p.desired === 0)?.t as number;
    expect(zero).toBeGreaterThanOrEqual(last + CLOUDRUN_DEFAULTS.idleRetentionSeconds);
    expect(zero).toBeLessThanOrEqual(last + CLOUDRUN_DEFAULTS.idleRetentionSeconds + effective.decisionIntervalSeconds);
    // Idle, it keeps one instance until then (not zero after the 30 s asked for).
    expect(points.find((p) => p.t === Math.ceil(last) + 120)?.desired).toBe(1);
  });

  it("never goes to zero with minInstances > 0", () => {
    const { points } = run({ minInstances: 2, maxInstances: 20 });
    expect(Math.min(...points.map((p) => p.desired))).toBe(2);
  });

  it("property: within [min, max] while retained, and at zero only after the idle retention", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 100 }), (min, extra, concurrency, rps) => {
        const max = min + extra;
        const i = input(concurrency, { minInstances: min, maxInstances: max, metric: { concurrency } });
        const t: Trace = { rate: [{ from: 0, to: 30, rps, duration: 0.5 }] };
        const points = replayEngine(cloudRunEngine, i, t);
        const last = 30 - 1 / rps + 0.5; // the last request's end (lastActivity rounds up to the segment's end)
        for (const p of points) {
          expect(p.desired).toBeLessThanOrEqual(max);
          if (p.desired === 0) {
            expect(min).toBe(0);
            expect(p.t).toBeGreaterThanOrEqual(last + CLOUDRUN_DEFAULTS.idleRetentionSeconds);
          } else if (p.t > 2) expect(p.desired).toBeGreaterThanOrEqual(Math.max(min, 1));
        }
        if (min === 0) expect(points.at(-1)?.desired).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});

// Whatever the model changes, it says so: test/conformance/knobs.test.ts's property, for this engine alone.
describe("cloudrun engine: never changes a declared value silently (property)", () => {
  const FIELDS: [string, (e: ReturnType<typeof cloudRunEngine.effective>["effective"]) => unknown, readonly string[]][] = [
    ["minInstances", (e) => e.minInstances, ["minInstances"]],
    ["maxInstances", (e) => e.maxInstances, ["maxInstances"]],
    ["initialInstances", (e) => e.initialInstances, ["initialInstances"]],
    ["metric", (e) => e.metric, ["metric."]],
    ["timeToZero", (e) => e.timeToZeroSeconds, ["idleTimeout", "minInstances", "metric."]],
    ["scaleDownDelay", (e) => e.scaleDownDelaySeconds, ["scaleDownDelay"]],
    ["stableWindow", (e) => e.stableWindowSeconds, ["stableWindow"]],
    ["panic", (e) => [e.panicWindowSeconds, e.panicThreshold], ["burst", "stableWindow", "metric."]],
    ["coldStart", (e) => e.coldStart, ["coldStart"]],
  ];
  it("for random policies (tuned burst, as a user sets it)", () => {
    fc.assert(
      fc.property(
        fc.record({
          min: fc.integer({ min: 0, max: 5 }), extra: fc.integer({ min: 0, max: 20 }), initial: fc.integer({ min: 0, max: 25 }),
          metric: fc.oneof(...(["concurrency", "rps", "cpu", "memory"] as const).map((type) => fc.record({ type: fc.constant(type), target: fc.integer({ min: 1, max: 50 }) }))),
          util: fc.integer({ min: 1, max: 100 }), idle: fc.integer({ min: 1, max: 3600 }), delay: fc.integer({ min: 0, max: 600 }), window: fc.integer({ min: 6, max: 600 }),
          panic: fc.integer({ min: 11, max: 100 }), concurrency: fc.integer({ min: 1, max: 100 }),
          cold: fc.oneof(fc.constant(undefined), fc.constant({ reject: true as const }), fc.record({ buffer: fc.record({ maxRequests: fc.integer({ min: 1, max: 1000 }), maxWait: fc.integer({ min: 1, max: 600 }).map((n) => `${n}s`) }) })),
        }),
        (r) => {
          const max = r.min + r.extra + 1;
          const metric = r.metric.type === "concurrency" ? { concurrency: Math.min(r.metric.target, r.concurrency) } : { [r.metric.type]: r.metric.target };
          const i = input(r.concurrency, {
            minInstances: r.min, maxInstances: max, initialInstances: Math.min(r.initial, max), metric, targetUtilizationPercent: r.util,
            ...(r.min === 0 ? { idleTimeout: `${r.idle}s` } : {}), scaleDownDelay: `${r.delay}s`, stableWindow: `${r.window}s`, burst: { panicWindowPercent: r.panic },
            ...(r.cold ? { coldStart: r.cold } : {}),
          });
          const { effective, diagnostics } = cloudRunEngine.effective(i);
          const declared = declaredScaling("cloudrun", i, { coldStart: effective.coldStart, decisionIntervalSeconds: effective.decisionIntervalSeconds });
          for (const [field, get, props] of FIELDS) {
            if (JSON.stringify(get(effective)) === JSON.stringify(get(declared))) continue;
            if (field === "coldStart" && i.policy.coldStart === null) continue;
            const said = diagnostics.some((d) => props.some((p) => (p.endsWith(".") ? d.prop.startsWith(p) : d.prop === p || d.prop.startsWith(`${p}.`))));
            expect(said, `${field}: ${JSON.stringify(get(declared))} -> ${JSON.stringify(get(effective))}`).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

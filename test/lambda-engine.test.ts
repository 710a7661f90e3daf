// The Lambda engine model: replayed traces (time to zero, max, one environment per request) and
// properties of the scaler and the cron converter (lib/engines/lambda/).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { engineInput, replayEngine } from "../lib/engines/index.js";
import { daysOfWeek, toAwsCron } from "../lib/engines/lambda/cron.js";
import { LAMBDA_DEFAULTS } from "../lib/engines/lambda/defaults.js";
import { lambdaEngine } from "../lib/engines/lambda/model.js";

function input(policy: Record<string, unknown>, props: Record<string, unknown> = {}) {
  const app = new App({ name: "l" });
  const fn = new ServerlessFunction(app, "api", { image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/l/api:1", ...props });
  fn.addTrigger("http", { http: { path: "/api" } });
  fn.addScalingPolicy(policy);
  return engineInput(synth(app), "l/api");
}

describe("lambda engine model", () => {
  it("runs one request per environment, up to reserved concurrency, and says what it does not honour", () => {
    const { effective: e, diagnostics } = lambdaEngine.effective(input({ maxInstances: 8, metric: { concurrency: 40 }, idleTimeout: "90s" }));
    expect(e.metric).toEqual({ type: "concurrency", target: 1, capacity: 1 });
    expect([e.minInstances, e.maxInstances, e.initialInstances, e.timeToZeroSeconds, e.scaleDownDelaySeconds, e.panicWindowSeconds]).toEqual([0, 8, 0, LAMBDA_DEFAULTS.environmentReclaimSeconds, 0, null]);
    expect(e.coldStart).toEqual({ mode: "buffer", maxRequests: 8, maxWaitSeconds: 10 });
    expect(diagnostics.map((d) => d.code).sort()).toEqual(["ZS-LAMBDA-IDLE", "ZS-LAMBDA-INITIAL", "ZS-LAMBDA-METRIC"]);
    expect(diagnostics.every((d) => d.severity === "warning")).toBe(true);
  });

  it("honours minInstances as provisioned concurrency (never to zero) and baselines", () => {
    const { effective: e, diagnostics } = lambdaEngine.effective(input({ minInstances: 2, maxInstances: 4, metric: { concurrency: 1 }, targetUtilizationPercent: 100, schedule: [{ start: "0 8 * * 1-5", end: "0 18 * * 1-5", minInstances: 3 }] }));
    expect([e.minInstances, e.initialInstances, e.timeToZeroSeconds, e.baselines.length]).toEqual([2, 2, null, 1]);
    expect(diagnostics).toEqual([]);
  });

  it("refuses a baseline cron AWS cannot express", () => {
    const { diagnostics } = lambdaEngine.effective(input({ minInstances: 1, schedule: [{ start: "0 8 1 * 1", end: "0 18 * * *", minInstances: 3 }] }));
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.prop])).toEqual([["ZS-LAMBDA-CRON", "schedule[0].start"]]);
  });

  it("replay: one environment per concurrent request, capped at maxInstances; zero the modelled reclaim time after the last request", () => {
    const inp = input({ maxInstances: 8, idleTimeout: "90s" });
    // 20 requests at once for 5 s (each 5 s long): 8 environments (reserved concurrency), the rest throttled.
    const trace = { requests: Array.from({ length: 20 }, () => ({ at: 1, duration: 5 })) };
    const r = replayEngine(lambdaEngine, inp, trace, { until: 1000 });
    const peak = Math.max(...r.map((p) => p.desired));
    expect(peak).toBe(8);
    const last = 6;
    const zero = r.find((p) => p.t > last && p.desired === 0)?.t as number;
    const ttz = lambdaEngine.effective(inp).effective.timeToZeroSeconds as number;
    expect(zero).toBeGreaterThanOrEqual(last + ttz - LAMBDA_DEFAULTS.decisionIntervalSeconds);
    expect(zero).toBeLessThanOrEqual(last + ttz + 2 * LAMBDA_DEFAULTS.decisionIntervalSeconds);
  });

  it("property: the scaler never leaves [min, max] and follows in-flight requests within one decision", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 30 }), fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 30 }), (min, extra, loads) => {
        const inp = input({ minInstances: min, maxInstances: min + extra });
        const e = lambdaEngine.effective(inp).effective;
        const s = lambdaEngine.scaler(inp);
        loads.forEach((inflight, i) => {
          const sample = { now: i + 1, concurrency: inflight, arrivals: inflight, inflight, backlog: 0, cpuPercent: null, memoryPercent: null, lastRequestEndedAt: null, wallClockMs: Date.UTC(2026, 0, 1, 3) + i * 1000 };
          const d = s.observe(sample, 0, 0);
          expect(d).not.toBeNull();
          const desired = (d as { desired: number }).desired;
          expect(desired).toBeGreaterThanOrEqual(e.minInstances);
          expect(desired).toBeLessThanOrEqual(e.maxInstances);
          expect(desired).toBeGreaterThanOrEqual(Math.min(e.maxInstances, inflight));
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe("5-field cron -> AWS cron(...) (EventBridge Scheduler, Application Auto Scaling)", () => {
  it("converts the usual forms", () => {
    expect(toAwsCron("0 3 * * *")).toEqual({ ok: true, expression: "cron(0 3 * * ? *)" });
    expect(toAwsCron("*/15 8-18 * * 1-5")).toEqual({ ok: true, expression: "cron(0/15 8-18 ? * 2,3,4,5,6 *)" });
    expect(toAwsCron("0 0 1 * *")).toEqual({ ok: true, expression: "cron(0 0 1 * ? *)" });
    expect(toAwsCron("0 12 * * SUN,sat")).toEqual({ ok: true, expression: "cron(0 12 ? * 1,7 *)" });
    expect(toAwsCron("@daily")).toEqual({ ok: true, expression: "cron(0 0 * * ? *)" });
    expect(toAwsCron("0 0 * * 0-7")).toEqual({ ok: true, expression: "cron(0 0 ? * * *)" });
  });

  it("refuses what does not convert, naming the value", () => {
    const both = toAwsCron("0 3 1 * 1");
    expect(both.ok).toBe(false);
    expect(!both.ok && both.problem).toContain("day-of-month (1) and day-of-week (1)");
    expect(toAwsCron("*/10 * * * * *").ok).toBe(false);
    expect(toAwsCron("0 0 L * *").ok).toBe(false);
    expect(toAwsCron("0 0 * * 5#2").ok).toBe(false);
  });

  const field = (max: number, min = 0) =>
    fc.oneof(
      fc.constant("*"),
      fc.integer({ min, max }).map(String),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.integer({ min: 1, max: Math.max(1, max) }).map((n) => `*/${n}`),
    );

  it("property: six fields, '?' in exactly one day field when the other is restricted, year *, and the same weekdays", () => {
    fc.assert(
      fc.property(field(59), field(23), field(31, 1), field(12, 1), field(7), (m, h, dom, mon, dow) => {
        const r = toAwsCron(`${m} ${h} ${dom} ${mon} ${dow}`);
        if (dom !== "*" && dow !== "*") {
          expect(r.ok).toBe(false);
          return;
        }
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const fields = r.expression.replace(/^cron\(|\)$/g, "").split(" ");
        expect(fields).toHaveLength(6);
        expect(fields[5]).toBe("*");
        expect(fields.filter((f) => f === "?")).toHaveLength(dom === "*" && dow === "*" ? 1 : 1);
        expect(fields.every((f) => !f.startsWith("*/"))).toBe(true);
        if (dow !== "*") {
          const aws = fields[4] as string;
          const back = aws === "*" ? new Set([0, 1, 2, 3, 4, 5, 6]) : new Set(aws.split(",").map((d) => Number(d) - 1));
          expect([...back].sort()).toEqual([...(daysOfWeek(dow) as Set<number>)].sort());
        }
      }),
      { numRuns: 500 },
    );
  });
});

// zeroscale's own scaler: every knob as declared. Property tests over virtual time (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EffectiveScaling, LoadSample, ScaleDecision } from "../lib/engines/types.js";
import { baselineAt } from "../lib/engines/zeroscale/baselines.js";
import { ZeroscaleScaler } from "../lib/engines/zeroscale/scaler.js";

function effective(over: Partial<EffectiveScaling> = {}): EffectiveScaling {
  return {
    engine: "zeroscale",
    function: "app/fn",
    policy: "app/fn/scaling",
    minInstances: 0,
    maxInstances: 10,
    initialInstances: 0,
    metric: { type: "concurrency", target: 7, capacity: 10 },
    stableWindowSeconds: 60,
    panicWindowSeconds: 6,
    panicThreshold: 2,
    timeToZeroSeconds: 10,
    scaleDownDelaySeconds: 0,
    baselines: [],
    coldStart: { mode: "buffer", maxRequests: 1000, maxWaitSeconds: 30 },
    decisionIntervalSeconds: 1,
    ...over,
  };
}

/** One second of a trace: requests in flight during it (each second's requests end within it unless the next second has some too). */
interface Step {
  readonly inflight: number;
  readonly arrivals: number;
  readonly cpu: number | null;
}

const WALL0 = Date.parse("2024-06-03T07:59:30Z"); // a Monday, 09:59:30 in Berlin

interface Run {
  readonly decisions: (ScaleDecision & { current: number; lastEnd: number | null; inflight: number; wall: number })[];
}

/** Feed a trace (one step a second, from t = 1) to a scaler whose instances follow its decisions at once. */
function run(e: EffectiveScaling, steps: readonly Step[], wall0 = WALL0, instances?: (second: number) => number): Run {
  const s = new ZeroscaleScaler(e, 0);
  let current = s.initialInstances;
  let lastEnd: number | null = null;
  let prevInflight = 0;
  const decisions: Run["decisions"][number][] = [];
  steps.forEach((step, i) => {
    const now = i + 1;
    if (instances) current = instances(now);
    if (current === 0 && (step.inflight > 0 || step.arrivals > 0)) {
      s.activated(now - 0.5);
      current = 1; // the activator wakes it
    }
    if (prevInflight > 0 && step.inflight === 0) lastEnd = now - 0.5; // the last request ended mid-second
    prevInflight = step.inflight;
    const sample: LoadSample = {
      now,
      concurrency: step.inflight,
      arrivals: step.arrivals,
      inflight: step.inflight,
      backlog: 0,
      cpuPercent: current > 0 && step.cpu !== null ? step.cpu / current : null, // step.cpu is the total demand, spread over the instances
      memoryPercent: null,
      lastRequestEndedAt: lastEnd,
      wallClockMs: wall0 + now * 1000,
    };
    const d = s.observe(sample, current, current);
    if (!d) return;
    decisions.push({ ...d, current, lastEnd, inflight: step.inflight, wall: sample.wallClockMs });
    current = d.desired;
  });
  return { decisions };
}

const stepArb = fc.record({ inflight: fc.nat({ max: 40 }), arrivals: fc.nat({ max: 80 }), cpu: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }) });
/** Bursts of load separated by idle stretches (so idleness and zero happen). */
const traceArb = fc
  .array(fc.tuple(fc.array(stepArb, { minLength: 1, maxLength: 15 }), fc.nat({ max: 25 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.flatMap(([load, idle]) => [...load.map((s) => ({ ...s, arrivals: Math.max(s.arrivals, s.inflight > 0 ? 1 : 0) })), ...Array.from({ length: idle }, () => ({ inflight: 0, arrivals: 0, cpu: 0 }))]));
const effArb = fc
  .record({
    minInstances: fc.nat({ max: 3 }),
    extra: fc.nat({ max: 8 }),
    initialInstances: fc.nat({ max: 5 }),
    type: fc.constantFrom("concurrency", "rps", "cpu", "memory", "queueLength" as const),
    target: fc.integer({ min: 1, max: 20 }),
    stable: fc.integer({ min: 6, max: 60 }),
    timeToZero: fc.integer({ min: 1, max: 30 }),
    delay: fc.nat({ max: 20 }),
  })
  .map((r) =>
    effective({
      minInstances: r.minInstances,
      maxInstances: Math.max(1, r.minInstances + r.extra),
      initialInstances: r.initialInstances,
      metric: { type: r.type, target: r.target, capacity: r.target },
      stableWindowSeconds: r.stable,
      panicWindowSeconds: Math.max(1, Math.round(r.stable / 10)),
      timeToZeroSeconds: r.minInstances === 0 ? r.timeToZero : null,
      scaleDownDelaySeconds: r.delay,
    }),
  );

describe("ZeroscaleScaler (properties)", () => {
  it("decides every second (decisionIntervalSeconds 1)", () => {
    const { decisions } = run(effective(), Array.from({ length: 20 }, () => ({ inflight: 1, arrivals: 1, cpu: null })));
    expect(decisions.map((d) => d.at)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("never leaves [min, max]; zero only with min 0, nothing in flight and idle >= timeToZero", () => {
    fc.assert(
      fc.property(effArb, traceArb, (e, trace) => {
        for (const d of run(e, trace).decisions) {
          expect(d.desired).toBeLessThanOrEqual(e.maxInstances);
          if (d.desired === 0) {
            expect(e.minInstances).toBe(0);
            expect(d.inflight).toBe(0);
            if (d.current > 0) expect(d.at - (d.lastEnd ?? 0)).toBeGreaterThanOrEqual(e.timeToZeroSeconds as number);
          } else expect(d.desired).toBeGreaterThanOrEqual(e.minInstances);
          if (d.inflight > 0) expect(d.desired).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("reaches zero within timeToZero + 1 s of the last request's end, and holds >= 1 before", () => {
    fc.assert(
      fc.property(effArb.map((e) => ({ ...e, minInstances: 0, timeToZeroSeconds: e.timeToZeroSeconds ?? 5 })), fc.array(stepArb, { minLength: 1, maxLength: 30 }), (e, load) => {
        const trace = [...load.map((s) => ({ ...s, inflight: Math.max(1, s.inflight), arrivals: Math.max(1, s.arrivals) })), ...Array.from({ length: (e.timeToZeroSeconds as number) + 5 }, () => ({ inflight: 0, arrivals: 0, cpu: 0 }))];
        const { decisions } = run(e, trace);
        const lastEnd = load.length + 0.5; // the last busy second is `load.length`; it ended half a second into the next
        const afterEnd = decisions.filter((d) => d.at > lastEnd);
        const firstZero = afterEnd.find((d) => d.desired === 0);
        expect(firstZero, JSON.stringify(afterEnd.map((d) => [d.at, d.desired, d.reason]))).toBeDefined();
        const t = (firstZero as ScaleDecision).at - lastEnd;
        expect(t).toBeGreaterThanOrEqual(e.timeToZeroSeconds as number);
        expect(t).toBeLessThanOrEqual((e.timeToZeroSeconds as number) + 1);
        for (const d of afterEnd) if (d.at < (firstZero as ScaleDecision).at) expect(d.desired).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("never delays a scale-up by scaleDownDelay (the delayed scaler is never below the undelayed one)", () => {
    fc.assert(
      fc.property(effArb.map((e) => ({ ...e, minInstances: Math.max(1, e.minInstances), timeToZeroSeconds: null })), fc.integer({ min: 1, max: 30 }), traceArb, fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1 }), (e, delay, trace, counts) => {
        // Same samples and the same instance counts for both: only the delay differs.
        const instances = (t: number) => counts[t % counts.length] as number;
        const a = run({ ...e, scaleDownDelaySeconds: 0 }, trace, WALL0, instances).decisions;
        const b = run({ ...e, scaleDownDelaySeconds: delay }, trace, WALL0, instances).decisions;
        a.forEach((d, i) => {
          expect((b[i] as ScaleDecision).desired).toBeGreaterThanOrEqual(d.desired);
          const prev = a[i - 1];
          if (prev && d.desired > prev.desired) expect((b[i] as ScaleDecision).desired).toBeGreaterThanOrEqual(d.desired); // a rise shows at once
        });
      }),
      { numRuns: 200 },
    );
  });

  it("holds scale-down for scaleDownDelay: the max proposal over the delay", () => {
    const e = effective({ minInstances: 1, timeToZeroSeconds: null, stableWindowSeconds: 6, panicWindowSeconds: 1, panicThreshold: 100, scaleDownDelaySeconds: 10, metric: { type: "concurrency", target: 1, capacity: 1 } });
    const trace = [...Array.from({ length: 6 }, () => ({ inflight: 5, arrivals: 5, cpu: null })), ...Array.from({ length: 30 }, () => ({ inflight: 1, arrivals: 1, cpu: null }))];
    const { decisions } = run(e, trace);
    expect(decisions[5]?.desired).toBe(5);
    // Stable average falls below 5 from t = 7; the held 5 lasts until 10 s after the last proposal of 5 (t = 7, the first
    // decision after the load dropped still averages 5 x 6 / 6 ... the window is 6 s), then it steps down.
    const lastFive = Math.max(...decisions.filter((d) => d.desired === 5).map((d) => d.at));
    const proposals = run({ ...e, scaleDownDelaySeconds: 0 }, trace).decisions;
    const lastProposedFive = Math.max(...proposals.filter((d) => d.desired === 5).map((d) => d.at));
    expect(lastFive).toBe(lastProposedFive + 9);
    expect(decisions.find((d) => d.at === lastFive)?.reason).toMatch(/scale-down held 10s \(max proposal 5\)/);
  });

  it("inside a baseline window never goes to zero and holds the baseline; after it, goes to zero on idleness", () => {
    const start = new Date(WALL0 + 20_000); // 20 s into the trace
    const end = new Date(WALL0 + 40_000);
    const cron = (d: Date) => `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} * * *`;
    const baseline = { start: cron(start), end: cron(end), timezone: "UTC", minInstances: 2 };
    const e = effective({ timeToZeroSeconds: 5, baselines: [baseline] });
    const trace = [{ inflight: 1, arrivals: 1, cpu: null }, ...Array.from({ length: 60 }, () => ({ inflight: 0, arrivals: 0, cpu: null }))];
    const { decisions } = run(e, trace);
    const at = (t: number) => decisions.find((d) => d.at === t) as ScaleDecision;
    expect(at(7).desired).toBe(0); // idle 5.5 s of 5: before the window
    for (let t = 20; t < 40; t++) expect(at(t).desired, `t=${t}`).toBe(2);
    expect(at(20).reason).toBe(`baseline ${baseline.start} (UTC): min 2`);
    expect(at(40).desired).toBe(0); // the window ended; idle long since (counted from the activation... none: last end)
    fc.assert(
      fc.property(traceArb, fc.integer({ min: 1, max: 4 }), (trace2, min) => {
        const e2 = effective({ timeToZeroSeconds: 3, baselines: [{ ...baseline, minInstances: min }] });
        for (const d of run(e2, trace2).decisions) {
          if (d.wall >= start.getTime() && d.wall < end.getTime()) expect(d.desired).toBeGreaterThanOrEqual(min);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("scales rps as requests per second averaged over the window (not as concurrency)", () => {
    // metric rps 5 at 70 %: 3.5 per instance; 40 rps steady -> ceil(40 / 3.5) = 12, capped at max 20.
    const e = effective({ maxInstances: 20, metric: { type: "rps", target: 3.5, capacity: 5 }, stableWindowSeconds: 10, panicWindowSeconds: 1, panicThreshold: 100 });
    const { decisions } = run(e, Array.from({ length: 15 }, () => ({ inflight: 1, arrivals: 40, cpu: null })));
    expect(decisions.at(-1)?.desired).toBe(12);
    expect(decisions.at(-1)?.reason).toBe("rps 40.0 over 10s / target 3.50 per instance");
    expect(decisions.at(-1)?.observed).toBe(40);
  });

  it("scales cpu as the sum of the instances' percent over the target (HPA-like)", () => {
    const e = effective({ minInstances: 1, timeToZeroSeconds: null, metric: { type: "cpu", target: 70, capacity: 70 }, stableWindowSeconds: 6, panicWindowSeconds: 1, panicThreshold: 100 });
    const { decisions } = run(e, Array.from({ length: 6 }, () => ({ inflight: 1, arrivals: 1, cpu: 150 })));
    expect(decisions[0]?.desired).toBe(3); // 150 % x 1 / 70 -> 3
    expect(decisions.at(-1)?.reason).toMatch(/^cpu % \d+\.\d over 6s \/ target 70\.00 per instance$/);
  });

  it("says why: idle countdown, to zero, idle at zero", () => {
    const e = effective({ timeToZeroSeconds: 6 });
    const { decisions } = run(e, [{ inflight: 2, arrivals: 2, cpu: null }, ...Array.from({ length: 9 }, () => ({ inflight: 0, arrivals: 0, cpu: null }))]);
    expect(decisions[2]?.reason).toBe("idle 1s of 6s: to zero in 5s");
    const zero = decisions.find((d) => d.desired === 0) as ScaleDecision;
    expect(zero.at).toBe(8); // last end 1.5, + 6 = 7.5 -> the decision at 8
    expect(zero.reason).toBe("idle 6s of 6s: to zero");
    expect(decisions.at(-1)?.reason).toBe("idle at zero");
  });

  it("starts initialInstances and holds them until first reached", () => {
    const s = new ZeroscaleScaler(effective({ initialInstances: 3, timeToZeroSeconds: 30 }), 0);
    expect(s.initialInstances).toBe(3);
    const sample = (now: number): LoadSample => ({ now, concurrency: 0, arrivals: 0, inflight: 0, backlog: 0, cpuPercent: null, memoryPercent: null, lastRequestEndedAt: null, wallClockMs: WALL0 });
    expect(s.observe(sample(1), 0, 3)?.desired).toBe(3);
    expect(s.observe(sample(2), 3, 3)?.desired).toBe(1); // reached: now the metric (idle, so 1 until the timeout)
  });
});

describe("baselineAt", () => {
  const b = { start: "0 8 * * 1-5", end: "0 18 * * 1-5", timezone: "Europe/Berlin", minInstances: 2 };
  it("is the baseline's minimum inside [last start fire, next end fire), in its time zone", () => {
    expect(baselineAt([b], Date.parse("2024-06-03T05:59:59Z"))).toBe(0); // 07:59:59 Berlin (CEST)
    expect(baselineAt([b], Date.parse("2024-06-03T06:00:00Z"))).toBe(2); // 08:00 sharp
    expect(baselineAt([b], Date.parse("2024-06-03T15:59:59Z"))).toBe(2);
    expect(baselineAt([b], Date.parse("2024-06-03T16:00:00Z"))).toBe(0); // 18:00 Berlin: end is exclusive
    expect(baselineAt([b], Date.parse("2024-06-08T10:00:00Z"))).toBe(0); // Saturday
    expect(baselineAt([b], Date.parse("2024-01-08T07:00:00Z"))).toBe(2); // 08:00 CET in winter
  });
  it("takes the max of overlapping baselines", () => {
    const lunch = { start: "0 12 * * *", end: "0 14 * * *", timezone: "Europe/Berlin", minInstances: 5 };
    expect(baselineAt([b, lunch], Date.parse("2024-06-03T10:30:00Z"))).toBe(5);
    expect(baselineAt([b, lunch], Date.parse("2024-06-03T13:30:00Z"))).toBe(2);
    expect(baselineAt([], Date.parse("2024-06-03T13:30:00Z"))).toBe(0);
  });
});

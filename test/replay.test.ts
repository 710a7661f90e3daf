import { describe, expect, it } from "vitest";
import { App, type FunctionNode, type ScalingPolicyNode, type ScalingPolicyOptions, ServerlessFunction, synth } from "zeroscale";
import { knativeEngine, replayEngine, type Trace } from "../lib/engines/index.js";

const replay = (fn: FunctionNode, policy: ScalingPolicyNode, trace: Trace, o: { gracePeriodSeconds?: number; until?: number } = {}) =>
  replayEngine(knativeEngine, { fn, policy, triggers: [] }, trace, { engineOptions: { allowZeroInitialScale: true, ...(o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}) }, ...(o.until !== undefined ? { until: o.until } : {}) });

function fnAndPolicy(policy: ScalingPolicyOptions, concurrency = 10) {
  const app = new App({ name: "r" });
  new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1", concurrency }).addScalingPolicy(policy);
  const g = synth(app);
  return { fn: g.nodes.find((n) => n.kind === "function") as FunctionNode, policy: g.nodes.find((n) => n.kind === "scalingPolicy") as ScalingPolicyNode };
}

describe("replay (virtual time, Knative's KPA)", () => {
  it("scales from zero on the first request, up with load, and to zero W + max(grace, retention) after the last request", () => {
    const { fn, policy } = fnAndPolicy({ initialInstances: 0, maxInstances: 20, metric: { concurrency: 10 }, stableWindow: "60s", idleTimeout: "90s" });
    // 100 rps of 1 s requests for 60 s: ~100 in flight, target 7 per instance -> ceil(100/7) = 15.
    const points = replay(fn, policy, { rate: [{ from: 10, to: 70, rps: 100, duration: 1 }] }, { gracePeriodSeconds: 30 });
    expect(points.find((p) => p.t === 8)?.desired).toBe(0);
    expect(points.find((p) => p.t === 12)?.desired).toBeGreaterThanOrEqual(1);
    expect(Math.max(...points.map((p) => p.desired))).toBe(15);
    const zeroAt = points.find((p) => p.t > 71 && p.desired === 0)?.t as number;
    // last request ends at 71s; the stable window empties at ~131s; then 30s grace: ~161s (2s ticks).
    expect(zeroAt).toBeGreaterThanOrEqual(71 + 60 + 30);
    expect(zeroAt).toBeLessThanOrEqual(71 + 60 + 30 + 4);
  });

  it("panics on a sudden burst and does not scale down while panicking", () => {
    const { fn, policy } = fnAndPolicy({ initialInstances: 1, minInstances: 1, maxInstances: 50, stableWindow: "60s" });
    const points = replay(fn, policy, { rate: [{ from: 0, to: 30, rps: 5, duration: 1 }, { from: 30, to: 36, rps: 200, duration: 1 }] }, { until: 60 });
    const burst = points.filter((p) => p.t >= 32 && p.t <= 40);
    expect(burst.some((p) => p.panicking)).toBe(true);
    const panicking = points.filter((p) => p.panicking);
    for (let i = 1; i < panicking.length; i++) expect(panicking[i]!.desired).toBeGreaterThanOrEqual(panicking[i - 1]!.desired);
  });

  it("is deterministic", () => {
    const { fn, policy } = fnAndPolicy({ maxInstances: 10 });
    const trace = { requests: Array.from({ length: 500 }, (_, i) => ({ at: (i * 37) % 120, duration: 0.5 + (i % 7) / 10 })) };
    expect(replay(fn, policy, trace)).toEqual(replay(fn, policy, trace));
  });
});

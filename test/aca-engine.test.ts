// The ACA engine model: effective values, and its scaler (KEDA's machinery with ACA's settings) over
// replayed traces: peak and time to zero within the decision interval (the polling interval).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { containerApps } from "zeroscale/providers/aca";
import { Testing } from "zeroscale/testing";
import { acaEngine } from "../lib/engines/aca/model.js";
import { ACA_DEFAULTS, CONSUMPTION_PAIRS } from "../lib/engines/aca/defaults.js";
import { engineCapabilities } from "../lib/engines/capabilities.js";
import { engineInput } from "../lib/engines/index.js";
import { replayEngine } from "../lib/engines/replay.js";

function httpFn(policy: Record<string, unknown>) {
  const app = new App({ name: "ae" });
  const fn = new ServerlessFunction(app, "api", { image: "r.example.com/api:1", concurrency: 100 });
  fn.addTrigger("http", { http: { path: "/" } });
  fn.addScalingPolicy(policy);
  return { app, fn };
}
function queueFn(policy: Record<string, unknown>) {
  const app = new App({ name: "aq" });
  const fn = new ServerlessFunction(app, "worker", { image: "r.example.com/w:1" });
  fn.addTrigger("q", { queue: { broker: "redis", connection: "redis://r:6379", name: "q" } });
  fn.addScalingPolicy(policy);
  return { app, fn };
}
const peak = (points: readonly { desired: number }[]) => Math.max(...points.map((p) => p.desired));

describe("acaEngine.effective", () => {
  it("folds rps x utilization into a whole concurrentRequests, keeps cooldownPeriod = idleTimeout, and states the fixed knobs", () => {
    const { app } = httpFn({ maxInstances: 20, metric: { rps: 5 }, idleTimeout: "10s" });
    const { effective: e, diagnostics } = acaEngine.effective(engineInput(synth(app), "ae/api"));
    expect(e.metric).toEqual({ type: "rps", target: 4, capacity: 5 });
    expect([e.minInstances, e.maxInstances, e.initialInstances, e.timeToZeroSeconds]).toEqual([0, 20, 1, 10]);
    expect([e.stableWindowSeconds, e.scaleDownDelaySeconds, e.decisionIntervalSeconds]).toEqual([15, 300, 30]);
    expect([e.panicWindowSeconds, e.panicThreshold]).toEqual([null, null]);
    expect(e.coldStart).toEqual({ mode: "buffer", maxRequests: null, maxWaitSeconds: 240 });
    expect(diagnostics.map((d) => d.code).sort()).toEqual(["ZS-ACA-DOWN-DELAY", "ZS-ACA-HTTP-TARGET", "ZS-ACA-WINDOW"]);
  });

  it("cpu never goes to zero (min 1, with a warning); a queue consumer on concurrency scales on backlog 5", () => {
    const cpu = httpFn({ metric: { cpu: 70 }, scaleDownDelay: "5m" });
    const r = acaEngine.effective(engineInput(synth(cpu.app), "ae/api"));
    expect([r.effective.minInstances, r.effective.timeToZeroSeconds]).toEqual([1, null]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["ZS-ACA-RESOURCE-ZERO"]);
    const q = queueFn({ metric: { concurrency: 5 }, scaleDownDelay: "5m" });
    const rq = acaEngine.effective(engineInput(synth(q.app), "aq/worker"));
    expect(rq.effective.metric).toEqual({ type: "queueLength", target: 5, capacity: 5 });
    expect(rq.effective.coldStart).toEqual({ mode: "buffer", maxRequests: null, maxWaitSeconds: 0 });
  });

  it("a cpu metric on a queue consumer: the cpu rule and the queue rule at the default backlog (ACA scales on the highest), said by the model", () => {
    const { app } = queueFn({ minInstances: 1, metric: { cpu: 70 } });
    const { effective: e, diagnostics } = acaEngine.effective(engineInput(synth(app), "aq/worker"));
    expect(e.metric.type).toBe("cpu");
    expect(diagnostics.map((d) => d.code)).toContain("ZS-ACA-RULE-DEFAULT");
    expect(diagnostics.find((d) => d.code === "ZS-ACA-RULE-DEFAULT")?.problem).toContain(`${ACA_DEFAULTS.defaultQueueTarget} pending messages per replica`);
    const plan = containerApps().compile(synth(app));
    const scale = (plan.functions[0]?.app.properties as { template: { scale: { rules: { name: string; custom?: { type: string; metadata: Record<string, string> } }[] } } }).template.scale;
    expect(scale.rules.map((r) => [r.name, r.custom?.type])).toEqual([["cpu", "cpu"], ["queue-0", "redis-streams"]]);
    expect(scale.rules[1]?.custom?.metadata["pendingEntriesCount"]).toBe(String(ACA_DEFAULTS.defaultQueueTarget));
    expect(plan.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(["ZS-ACA-RULE-DEFAULT", "ZS-ACA-QUEUE-PULL"]));
    // An HTTP-only app on cpu keeps the cpu rule alone (no queue rule, no ZS-ACA-RULE-DEFAULT).
    const http = httpFn({ minInstances: 1, metric: { cpu: 70 } });
    expect(acaEngine.effective(engineInput(synth(http.app), "ae/api")).diagnostics.map((d) => d.code)).not.toContain("ZS-ACA-RULE-DEFAULT");
  });

  it("the Consumption pairs are 0.25 vCPU / 0.5 GiB steps up to 4 / 8", () => {
    expect(CONSUMPTION_PAIRS[0]).toEqual({ cpu: 0.25, memoryGi: 0.5 });
    expect(CONSUMPTION_PAIRS.at(-1)).toEqual({ cpu: 4, memoryGi: 8 });
    expect(CONSUMPTION_PAIRS.every((p) => p.memoryGi === p.cpu * 2)).toBe(true);
  });

  it("the lossiness cells: what the capability table measures from the model", () => {
    const cells = engineCapabilities("aca");
    expect(cells.minInstances[0]).toBe("honoured");
    expect(cells.maxInstances[0]).toBe("honoured");
    expect(cells.idleTimeout[0]).toBe("honoured");
    expect(cells["metric.queueLength"][0]).toBe("honoured");
    expect(cells.schedule[0]).toBe("honoured");
    expect(cells.targetUtilizationPercent[0]).toBe("honoured"); // folded into concurrentRequests when the product is whole
    for (const k of ["initialInstances", "metric.concurrency", "metric.rps", "metric.cpu", "metric.memory", "scaleDownDelay", "stableWindow", "burst", "coldStart"] as const) expect(cells[k][0], k).toBe("approximate");
    expect(Object.values(cells).some(([s]) => s === "unsupported")).toBe(false);
  });
});

describe("replay: the ACA scaler", () => {
  it("rps 5 x 70% = 4 per replica: 1 replica, the HPA's first sync (15 s) to ceil(50 / 4) = 13, zero on the first poll after cooldown", () => {
    const { fn } = httpFn({ maxInstances: 20, metric: { rps: 5 }, idleTimeout: "10s" });
    const r = Testing.replay(fn, { rate: [{ from: 0, to: 60, rps: 50, duration: 0.1 }] }, { backend: "aca" });
    expect(r.engine).toBe("aca");
    expect(r.timeline.find((p) => p.t === 14)?.instances).toBe(1);
    expect(r.timeline.find((p) => p.t === 15)?.instances).toBe(13);
    expect(Math.max(...r.timeline.map((p) => p.instances))).toBe(13);
    // The 15 s window still sees traffic at the poll at 60; the poll at 90 does not, and 90 - 60 >= 10.
    const zero = r.timeline.find((p) => p.t > 60 && p.instances === 0)?.t as number;
    expect(zero).toBe(90);
    expect(zero - 60.08).toBeLessThanOrEqual(10 + ACA_DEFAULTS.pollingIntervalSeconds);
  });

  it("a queue backlog: the new revision's replica scaled by the HPA's first sync, capped at maxReplicas; from zero, woken on the next poll (no activator)", () => {
    const { app } = queueFn({ maxInstances: 6, metric: { queueLength: 10 }, idleTimeout: "1m" });
    const input = engineInput(synth(app), "aq/worker");
    const points = replayEngine(acaEngine, input, { depth: [{ at: 0, value: 0 }, { at: 5, value: 500 }, { at: 200, value: 0 }] });
    expect(points.find((p) => p.t === 14)?.desired).toBe(1); // the new revision's 1 replica
    expect(points.find((p) => p.t === 15)?.desired).toBe(6); // ceil(500 / 10) = 50, capped at 6
    expect(peak(points)).toBe(6);
    // At zero from the poll at 60 (60 s cooldown after the initial replica), a backlog at 301 waits for the poll at 330.
    const again = replayEngine(acaEngine, input, { depth: [{ at: 0, value: 0 }, { at: 1, value: 5 }, { at: 2, value: 0 }, { at: 301, value: 50 }, { at: 400, value: 0 }] });
    expect(again.find((p) => p.t === 300)?.desired).toBe(0);
    expect(again.find((p) => p.t === 329)?.desired).toBe(0);
    expect(again.find((p) => p.t === 330)?.desired).toBeGreaterThan(0);
  });

  it("property: peak <= maxReplicas, and zero within one polling interval of last activity + cooldownPeriod", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 30, max: 600 }), fc.integer({ min: 31, max: 400 }), (max, target, idle, busyUntil) => {
        const { app } = queueFn({ maxInstances: max, metric: { queueLength: target }, idleTimeout: `${idle}s` });
        const input = engineInput(synth(app), "aq/worker");
        const e = acaEngine.effective(input).effective;
        const points = replayEngine(acaEngine, input, { depth: [{ at: 0, value: 1000 }, { at: busyUntil, value: 0 }] });
        expect(peak(points)).toBeLessThanOrEqual(max);
        const zero = points.find((p) => p.t > busyUntil && p.desired === 0)?.t as number;
        expect(zero).toBeDefined();
        const expected = busyUntil + (e.timeToZeroSeconds as number);
        expect(Math.abs(zero - expected)).toBeLessThanOrEqual(e.decisionIntervalSeconds);
      }),
      { numRuns: 100 },
    );
  });
});

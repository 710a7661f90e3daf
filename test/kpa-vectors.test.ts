// Every vector of Knative's KPA (test/fixtures/knative-kpa-vectors.json, facts about Knative restated
// from knative/serving's sources and unit tests) must be reproduced exactly.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decide, type DeciderSpec, type DeciderState, initialDeciderState } from "../lib/engines/knative/decider.js";
import { applyBounds, initialScale, panicWindowSeconds, resolveTarget, scaleToZero } from "../lib/engines/knative/resolve.js";

const vectors = JSON.parse(readFileSync(new URL("./fixtures/knative-kpa-vectors.json", import.meta.url), "utf8"));

describe("KPA decider vectors", () => {
  for (const v of vectors.deciderVectors) {
    it(`${v.id}`, () => {
      let spec: DeciderSpec = v.spec;
      let state: DeciderState = initialDeciderState(v.init.readyPodsAtCreation, 0);
      if (v.init.override) state = { ...state, ...v.init.override, delay: [] };
      for (const [i, step] of v.steps.entries()) {
        if (step.specUpdate) spec = step.specUpdate;
        const out = decide(spec, state, { now: step.t, readyPods: step.readyPods, stable: step.stable, panic: step.panic });
        state = out.state;
        const where = `${v.id} step ${i}`;
        expect(out.result.desiredPods, where).toBe(step.want.desiredPods);
        if (step.want.excessBurstCapacity !== undefined) expect(Math.abs(out.result.excessBurstCapacity - step.want.excessBurstCapacity), where).toBeLessThanOrEqual(1);
        if (step.want.panicking !== undefined) expect(out.result.panicking, where).toBe(step.want.panicking);
        if (step.want.panicStartedAt !== undefined) expect(state.panicStartedAt, where).toBe(step.want.panicStartedAt);
      }
    });
  }
  it("covers all 20 decider vectors", () => expect(vectors.deciderVectors).toHaveLength(20));
});

describe("KPA target resolution, panic window, bounds and scale-to-zero vectors", () => {
  for (const v of vectors.targetResolutionVectors) {
    it(v.id, () => {
      const a = v.input.annotations ?? {};
      const target = a["autoscaling.knative.dev/target"];
      const util = a["autoscaling.knative.dev/target-utilization-percentage"];
      const got = resolveTarget({
        metric: v.input.metric,
        containerConcurrency: v.input.containerConcurrency,
        ...(target !== undefined ? { target: Number(target) } : {}),
        ...(util !== undefined ? { utilizationPercent: Number(util) } : {}),
        ...(v.input.config ? { config: v.input.config } : {}),
      });
      expect(got.total).toBeCloseTo(v.want.total, 9);
      expect(got.target).toBeCloseTo(v.want.target, 9);
    });
  }
  for (const v of vectors.panicWindowVectors) {
    it(v.id, () => expect(panicWindowSeconds(v.input.stableWindowSeconds, v.input.panicWindowPercentage)).toBe(v.want.panicWindowSeconds));
  }
  for (const v of vectors.boundsVectors) {
    it(v.id, () => {
      const i = v.input;
      if ("initialScale" in v.want) {
        expect(initialScale(i.initialScaleAnnotation, i.config)).toBe(v.want.initialScale);
        return;
      }
      const got = applyBounds({
        desired: i.desired,
        minScale: i.minScale ?? i.minScaleAnnotation ?? 0,
        maxScale: i.maxScale ?? 0,
        ...(i.initialScale !== undefined ? { initialScale: i.initialScale } : {}),
        ...(i.scaleTargetInitialized !== undefined ? { scaleTargetInitialized: i.scaleTargetInitialized } : {}),
        ...(i.reachable !== undefined ? { reachable: i.reachable } : {}),
      });
      expect(got).toBe(v.want.applied);
    });
  }
  for (const v of vectors.scaleToZeroVectors) {
    it(v.id, () => {
      const got = scaleToZero(v.input);
      expect(got.scaleTo).toBe(v.want.scaleTo);
      if (v.want.recheckAfterSeconds !== undefined) expect(got.recheckAfterSeconds).toBe(v.want.recheckAfterSeconds);
      if (v.want.markInactive !== undefined) expect(got.markInactive).toBe(v.want.markInactive);
    });
  }
});

// The load sampler's integration math (runtime/gateway/haproxy/stats.ts) on fake `show stat` samples,
// with an injected clock: time-weighted carried concurrency (regular servers' scur + backend qcur, the
// activator backup excluded), arrivals from stot deltas (a reload's counter reset counted from 0),
// idle-since, take-and-reset.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoadSampler, type StatRow } from "../runtime/gateway/haproxy/index.js";

const row = (pxname: string, svname: string, type: number, o: Partial<StatRow> = {}): StatRow => ({
  pxname, svname, type, qcur: 0, scur: 0, stot: 0, econ: 0, eresp: 0, status: "UP", hrsp_1xx: 0, hrsp_2xx: 0, hrsp_3xx: 0, hrsp_4xx: 0, hrsp_5xx: 0, bck: svname === "activator", ...o,
});

/** One sample of backend "be": two slots, the activator, the backend row. */
function sample(s0: { scur: number; stot: number }, s1: { scur: number; stot: number }, qcur: number, activator = { scur: 0, stot: 0 }): StatRow[] {
  return [row("be", "BACKEND", 1, { qcur, scur: s0.scur + s1.scur + activator.scur }), row("be", "s0", 2, s0), row("be", "s1", 2, s1), row("be", "activator", 2, activator)];
}

function fakeSampler() {
  let now = 0;
  const sampler = new LoadSampler({ read: async () => [], clock: { now: () => now, every: () => () => undefined } });
  return { sampler, at: (t: number) => (now = t) };
}

describe("LoadSampler", () => {
  it("integrates the carried count as a step function and resets on take", () => {
    const { sampler, at } = fakeSampler();
    sampler.observe(sample({ scur: 0, stot: 5 }, { scur: 0, stot: 0 }, 0), at(0)); // baseline: its stot is history
    sampler.observe(sample({ scur: 1, stot: 6 }, { scur: 1, stot: 1 }, 1), at(100)); // 3 carried from t=100
    sampler.observe(sample({ scur: 1, stot: 6 }, { scur: 0, stot: 1 }, 0, { scur: 7, stot: 9 }), at(300)); // 1 carried from t=300; the activator's 7 are not
    at(400);
    const load = sampler.take("be");
    // (0*100 + 3*200 + 1*100) / 400
    expect(load.concurrency).toBeCloseTo(700 / 400, 9);
    expect(load.arrivals).toBe(2);
    expect(load.inflight).toBe(1);
    expect(load.idleSinceMs).toBeUndefined();
    at(600);
    expect(sampler.take("be")).toEqual({ concurrency: 1, arrivals: 0, inflight: 1, idleSinceMs: undefined });
    expect(sampler.take("unknown")).toEqual({ concurrency: 0, arrivals: 0, inflight: 0, idleSinceMs: undefined });
  });

  it("idle since: when the carried count became 0, or a request came and went between samples; undefined while busy", () => {
    const { sampler, at } = fakeSampler();
    sampler.observe(sample({ scur: 0, stot: 0 }, { scur: 0, stot: 0 }, 0), at(0));
    sampler.observe(sample({ scur: 0, stot: 0 }, { scur: 0, stot: 0 }, 0), at(100));
    expect(sampler.take("be").idleSinceMs).toBeUndefined(); // never busy
    sampler.observe(sample({ scur: 2, stot: 2 }, { scur: 0, stot: 0 }, 0), at(200));
    expect(sampler.take("be").idleSinceMs).toBeUndefined(); // busy now
    sampler.observe(sample({ scur: 0, stot: 2 }, { scur: 0, stot: 0 }, 0), at(300));
    expect(sampler.take("be").idleSinceMs).toBe(300);
    sampler.observe(sample({ scur: 0, stot: 3 }, { scur: 0, stot: 0 }, 0), at(400)); // one came and went
    expect(sampler.take("be")).toMatchObject({ idleSinceMs: 400, arrivals: 1 });
  });

  it("a stot below the previous one (a reload's new worker) counts from 0", () => {
    const { sampler, at } = fakeSampler();
    sampler.observe(sample({ scur: 0, stot: 100 }, { scur: 0, stot: 50 }, 0), at(0));
    sampler.observe(sample({ scur: 0, stot: 3 }, { scur: 0, stot: 52 }, 0), at(100));
    expect(sampler.take("be").arrivals).toBe(5);
  });

  it("latest(): each slot's scur, the queue, when sampled", () => {
    const { sampler, at } = fakeSampler();
    expect(sampler.latest("be").at).toBeUndefined();
    sampler.observe(sample({ scur: 1, stot: 1 }, { scur: 0, stot: 0 }, 4, { scur: 2, stot: 2 }), at(50));
    const l = sampler.latest("be");
    expect([...l.scur]).toEqual([["s0", 1], ["s1", 0]]);
    expect(l).toMatchObject({ qcur: 4, at: 50 });
  });

  const steps = fc.array(fc.record({ dt: fc.integer({ min: 1, max: 500 }), s0: fc.nat(8), s1: fc.nat(8), q: fc.nat(20), new0: fc.nat(5), new1: fc.nat(5), act: fc.nat(9) }), { minLength: 1, maxLength: 40 });

  it("property: the concurrency is the time-weighted mean of scur + qcur, arrivals the stot deltas, whatever the samples", () => {
    fc.assert(
      fc.property(steps, fc.integer({ min: 0, max: 300 }), (xs, tail) => {
        const { sampler, at } = fakeSampler();
        sampler.observe(sample({ scur: 0, stot: 0 }, { scur: 0, stot: 0 }, 0), at(0));
        let t = 0;
        let area = 0;
        let prev = 0;
        let stot0 = 0;
        let stot1 = 0;
        let actTot = 0;
        for (const x of xs) {
          area += prev * x.dt;
          t += x.dt;
          stot0 += x.new0;
          stot1 += x.new1;
          actTot += x.act;
          sampler.observe(sample({ scur: x.s0, stot: stot0 }, { scur: x.s1, stot: stot1 }, x.q, { scur: x.act, stot: actTot }), at(t));
          prev = x.s0 + x.s1 + x.q;
        }
        area += prev * tail;
        at(t + tail);
        const load = sampler.take("be");
        expect(load.concurrency).toBeCloseTo(area / (t + tail), 9);
        expect(load.arrivals).toBe(stot0 + stot1);
        expect(load.inflight).toBe(prev);
      }),
    );
  });

  it("property: taking in several windows splits the same area (nothing lost or counted twice)", () => {
    fc.assert(
      fc.property(steps, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (xs, takes) => {
        const one = fakeSampler();
        const split = fakeSampler();
        for (const s of [one, split]) s.sampler.observe(sample({ scur: 0, stot: 0 }, { scur: 0, stot: 0 }, 0), s.at(0));
        let t = 0;
        let stot = 0;
        let splitArea = 0;
        let splitArrivals = 0;
        let windowStart = 0;
        xs.forEach((x, i) => {
          t += x.dt;
          stot += x.new0;
          for (const s of [one, split]) s.sampler.observe(sample({ scur: x.s0, stot }, { scur: x.s1, stot: 0 }, x.q), s.at(t));
          if (takes[i]) {
            const l = split.sampler.take("be");
            splitArea += l.concurrency * (t - windowStart);
            splitArrivals += l.arrivals;
            windowStart = t;
          }
        });
        const last = split.sampler.take("be");
        splitArea += last.concurrency * (t - windowStart);
        splitArrivals += last.arrivals;
        const whole = one.sampler.take("be");
        expect(splitArea).toBeCloseTo(whole.concurrency * t, 6);
        expect(splitArrivals).toBe(whole.arrivals);
      }),
    );
  });

  it("polls on the injected timer and skips a sample when the read fails", async () => {
    let tick: (() => void) | undefined;
    let now = 0;
    let fail = false;
    const errors: string[] = [];
    const sampler = new LoadSampler({
      read: async () => {
        if (fail) throw new Error("socket gone");
        return sample({ scur: 2, stot: 2 }, { scur: 0, stot: 0 }, 0);
      },
      clock: { now: () => now, every: (fn, ms) => ((tick = fn), expect(ms).toBe(25), () => (tick = undefined)) },
      periodMs: 25,
      onError: (e) => errors.push(e.message),
    });
    sampler.start();
    tick?.();
    await new Promise((r) => setImmediate(r));
    expect(sampler.latest("be").at).toBe(0);
    fail = true;
    now = 25;
    tick?.();
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual(["socket gone"]);
    expect(sampler.latest("be").at).toBe(0);
    sampler.stop();
    expect(tick).toBeUndefined();
  });
});

// The retry engine (runtime/connectors/retry.ts) with an injected clock and a fake Deliver.
import fc from "fast-check";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../lib/events/delivery.js";
import type { EncodedEvent } from "../lib/events/encode.js";
import { type Clock, type Job, nextStep, type Outcome, RetryEngine, type RetryPolicy } from "../runtime/connectors/retry.js";
import type { Deliver } from "../runtime/gateway/schedules.js";

const log = pino({ level: "silent" });
const event: EncodedEvent = { headers: { "ce-id": "m-1", "ce-type": "t" }, body: Buffer.from("{}"), id: "m-1" };

/** A clock whose sleeps resolve at once and are recorded. */
function fakeClock(): Clock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: (ms, signal) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve(!signal.aborted);
    },
  };
}

interface Call {
  fn: string;
  event: { headers: Record<string, string>; body: Buffer };
  timeoutMs: number | undefined;
}

/** A Deliver answering from `statuses` in turn (then the last one); throws for 0. */
function fakeDeliver(statuses: number[]): Deliver & { calls: Call[] } {
  const calls: Call[] = [];
  let i = 0;
  const d = (async (fn, _trigger, ev, o) => {
    calls.push({ fn, event: ev, timeoutMs: o?.timeoutMs });
    const s = statuses[Math.min(i++, statuses.length - 1)] as number;
    if (s === 0) throw new Error("connect ECONNREFUSED");
    return s;
  }) as Deliver & { calls: Call[] };
  d.calls = calls;
  return d;
}

function job(extra: Partial<Job> = {}): Job & { acked: number; queued: { name: string; reason: string; attempts: number }[] } {
  const j = {
    id: "m-1",
    event,
    acked: 0,
    queued: [] as { name: string; reason: string; attempts: number }[],
    ack: async () => void j.acked++,
    toQueue: async (name: string, f: { reason: string; attempts: number }) => void j.queued.push({ name, ...f }),
    ...extra,
  };
  return j;
}

const policyArb = fc.record({
  retries: fc.integer({ min: 0, max: 8 }),
  backoff: fc.record({ policy: fc.constantFrom("exponential" as const, "linear" as const), delayMs: fc.integer({ min: 1, max: 5000 }) }),
  deadLetter: fc.constantFrom(null, { type: "queue" as const, name: "dlq" }, { type: "function" as const, target: "app/dl" }),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: undefined }),
});

describe("retry engine", () => {
  it("permanent failure: attempts == retries + 1, waits follow the backoff formula, then the dead letter, then ack", async () => {
    await fc.assert(
      fc.asyncProperty(policyArb, fc.constantFrom(500, 404, 0), async (policy: RetryPolicy, failing) => {
        const clock = fakeClock();
        const outcomes: Outcome[] = [];
        const statuses = [...Array(policy.retries + 1).fill(failing), 200]; // the dead-letter function answers 200
        const d2 = fakeDeliver(statuses);
        const engine = new RetryEngine({ trigger: "app/t", target: "app/fn", policy, deliver: d2, log, maxInflight: 1, clock, onOutcome: (o) => outcomes.push(o) });
        const j = job();
        const settled = await engine.run(j);
        const toTarget = d2.calls.filter((c) => c.fn === "app/fn");
        expect(toTarget).toHaveLength(policy.retries + 1);
        for (const c of d2.calls) expect(c.timeoutMs).toBe(policy.timeoutMs);
        expect(clock.waits).toEqual(Array.from({ length: policy.retries }, (_, i) => backoffDelayMs(policy.backoff.policy, policy.backoff.delayMs, i + 1)));
        expect(j.acked).toBe(1);
        expect(outcomes.filter((o) => o === "retried")).toHaveLength(policy.retries);
        const reason = failing === 0 ? "connect ECONNREFUSED" : `HTTP ${failing}`;
        if (policy.deadLetter === null) {
          expect(settled).toBe("dropped");
          expect(engine.stats.dropped).toBe(1);
        } else if (policy.deadLetter.type === "queue") {
          expect(settled).toBe("dead-lettered");
          expect(j.queued).toEqual([{ name: "dlq", reason, attempts: policy.retries + 1 }]);
        } else {
          expect(settled).toBe("dead-lettered");
          const dl = d2.calls.at(-1)!;
          expect(dl.fn).toBe("app/dl");
          expect(dl.event.headers["ce-zeroscalefailure"]).toBe(reason);
          expect(dl.event.headers["ce-zeroscaleattempts"]).toBe(String(policy.retries + 1));
          expect(dl.event.headers["ce-id"]).toBe("m-1");
        }
        expect(engine.stats).toMatchObject({ delivered: 0, retried: policy.retries });
      }),
      { numRuns: 150 },
    );
  });

  it("success stops: a 2xx after k failures acks, k retries, no dead letter", async () => {
    await fc.assert(
      fc.asyncProperty(policyArb, fc.nat(), fc.integer({ min: 200, max: 299 }), async (policy: RetryPolicy, k0, ok) => {
        const k = k0 % (policy.retries + 1);
        const clock = fakeClock();
        const deliver = fakeDeliver([...Array(k).fill(503), ok, 500]);
        const engine = new RetryEngine({ trigger: "app/t", target: "app/fn", policy, deliver, log, maxInflight: 1, clock });
        const j = job();
        expect(await engine.run(j)).toBe("delivered");
        expect(deliver.calls).toHaveLength(k + 1);
        expect(clock.waits).toHaveLength(k);
        expect(j.acked).toBe(1);
        expect(j.queued).toEqual([]);
        expect(engine.stats).toEqual({ delivered: 1, retried: k, deadLettered: 0, dropped: 0 });
      }),
    );
  });

  it("attempts made before a restart count: the remaining ones only, and none left goes straight to the dead letter", async () => {
    const policy: RetryPolicy = { retries: 3, backoff: { policy: "linear", delayMs: 10 }, deadLetter: { type: "queue", name: "dlq" }, timeoutMs: undefined };
    const clock = fakeClock();
    const deliver = fakeDeliver([500]);
    const engine = new RetryEngine({ trigger: "t", target: "fn", policy, deliver, log, maxInflight: 1, clock });
    const bumps: number[] = [];
    const j = job({ attemptsMade: 2, beforeRetry: async (n) => void bumps.push(n) });
    expect(await engine.run(j)).toBe("dead-lettered");
    expect(deliver.calls).toHaveLength(2); // attempts 3 and 4
    expect(bumps).toEqual([3, 4]);
    expect(clock.waits).toEqual([30]); // before retry 3
    const done = job({ attemptsMade: 4 });
    expect(await engine.run(done)).toBe("dead-lettered");
    expect(deliver.calls).toHaveLength(2);
    expect(done.queued[0]?.attempts).toBe(4);
  });

  it("a message in backoff holds no slot: later messages are delivered while it waits; stop leaves it unacked", async () => {
    const policy: RetryPolicy = { retries: 5, backoff: { policy: "exponential", delayMs: 1000 }, deadLetter: null, timeoutMs: 5000 };
    const pending: (() => void)[] = [];
    const clock: Clock = { now: () => 0, sleep: (_ms, signal) => new Promise((r) => (pending.push(() => r(true)), signal.addEventListener("abort", () => r(false)))) };
    const deliver: Deliver = async (_fn, _t, ev) => (ev.headers["ce-id"] === "poison" ? 500 : 200);
    const engine = new RetryEngine({ trigger: "t", target: "fn", policy, deliver, log, maxInflight: 1, clock });
    const poison = job({ id: "poison", event: { ...event, id: "poison", headers: { "ce-id": "poison" } } });
    const p = engine.run(poison);
    await new Promise((r) => setTimeout(r, 10));
    expect(pending).toHaveLength(1); // waiting in backoff
    expect(engine.free()).toBe(1);
    const others = Array.from({ length: 5 }, () => job());
    expect(await Promise.all(others.map((o) => engine.run(o)))).toEqual(Array(5).fill("delivered"));
    await engine.stop();
    expect(await p).toBe("held");
    expect(poison.acked).toBe(0);
  });

  it("bounds the messages waiting in backoff (free() is 0 at maxWaiting) and attempts in flight (maxInflight)", async () => {
    const policy: RetryPolicy = { retries: 1, backoff: { policy: "linear", delayMs: 1 }, deadLetter: null, timeoutMs: undefined };
    const clock: Clock = { now: () => 0, sleep: (_ms, signal) => new Promise((r) => signal.addEventListener("abort", () => r(false))) };
    let inflight = 0;
    let peak = 0;
    const deliver: Deliver = async () => {
      peak = Math.max(peak, ++inflight);
      await new Promise((r) => setTimeout(r, 5));
      inflight--;
      return 500;
    };
    const engine = new RetryEngine({ trigger: "t", target: "fn", policy, deliver, log, maxInflight: 2, maxWaiting: 3, clock });
    const runs = Array.from({ length: 3 }, () => engine.run(job()));
    await new Promise((r) => setTimeout(r, 50));
    expect(peak).toBeLessThanOrEqual(2);
    expect(engine.held()).toBe(3);
    expect(engine.free()).toBe(0);
    await engine.stop();
    expect(await Promise.all(runs)).toEqual(["held", "held", "held"]);
  });

  it("a failing dead letter is tried again (backoff, capped) until it takes the message; the target is not attempted again; ack once", async () => {
    const clock = fakeClock();
    const policy: RetryPolicy = { retries: 1, backoff: { policy: "exponential", delayMs: 100 }, deadLetter: { type: "function", target: "app/dl" }, timeoutMs: undefined };
    // target: 500, 500 (1 + 1 retry); dead-letter function: 503, refused, 503, then 200
    const d = fakeDeliver([500, 500, 503, 0, 503, 200]);
    const engine = new RetryEngine({ trigger: "app/t", target: "app/fn", policy, deliver: d, log, maxInflight: 1, clock });
    const j = job();
    expect(await engine.run(j)).toBe("dead-lettered");
    expect(d.calls.map((c) => c.fn)).toEqual(["app/fn", "app/fn", "app/dl", "app/dl", "app/dl", "app/dl"]);
    expect(clock.waits).toEqual([200, 200, 400, 800]); // the retry, then the dead letter's own tries
    expect(j.acked).toBe(1);
    expect(engine.stats).toMatchObject({ retried: 1, deadLettered: 1, dropped: 0 });
    // A dead-letter queue that fails twice: the same, through toQueue.
    let fails = 2;
    const q = job({ toQueue: async () => { if (fails-- > 0) throw new Error("queue down"); } });
    const engine2 = new RetryEngine({ trigger: "app/t", target: "app/fn", policy: { ...policy, deadLetter: { type: "queue", name: "dlq" } }, deliver: fakeDeliver([500]), log, maxInflight: 1, clock: fakeClock() });
    expect(await engine2.run(q)).toBe("dead-lettered");
    expect(q.acked).toBe(1);
  });

  it("a dead letter still failing when the engine stops leaves the message held (unacknowledged with the broker)", async () => {
    const never: Clock = { now: () => 0, sleep: (_ms, signal) => new Promise((r) => signal.addEventListener("abort", () => r(false), { once: true })) };
    const policy: RetryPolicy = { retries: 0, backoff: { policy: "linear", delayMs: 10 }, deadLetter: { type: "function", target: "app/dl" }, timeoutMs: undefined };
    const engine = new RetryEngine({ trigger: "app/t", target: "app/fn", policy, deliver: fakeDeliver([500, 500]), log, maxInflight: 1, clock: never });
    const j = job();
    const run = engine.run(j);
    await new Promise((r) => setTimeout(r, 20));
    await engine.stop();
    expect(await run).toBe("held");
    expect(j.acked).toBe(0);
  });

  it("nextStep is the whole policy", () => {
    const p: RetryPolicy = { retries: 2, backoff: { policy: "exponential", delayMs: 100 }, deadLetter: null, timeoutMs: undefined };
    expect(nextStep(p, 1, true)).toEqual({ kind: "ack" });
    expect(nextStep(p, 1, false)).toEqual({ kind: "retry", waitMs: 200 });
    expect(nextStep(p, 2, false)).toEqual({ kind: "retry", waitMs: 400 });
    expect(nextStep(p, 3, false)).toEqual({ kind: "dead-letter" });
  });
});

// The pool in isolation: a fake driver, a fake readiness probe and a fake clock (no processes, no sockets).
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth, type FunctionNode } from "zeroscale";
import type { Driver, ExitInfo, Instance, InstanceSpec } from "../runtime/drivers/types.js";
import { ActivationError, type Clock, ClientGoneError, FunctionPool, type PoolEvent, type PoolOptions } from "../runtime/gateway/pool.js";

class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((x) => x !== timer));
  }
  /** Move time on by `ms`, firing due timers in order (and letting promises settle after each). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await flush();
  }
}
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

interface FakeInstance extends Instance {
  exit(info: ExitInfo): void;
  stopped: boolean;
}

/** Starts instances at once (or fails them with `failWith`); each can be made to exit. */
class FakeDriver implements Driver {
  readonly kind = "process" as const;
  readonly started: FakeInstance[] = [];
  starts: number[] = [];
  failWith: string | undefined;
  constructor(private readonly clock: FakeClock) {}
  async prepare(): Promise<void> {}
  async cleanup(): Promise<number> {
    return 0;
  }
  async start(_spec: InstanceSpec): Promise<Instance> {
    this.starts.push(this.clock.now());
    if (this.failWith) throw new Error(this.failWith);
    let exit!: (info: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (exit = r));
    const inst: FakeInstance = {
      id: `fake-${this.started.length + 1}`,
      port: 10_000 + this.started.length,
      exited,
      stopped: false,
      exit,
      async stop() {
        inst.stopped = true;
        exit({ code: 0, signal: null });
      },
      async usage() {
        return null;
      },
    };
    this.started.push(inst);
    return inst;
  }
}

function fnNode(concurrency = 1): FunctionNode {
  const app = new App({ name: "pool" });
  new ServerlessFunction(app, "f", { code: { path: "functions", handler: "echo.js#handler" }, concurrency });
  return synth(app).nodes.find((n): n is FunctionNode => n.kind === "function") as FunctionNode;
}

function makePool(o: Partial<PoolOptions> & { concurrency?: number; ready?: boolean } = {}) {
  const clock = new FakeClock();
  const driver = new FakeDriver(clock);
  const events: PoolEvent[] = [];
  let ready = o.ready ?? true;
  const pool = new FunctionPool(fnNode(o.concurrency), driver, {
    app: "pool",
    bufferSize: 10,
    waitTimeoutMs: 30_000,
    startTimeoutMs: 60_000,
    env: {},
    clock,
    probe: () => (ready ? Promise.resolve(true) : new Promise<boolean>(() => {})), // not ready: still probing
    onEvent: (e) => events.push(e),
    ...o,
  });
  // The controller's part, minimal: wake to one instance.
  pool.onActivate = () => pool.scaleTo(1);
  return { pool, clock, driver, events, setReady: (r: boolean) => (ready = r) };
}

describe("FunctionPool (fake driver, fake clock)", () => {
  it("wakes from zero on a request, holds it until the instance is ready, then hands it over", async () => {
    const { pool, clock, driver, events } = makePool();
    const arrival = pool.arrive();
    const acquired = pool.acquire("request");
    arrival.settle();
    expect(pool.buffered).toBe(1);
    await clock.advance(1);
    const inst = await acquired;
    expect(inst.id).toBe("fake-1");
    expect(inst.inflight).toBe(1);
    expect(driver.starts).toEqual([0]);
    expect(events.filter((e) => e.type === "instance").map((e) => (e as { state: string }).state)).toEqual(["starting", "ready"]);
    pool.release(inst);
    expect(pool.inflight).toBe(0);
    expect(pool.takeArrivals()).toBe(1);
  });

  it("least in flight within the concurrency limit; a request beyond it waits, then gets 503 at capacity", async () => {
    const { pool, clock } = makePool({ concurrency: 2, waitTimeoutMs: 1000, maxInstances: 1 });
    pool.scaleTo(1);
    await clock.advance(1);
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(a).toBe(b);
    const c = pool.acquire();
    const rejected = c.catch((e: unknown) => e);
    await clock.advance(1000);
    const e = (await rejected) as ActivationError;
    expect(e).toBeInstanceOf(ActivationError);
    expect(e.status).toBe(503);
    expect(e.message).toBe("pool/f: at capacity: 1 ready instance (max instances 1) all busy with 2 requests each for 1000 ms; retry shortly");
  });

  it("504 when no instance became ready in time", async () => {
    const { pool, clock } = makePool({ waitTimeoutMs: 1000, ready: false });
    const rejected = pool.acquire().catch((e: unknown) => e);
    await clock.advance(1000);
    expect(((await rejected) as ActivationError).status).toBe(504);
  });

  it("backs off failed starts exponentially (0.5 s doubling, capped at 30 s) and fails waiters fast with the cause", async () => {
    const { pool, clock, driver } = makePool();
    driver.failWith = "the runner exited before listening (code 1: boom)";
    const waiter = pool.acquire().catch((e: unknown) => e);
    await clock.advance(0);
    const e = (await waiter) as ActivationError;
    expect(e.status).toBe(502);
    expect(e.message).toBe("pool/f: crash-looping: the runner exited before listening (code 1: boom)");
    expect(pool.crashLoop?.cause).toBe("the runner exited before listening (code 1: boom)");
    // While backing off with no start under way, a request is refused at once, with Retry-After.
    const fast = (await pool.acquire().catch((x: unknown) => x)) as ActivationError;
    expect(fast.status).toBe(503);
    expect(fast.retryAfterSeconds).toBe(1);
    expect(fast.message).toMatch(/crash-looping: .*boom\); next start in 0\.5s$/);
    await clock.advance(120_000);
    const gaps = driver.starts.slice(1).map((t, i) => t - (driver.starts[i] as number));
    expect(gaps.slice(0, 8)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it("resets the backoff once an instance has stayed ready, and clears crash-looping when one is ready", async () => {
    const { pool, clock, driver } = makePool({ backoff: { resetAfterMs: 10_000 } });
    driver.failWith = "boom";
    pool.scaleTo(1);
    await clock.advance(600); // failed at 0, again at 500
    expect(driver.starts).toEqual([0, 500]);
    driver.failWith = undefined;
    await clock.advance(1000); // third start at 1500 succeeds
    expect(pool.ready).toBe(1);
    expect(pool.crashLoop).toBeUndefined();
    await clock.advance(10_000);
    // It crashes now: the next failed start waits 0.5 s again, not 2 s.
    (driver.started[0] as FakeInstance).exit({ code: 1, signal: null });
    driver.failWith = "boom";
    await clock.advance(0);
    const failedAt = driver.starts.at(-1) as number;
    await clock.advance(600);
    expect((driver.starts.at(-1) as number) - failedAt).toBe(500);
  });

  it("drops a buffered request whose client left: never handed out, not counted as an arrival or in demand", async () => {
    const { pool, clock } = makePool({ ready: false });
    const arrival = pool.arrive();
    const gone = new AbortController();
    const acquired = pool.acquire("request", gone.signal).catch((e: unknown) => e);
    arrival.settle();
    expect(pool.buffered).toBe(1);
    gone.abort();
    arrival.withdraw();
    expect(await acquired).toBeInstanceOf(ClientGoneError);
    expect(pool.buffered).toBe(0);
    expect(pool.takeArrivals()).toBe(0);
    await clock.advance(1000);
    expect(pool.takeConcurrency()).toBe(0);
  });

  it("replaces an instance that exits while ready at once, and drains to zero only when its request ends", async () => {
    const { pool, clock, driver, events } = makePool();
    pool.scaleTo(1);
    await clock.advance(1);
    (driver.started[0] as FakeInstance).exit({ code: null, signal: "SIGKILL" });
    await clock.advance(1);
    expect(driver.started.length).toBe(2);
    expect(events).toContainEqual({ type: "instance", fn: "pool/f", id: "fake-1", state: "stopped", reason: "exited unexpectedly: signal SIGKILL" });
    const inst = await pool.acquire();
    pool.scaleTo(0);
    expect(pool.counts()).toEqual({ starting: 0, ready: 0, draining: 1 });
    expect((driver.started[1] as FakeInstance).stopped).toBe(false);
    pool.release(inst);
    await clock.advance(1);
    expect((driver.started[1] as FakeInstance).stopped).toBe(true);
    expect(pool.counts()).toEqual({ starting: 0, ready: 0, draining: 0 });
  });
});

// The pool in isolation: a fake driver, a fake readiness probe and a fake clock (no processes, no sockets).
import { describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth, type FunctionNode } from "zeroscale";
import type { Driver, ExitInfo, Instance, InstanceSpec } from "../runtime/drivers/types.js";
import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import { ActivationError, type Clock, ClientGoneError, FunctionPool, type PoolEvent, type PoolOptions } from "../runtime/gateway/pool.js";
import type { DataPlane } from "../runtime/gateway/data-plane.js";
import { connectFailure, dispatch } from "../runtime/gateway/dispatch.js";
import { ForwardError } from "../runtime/gateway/proxy.js";

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
  /** Called with each started instance (e.g. to make it crash soon after). */
  afterStart: ((inst: FakeInstance) => void) | undefined;
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
    this.afterStart?.(inst);
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

  it("resets the backoff once an instance has stayed ready, and clears crash-looping only once it stayed ready resetAfterMs", async () => {
    const { pool, clock, driver } = makePool({ backoff: { resetAfterMs: 10_000 } });
    driver.failWith = "boom";
    pool.scaleTo(1);
    await clock.advance(600); // failed at 0, again at 500
    expect(driver.starts).toEqual([0, 500]);
    driver.failWith = undefined;
    await clock.advance(1000); // third start at 1500 succeeds
    expect(pool.ready).toBe(1);
    expect(pool.crashLoop?.cause).toBe("boom"); // ready, not yet proven: an early crash would still be a loop
    await clock.advance(10_000);
    expect(pool.crashLoop).toBeUndefined();
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
    await clock.advance(10_000); // past resetAfterMs: a crash now is not a failed start
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

  it("counts an exit soon after readiness as a failed start: backs off, says crash-looping with the cause, clears it once one stays up", async () => {
    const { pool, clock, driver } = makePool({ backoff: { resetAfterMs: 10_000 } });
    // Every instance passes readiness, then crashes 50 ms later (an asynchronous throw after listen).
    driver.afterStart = (inst) => void clock.setTimer(() => inst.exit({ code: 1, signal: null, stderr: "late boom" }), 50);
    pool.scaleTo(1);
    await clock.advance(3000);
    // Without the backoff it is restarted at once after every crash (one start per 50 ms: 60 in 3 s).
    // The first crash is replaced at once (one crash is not a loop); then 1 s, then 2 s (at 3150).
    expect(driver.starts).toEqual([0, 50, 1100]);
    expect(pool.crashLoop?.cause).toBe("exited 50 ms after becoming ready (code 1: late boom)");
    const fast = (await pool.acquire().catch((x: unknown) => x)) as ActivationError;
    expect(fast.status).toBe(503);
    expect(fast.message).toMatch(/^pool\/f: crash-looping: exited 50 ms after becoming ready/);
    // It stops crashing: the crash state ends only once an instance has stayed ready resetAfterMs.
    driver.afterStart = undefined;
    await clock.advance(30_000);
    expect(pool.ready).toBe(1);
    expect(pool.crashLoop).toBeUndefined();
  });
});

describe("dispatch (fake data plane)", () => {
  const refused = (code: string) => new ForwardError(`connect ${code}`, code, "no");
  const fakeRes = () => Object.assign(new EventEmitter(), { statusCode: 200, headers: {}, complete: true }) as unknown as IncomingMessage;
  /** A data plane whose forwards to the instances in `failing` fail with `code`; the others answer. */
  const plane = (failing: Map<string, string>, sent: string[]): DataPlane => ({
    setRoutes() {},
    setInstances() {},
    drain() {},
    stats: () => ({ inflight: {}, forwarded: 0, failed: 0 }),
    close() {},
    takeLoad: () => ({ concurrency: 0, arrivals: 0, inflight: 0, idleSinceMs: undefined }),
    quiesced: async () => {},
    async forward(_fn, endpoint) {
      sent.push(endpoint.id);
      const code = failing.get(endpoint.id);
      if (code) throw refused(code);
      return { res: fakeRes(), abort() {} };
    },
  });
  const target = (pool: FunctionPool) => ({ node: pool.fn, pool });
  const req = { method: "POST", path: "/", headers: {}, body: Buffer.from("x") };

  it("classifies connect errors: only the instance's absence evicts; the gateway's own limits are 503s", () => {
    for (const code of ["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH"]) expect(connectFailure(code), code).toBe("instance-gone");
    for (const code of ["EMFILE", "ENFILE", "EADDRNOTAVAIL", "ENOBUFS"]) expect(connectFailure(code), code).toBe("local");
    expect(connectFailure("EWHATEVER")).toBe("other");
  });

  it("a gateway-side connect error (EMFILE, EADDRNOTAVAIL, ...) answers 503 and keeps the healthy instance", async () => {
    for (const code of ["EMFILE", "ENFILE", "EADDRNOTAVAIL", "ENOBUFS"]) {
      const { pool, clock, driver } = makePool();
      pool.scaleTo(1);
      await clock.advance(1);
      const out = await dispatch(target(pool), plane(new Map([["fake-1", code]]), []), req, { kind: "request", extraHeaders: {}, arrival: pool.arrive() });
      expect(out, code).toMatchObject({ ok: false, status: 503, retryAfterSeconds: 1 });
      expect((out as { message: string }).message).toContain(code);
      await clock.advance(1);
      expect(pool.instances.map((i) => [i.id, i.state]), code).toEqual([["fake-1", "ready"]]);
      expect(driver.started).toHaveLength(1);
      expect(pool.inflight).toBe(0);
    }
  });

  it("a refused connection evicts the instance before releasing it: a buffered request is never handed the dead one", async () => {
    const { pool, clock } = makePool({ concurrency: 1 });
    pool.scaleTo(1);
    await clock.advance(1);
    const sent: string[] = [];
    const dp = plane(new Map([["fake-1", "ECONNREFUSED"]]), sent);
    // A takes fake-1 (its connection will be refused); B finds it busy and waits in the buffer.
    const served = (p: ReturnType<typeof dispatch>) => p.then((r) => (r.ok && r.release(), r));
    const a = served(dispatch(target(pool), dp, req, { kind: "request", extraHeaders: {}, arrival: pool.arrive() }));
    const b = served(dispatch(target(pool), dp, req, { kind: "request", extraHeaders: {}, arrival: pool.arrive() }));
    expect(pool.buffered).toBe(1);
    await clock.advance(10);
    expect(await a).toMatchObject({ ok: true });
    expect(await b).toMatchObject({ ok: true });
    // fake-1 was refused once and evicted before its slot was released: B never went to it.
    expect(sent).toEqual(["fake-1", "fake-2", "fake-2"]);
  });
});

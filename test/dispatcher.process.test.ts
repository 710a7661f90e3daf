// The KEDA dispatcher (runtime/dispatcher-main.ts) as a real process against the local Redis, with a
// local HTTP server as the function and another as the dead-letter function. Its config is the one
// keda() writes into the dispatcher Deployment (only the cluster URLs are pointed at loopback).
// Under CI=true Redis must be there; on a laptop without it the file skips.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { existsSync } from "node:fs";
import { connect as netConnect } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CloudEvent, HTTP } from "cloudevents";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { keda } from "zeroscale/providers/keda";
import type { DispatchConfig } from "../providers/keda/dispatcher.js";

const REDIS = process.env["ZS_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";
const ROOT = fileURLToPath(new URL("..", import.meta.url));
// What ships: the esbuild bundle in the gateway image (npm test's pretest builds it; under CI it must exist).
// On a laptop the source runs through tsx unless ZS_TEST_BUNDLE=1, so a stale bundle never hides an edit.
const BUNDLE = join(ROOT, "dist/gateway/dispatcher.cjs");
const useBundle = process.env["CI"] === "true" || process.env["ZS_TEST_BUNDLE"] === "1";
if (useBundle && !existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build`);
const COMMAND = useBundle ? [BUNDLE] : ["--import", "tsx", "runtime/dispatcher-main.ts"];

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = netConnect(Number(u.port), u.hostname, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}
const hasRedis = await reachable(REDIS);
if (process.env["CI"] === "true" && !hasRedis) throw new Error(`CI=true but Redis is not running at ${REDIS}`);

interface Received {
  readonly at: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A local "function": records every request; answers what `answer` says (after `delayMs`). */
async function fnServer(answer: (r: Received) => { status: number; delayMs?: number }): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = { at: Date.now(), headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") };
      got.push(r);
      const a = answer(r);
      setTimeout(() => res.writeHead(a.status).end(), a.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

const toEvent = (r: Received): CloudEvent<unknown> => {
  const ev = HTTP.toEvent<unknown>({ headers: r.headers, body: r.body });
  const one = (Array.isArray(ev) ? ev[0] : ev) as CloudEvent<unknown>;
  one.validate();
  return one;
};

/** The dispatcher config keda() writes for a redis trigger on `stream` (2 retries, linear 400 ms, a dead-letter function, 5 s per attempt). */
function writtenConfig(stream: string): DispatchConfig {
  const app = new App({ name: "disp" });
  const dead = new ServerlessFunction(app, "dead", { image: "r.example.com/dead:1" });
  dead.addTrigger("http", { http: { path: "/dead" } });
  const worker = new ServerlessFunction(app, "worker", { image: "r.example.com/worker:1", concurrency: 4 });
  worker.addTrigger("orders", { queue: { broker: "redis", connection: "redis://redis.data:6379", name: stream, consumerGroup: "workers" }, delivery: { retries: 2, backoff: { policy: "linear", delay: "400ms" }, deadLetter: dead, timeout: "5s" } });
  worker.addScalingPolicy({ maxInstances: 2, metric: { queueLength: 5 } });
  const plan = keda({ namespace: "shop" }).compile(synth(app));
  const deployment = plan.resources.map((r) => r.manifest).find((m) => m.kind === "Deployment" && m.metadata.labels["app.kubernetes.io/component"] === "dispatcher") as unknown as { spec: any };
  const env = deployment.spec.template.spec.containers[0].env as { name: string; value: string }[];
  return JSON.parse(env.find((e) => e.name === "ZEROSCALE_DISPATCH")?.value ?? "{}") as DispatchConfig;
}

interface Running {
  readonly proc: ChildProcess;
  readonly metricsPort: number;
  readonly exit: Promise<number | null>;
  output(): string;
}

/** Start the dispatcher with `config`; resolves once /healthz answers 200. */
async function startDispatcher(config: DispatchConfig): Promise<Running> {
  const metricsPort = await freePort();
  const proc = spawn(process.execPath, COMMAND, {
    cwd: ROOT,
    env: { ...process.env, ZEROSCALE_DISPATCH: JSON.stringify(config), ZEROSCALE_BROKER_URL: REDIS, ZEROSCALE_METRICS_PORT: String(metricsPort), LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  proc.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const exit = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  const healthy = await waitFor(async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`).catch(() => null))?.status === 200, 20_000);
  expect(healthy, output).toBe(true);
  return { proc, metricsPort, exit, output: () => output };
}

describe.skipIf(!hasRedis)(`KEDA dispatcher process (Redis Streams, ${useBundle ? "the bundle" : "the source"})`, () => {
  const stream = `zs-dispatch-${process.pid}-${Date.now()}`;
  const redis = new Redis(REDIS);
  let proc: ChildProcess;
  let fn: Awaited<ReturnType<typeof fnServer>>;
  let dl: Awaited<ReturnType<typeof fnServer>>;
  let metricsPort: number;
  let exit: Promise<number | null>;
  let run: Running;
  const output = () => run.output();

  beforeAll(async () => {
    fn = await fnServer((r) => (r.body.includes("poison") ? { status: 500 } : r.body.includes("slow") ? { status: 200, delayMs: 1200 } : { status: 200 }));
    dl = await fnServer(() => ({ status: 200 }));
    const written = writtenConfig(stream);
    expect(written.target.url).toMatch(/^http:\/\/disp-worker-[0-9a-f]{8}\.shop\.svc\.cluster\.local$/);
    expect(written.deadLetter).toMatchObject({ fn: "disp/dead", url: "http://keda-add-ons-http-interceptor-proxy.keda:8080/dead", host: expect.stringMatching(/^disp-dead-[0-9a-f]{8}\.shop\.svc\.cluster\.local$/) });
    // Only the cluster addresses change: the function and the dead letter are local servers here.
    run = await startDispatcher({ ...written, target: { ...written.target, url: fn.url }, deadLetter: { fn: "disp/dead", url: `${dl.url}/dead` }, connectWaitSeconds: 2 });
    ({ proc, metricsPort, exit } = run);
  }, 40_000);

  afterAll(async () => {
    if (proc.exitCode === null) proc.kill("SIGKILL");
    await redis.del(stream);
    redis.disconnect();
    fn.server.close();
    dl.server.close();
  });

  const pending = async () => ((await redis.xpending(stream, "workers")) as [number])[0];

  it("POSTs each entry as a valid CloudEvent to the function and acks it after the 2xx", async () => {
    const id = (await redis.xadd(stream, "*", "order", "42")) as string;
    expect(await waitFor(() => fn.got.some((r) => r.headers["ce-id"] === id), 10_000), output()).toBe(true);
    const got = fn.got.filter((r) => r.headers["ce-id"] === id);
    expect(got).toHaveLength(1);
    const ev = toEvent(got[0] as Received);
    expect([ev.type, ev.source, ev.subject, ev.id]).toEqual(["dev.zeroscale.queue.redis", "/zeroscale/disp/worker/orders", stream, id]);
    expect(ev.data).toEqual({ order: "42" });
    expect(await waitFor(async () => (await pending()) === 0, 5000)).toBe(true);
  });

  it("retries a 500 per the policy (2 retries, linear 400 ms: waits 400 then 800 ms), then POSTs it to the dead letter with the failure, and acks it", async () => {
    const id = (await redis.xadd(stream, "*", "order", "poison")) as string;
    const next = (await redis.xadd(stream, "*", "order", "43")) as string;
    // The next message keeps flowing while the poison one waits in backoff.
    expect(await waitFor(() => fn.got.some((r) => r.headers["ce-id"] === next), 5000)).toBe(true);
    expect(await waitFor(() => dl.got.some((r) => r.headers["ce-id"] === id), 10_000), output()).toBe(true);
    const attempts = fn.got.filter((r) => r.headers["ce-id"] === id);
    expect(attempts).toHaveLength(3);
    const gaps = attempts.slice(1).map((a, i) => a.at - (attempts[i] as Received).at);
    expect(gaps[0]).toBeGreaterThanOrEqual(380);
    expect(gaps[0]).toBeLessThan(1000);
    expect(gaps[1]).toBeGreaterThanOrEqual(780);
    expect(gaps[1]).toBeLessThan(1500);
    expect(fn.got.find((r) => r.headers["ce-id"] === next)!.at).toBeLessThan((attempts[2] as Received).at);
    const dead = dl.got.filter((r) => r.headers["ce-id"] === id);
    expect(dead).toHaveLength(1);
    const ev = toEvent(dead[0] as Received);
    expect(ev.id).toBe(id);
    expect(ev["zeroscalefailure"]).toBe("HTTP 500");
    expect(ev["zeroscaleattempts"]).toBe("3");
    expect(await waitFor(async () => (await pending()) === 0, 5000)).toBe(true);
  });

  it("serves /metrics (the backlog gauge), /backlog (JSON for KEDA's metrics-api scaler) and /healthz", async () => {
    // Hold entries in backoff, so the backlog is not zero for a while.
    for (let i = 0; i < 3; i++) await redis.xadd(stream, "*", "order", `poison-${i}`);
    let seen = 0;
    let held = 0;
    await waitFor(async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const m = new RegExp(`zeroscale_dispatcher_backlog\\{trigger="disp/worker/orders"\\} (\\d+)`).exec(text);
      seen = Math.max(seen, Number(m?.[1] ?? 0));
      held = Math.max(held, ((await (await fetch(`http://127.0.0.1:${metricsPort}/backlog`)).json()) as { backlog: number }).backlog);
      return seen >= 1 && held >= 1;
    }, 5000);
    expect(seen, output()).toBeGreaterThanOrEqual(1);
    expect(held).toBeGreaterThanOrEqual(1);
    expect(await waitFor(async () => dl.got.filter((r) => r.body.includes("poison-")).length === 3, 10_000)).toBe(true);
    expect(await waitFor(async () => (await pending()) === 0, 5000)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(200);
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(text).toMatch(/zeroscale_dispatcher_messages\{trigger="disp\/worker\/orders",outcome="deadLettered"\} 4/);
  });

  it("on SIGTERM finishes the delivery under way, acks it once, and exits 0", async () => {
    const id = (await redis.xadd(stream, "*", "order", "slow")) as string;
    expect(await waitFor(() => fn.got.some((r) => r.headers["ce-id"] === id), 5000)).toBe(true);
    proc.kill("SIGTERM");
    expect(await exit, output()).toBe(0);
    expect(fn.got.filter((r) => r.headers["ce-id"] === id)).toHaveLength(1);
    expect(await pending()).toBe(0);
    expect(output()).toContain('"msg":"stopped"');
  });
});

describe.skipIf(!hasRedis)("KEDA dispatcher: a function scaling from zero", () => {
  it("a refused connection (no ready pod behind the Service yet) is retried until the function listens, and is not counted as an attempt", async () => {
    const stream = `zs-dispatch-cold-${process.pid}-${Date.now()}`;
    const redis = new Redis(REDIS);
    const port = await freePort(); // nothing listens here yet
    const dl = await fnServer(() => ({ status: 200 }));
    const written = writtenConfig(stream);
    const run = await startDispatcher({ ...written, target: { ...written.target, url: `http://127.0.0.1:${port}` }, deadLetter: { fn: "disp/dead", url: dl.url }, connectWaitSeconds: 20 });
    try {
      const id = (await redis.xadd(stream, "*", "order", "cold")) as string;
      // Longer than every attempt and backoff of the policy (3 attempts, 400 + 800 ms): counted refusals would have dead-lettered it by now.
      await new Promise((r) => setTimeout(r, 2500));
      const got: string[] = [];
      const fn = createServer((req, res) => {
        got.push(String(req.headers["ce-id"]));
        req.resume();
        req.on("end", () => res.writeHead(200).end());
      });
      await new Promise<void>((r) => fn.listen(port, "127.0.0.1", r));
      try {
        expect(await waitFor(() => got.includes(id), 5000), run.output()).toBe(true);
        expect(got).toEqual([id]);
        expect(dl.got).toEqual([]);
        expect(await waitFor(async () => ((await redis.xpending(stream, "workers")) as [number])[0] === 0, 5000)).toBe(true);
      } finally {
        fn.close();
      }
    } finally {
      run.proc.kill("SIGTERM");
      await run.exit;
      dl.server.close();
      await redis.del(stream);
      redis.disconnect();
    }
  }, 40_000);
});

// The schedule Jobs' delivery script (providers/kubernetes/schedule-script.ts), RUN with sh and the
// machine's curl against local HTTP servers: attempts, backoff spacing, the per-attempt timeout,
// the CloudEvent headers (validated with the cloudevents SDK) and the dead letter.
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CloudEvent, HTTP } from "cloudevents";
import { afterEach, describe, expect, it } from "vitest";
import { App, type DeliveryProps, ServerlessFunction, synth, type TriggerNode } from "zeroscale";
import { effectiveDelivery } from "../lib/events/models.js";
import { scheduleScript } from "../providers/kubernetes/schedule-script.js";

interface Received {
  readonly at: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A local server answering the n-th request (0-based) with `status(n)`; `null` never answers. */
async function server(status: (n: number) => number | null): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const s = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const code = status(got.length);
      got.push({ at: Date.now(), headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
      if (code !== null) res.writeHead(code).end();
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, got };
}

const NO_DATA = Symbol("no data");
function trigger(delivery: Omit<DeliveryProps, "deadLetter">, withDeadLetter: boolean, data: unknown = { task: "report" }): TriggerNode {
  const app = new App({ name: "sched" });
  const dead = new ServerlessFunction(app, "dead", { image: "r.example.com/dead:1" });
  dead.addTrigger("http", { http: { path: "/dead" } });
  const fn = new ServerlessFunction(app, "fn", { image: "r.example.com/fn:1", timeout: "60s" });
  fn.addTrigger("nightly", { schedule: { cron: "0 3 * * *", ...(data === NO_DATA ? {} : { data }) }, delivery: { ...delivery, ...(withDeadLetter ? { deadLetter: dead } : {}) } } as never);
  return synth(app).nodes.find((n) => n.kind === "trigger" && n.id === "sched/fn/nightly") as TriggerNode;
}

function run(t: TriggerNode, target: string, deadLetter?: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const { delivery } = effectiveDelivery("keda", t);
  const { script, env } = scheduleScript({ trigger: t, delivery: delivery!, target: { url: `${target}/fn`, host: "fn.shop.svc.cluster.local" }, deadLetter: deadLetter ? { url: `${deadLetter}/dead` } : null, fallbackTimeoutSeconds: 60 });
  const t0 = Date.now();
  return new Promise((resolve) => {
    const p = spawn("sh", ["-c", script], { env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...Object.fromEntries(env.map((e) => [e.name, e.value])) } });
    let stderr = "";
    p.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    p.on("exit", (code) => resolve({ code, stderr, ms: Date.now() - t0 }));
  });
}

const event = (r: Received): CloudEvent<unknown> => {
  const ev = HTTP.toEvent<unknown>({ headers: r.headers, body: r.body });
  const one = (Array.isArray(ev) ? ev[0] : ev) as CloudEvent<unknown>;
  one.validate();
  return one;
};
const gaps = (got: Received[]) => got.slice(1).map((r, i) => r.at - (got[i] as Received).at);

describe("schedule Job script", () => {
  it("500 twice then 200: three attempts with exponential backoff (200 ms, 400 ms), one ce-id, a valid CloudEvent, exit 0", async () => {
    const fn = await server((n) => (n < 2 ? 500 : 200));
    const r = await run(trigger({ retries: 3, backoff: { policy: "exponential", delay: "100ms" } }, false), fn.url);
    expect(r.code, r.stderr).toBe(0);
    expect(fn.got).toHaveLength(3);
    const [g1, g2] = gaps(fn.got) as [number, number];
    expect(g1).toBeGreaterThanOrEqual(190);
    expect(g1).toBeLessThan(700);
    expect(g2).toBeGreaterThanOrEqual(390);
    expect(g2).toBeLessThan(900);
    const events = fn.got.map(event);
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    const ev = events[0]!;
    expect(ev.id).toMatch(/^sched\/fn\/nightly@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(ev.id).toBe(`sched/fn/nightly@${ev.time}`);
    expect([ev.specversion, ev.type, ev.source, ev.datacontenttype]).toEqual(["1.0", "dev.zeroscale.schedule", "/zeroscale/sched/fn/nightly", "application/json"]);
    expect(ev.data).toEqual({ task: "report" });
    expect(fn.got[0]?.headers["host"]).toBe("fn.shop.svc.cluster.local");
    expect(r.stderr).toContain("delivered on attempt 3");
  });

  it("always 500: retries + 1 attempts (linear 150 ms, 300 ms), then the dead letter with the failure and the attempts, same ce-id", async () => {
    const fn = await server(() => 500);
    const dl = await server(() => 200);
    const r = await run(trigger({ retries: 2, backoff: { policy: "linear", delay: "150ms" } }, true, "ping"), fn.url, dl.url);
    expect(r.code, r.stderr).toBe(0);
    expect(fn.got).toHaveLength(3);
    const [g1, g2] = gaps(fn.got) as [number, number];
    expect(g1).toBeGreaterThanOrEqual(140);
    expect(g1).toBeLessThan(650);
    expect(g2).toBeGreaterThanOrEqual(290);
    expect(g2).toBeLessThan(800);
    expect(dl.got).toHaveLength(1);
    const ev = event(dl.got[0] as Received);
    expect(ev.id).toBe(event(fn.got[0] as Received).id);
    expect([ev["zeroscalefailure"], ev["zeroscaleattempts"]]).toEqual(["HTTP 500", "3"]);
    expect([ev.datacontenttype, ev.data]).toEqual(["text/plain", "ping"]);
    expect(dl.got[0]?.headers["host"]).not.toBe("fn.shop.svc.cluster.local");
  });

  it("no dead letter: exit 1 after the last attempt, saying it dropped the event", async () => {
    const fn = await server(() => 503);
    const r = await run(trigger({ retries: 1, backoff: { policy: "linear", delay: "50ms" } }, false), fn.url);
    expect(r.code).toBe(1);
    expect(fn.got).toHaveLength(2);
    expect(r.stderr).toMatch(/dropped after 2 attempts \(no dead letter\): HTTP 503/);
  });

  it("a function that never answers: each attempt ends at the per-attempt timeout (curl --max-time), the failure names it", async () => {
    const fn = await server(() => null);
    const dl = await server(() => 200);
    const r = await run(trigger({ retries: 0, timeout: "1s" }, true), fn.url, dl.url);
    expect(r.code, r.stderr).toBe(0);
    expect(fn.got).toHaveLength(1);
    expect(r.ms).toBeGreaterThanOrEqual(950);
    expect(r.ms).toBeLessThan(4000);
    const ev = event(dl.got[0] as Received);
    expect(ev["zeroscalefailure"]).toMatch(/^curl exit 28: /);
    expect(ev["zeroscaleattempts"]).toBe("1");
  });

  it("no data: no body and no content type; data starting with @ is sent as is (never read as a file)", async () => {
    const fn = await server(() => 200);
    expect((await run(trigger({ retries: 0 }, false, NO_DATA), fn.url)).code).toBe(0);
    expect(fn.got[0]?.body).toBe("");
    expect(fn.got[0]?.headers["content-type"]).not.toBe("application/json");
    expect((await run(trigger({ retries: 0 }, false, "@/etc/passwd"), fn.url)).code).toBe(0);
    expect(fn.got[1]?.body).toBe("@/etc/passwd");
  });

  it("is pure: the same trigger gives the same script and env; the backoff is in the env", () => {
    const t = trigger({ retries: 3, backoff: { policy: "exponential", delay: "1s" } }, true);
    const mk = () => scheduleScript({ trigger: t, delivery: effectiveDelivery("keda", t).delivery!, target: { url: "http://x/fn" }, deadLetter: { url: "http://y/" }, fallbackTimeoutSeconds: 60 });
    expect(mk()).toEqual(mk());
    expect(Object.fromEntries(mk().env.map((e) => [e.name, e.value]))).toMatchObject({ BACKOFF: "2 4 8", TIMEOUT: "60", CE_SOURCE: "/zeroscale/sched/fn/nightly", CE_TRIGGER: "sched/fn/nightly", DEAD_LETTER_URL: "http://y/" });
    expect(mk().maxSeconds).toBe(5 * 60 + 14);
  });
});

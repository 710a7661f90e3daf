// The web console's admin API against a running Gateway (process driver): the page and its vendored
// assets are served locally with the Host check; /graph, /live (stats, cost with prices from the query),
// /requests, /logs, /timeline; the actions (invoke, fire, publish, scale-to-zero) and their errors (no
// JSON content type, unknown trigger, wrong kind, bad prices). publish needs Redis (started by .ci/run;
// it skips on a laptop without one, never under CI=true).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vcpuOf } from "../lib/cost/index.js";
import { type Gateway, ProcessDriver } from "../runtime/index.js";
import { REDIS, reachable } from "./support/brokers.js";
import { consoleDemoApp } from "../scripts/console-screenshots.js";
import { FIXTURES, startGateway, waitFor } from "./support/gateway.js";

/** A raw HTTP request to the admin listener (to set any Host header). */
function raw(url: string, o: { method?: string; path: string; host?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: o.method ?? "GET", path: o.path, headers: { host: o.host ?? u.host, ...o.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

const post = (gw: Gateway, action: string, body: unknown) => fetch(`${gw.adminUrl}/actions/${action}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const redisUp = await reachable(REDIS);
const queue = `console-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
let gw: Gateway;

beforeAll(async () => {
  let g: Gateway | undefined;
  const driver = new ProcessDriver(FIXTURES, (fn, stream, line) => g?.live.log({ at: Date.now(), fn, stream, level: stream === "stderr" ? "error" : "info", line }));
  g = gw = await startGateway(consoleDemoApp("console-api", redisUp ? { queue: { url: REDIS, name: queue } } : {}), driver);
}, 60_000);
afterAll(async () => {
  await gw?.stop();
});

describe("console assets", () => {
  it("serves the page, its modules and the vendored uPlot and dagre from the package (no CDN)", async () => {
    const page = await fetch(`${gw.adminUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/console/app.js">');
    expect(html).not.toMatch(/https?:\/\//); // every asset is local
    for (const [path, type] of [["/console/app.js", /javascript/], ["/console/graph.js", /javascript/], ["/console/charts.js", /javascript/], ["/console/style.css", /css/], ["/console/vendor/uPlot.esm.js", /javascript/], ["/console/vendor/uPlot.min.css", /css/], ["/console/vendor/dagre.esm.js", /javascript/]] as const) {
      const res = await fetch(`${gw.adminUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(type);
      expect((await res.text()).length, path).toBeGreaterThan(100);
    }
    expect((await fetch(`${gw.adminUrl}/console/../package.json`)).status).toBe(404);
    expect((await fetch(`${gw.adminUrl}/console/vendor/nope.js`)).status).toBe(404);
  });

  it("ships every console file in the package (npm pack), the vendored libraries under dist", async () => {
    const root = fileURLToPath(new URL("..", import.meta.url));
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    const { CONSOLE_FILES, VENDOR_FILES } = await import("../runtime/console/assets.js");
    const expected = [...CONSOLE_FILES.map((f) => `dist/runtime/console/${f}`), ...Object.keys(VENDOR_FILES).map((f) => `dist/runtime/console/vendor/${f}`)];
    expect(expected.filter((f) => !files.includes(f))).toEqual([]);
    // The built module serves the vendored copies (the sources read node_modules).
    const built = join(root, "dist/runtime/console/assets.js");
    expect(existsSync(built)).toBe(true);
    const dist = (await import(built)) as typeof import("../runtime/console/assets.js");
    expect(dist.consoleAsset("vendor/dagre.esm.js")?.body.length).toBeGreaterThan(10_000);
    expect(dist.consoleAsset("index.html")?.type).toMatch(/^text\/html/);
  }, 60_000);

  it("applies the admin Host check to the console and every new endpoint", async () => {
    for (const path of ["/", "/console/app.js", "/graph", "/live", "/requests", "/logs", "/timeline"]) {
      const res = await raw(gw.adminUrl, { path, host: "evil.example:80" });
      expect(res.status, path).toBe(403);
    }
    const action = await raw(gw.adminUrl, { method: "POST", path: "/actions/scale-to-zero", host: "rebound.example", headers: { "content-type": "application/json" }, body: JSON.stringify({ fn: "console-api/api" }) });
    expect(action.status).toBe(403);
    expect((await raw(gw.adminUrl, { path: "/graph", host: `localhost:${new URL(gw.adminUrl).port}` })).status).toBe(200);
  });
});

describe("console data", () => {
  it("GET /graph is the deployment graph", async () => {
    const graph = (await (await fetch(`${gw.adminUrl}/graph`)).json()) as { app: { name: string }; nodes: { id: string }[]; edges: { kind: string; from: string; to: string }[] };
    expect(graph).toEqual(JSON.parse(JSON.stringify(gw.graph)));
    expect(graph.edges).toContainEqual(expect.objectContaining({ kind: "deadLetters", to: "console-api/dead" }));
  });

  it("GET /live has per-function stats, status, triggers and the cost with the prices asked for", async () => {
    const res = await fetch(`${gw.url}/api/hello`);
    expect(res.status).toBe(200);
    expect(await waitFor(async () => ((await (await fetch(`${gw.adminUrl}/live`)).json()) as { functions: { fn: string; requests: number }[] }).functions.some((f) => f.fn === "console-api/api" && f.requests >= 1), 5000)).toBe(true);
    // Let the once-a-second tick integrate the instance for a while.
    await new Promise((r) => setTimeout(r, 2100));
    const live = (await (await fetch(`${gw.adminUrl}/live?vcpuSecond=1&gibSecond=0&fixed=2`)).json()) as {
      functions: { fn: string; requests: number; instanceSeconds: number; p50Ms: number | null }[];
      status: { id: string }[];
      cost: { fn: string; actual: { instanceSeconds: number; cost: number }; alwaysOnFixed: { size: number } }[];
      pricesUsed: { vcpuSecond: number };
      samples: Record<string, { at: number; ready: number }[]>;
    };
    const api = live.functions.find((f) => f.fn === "console-api/api")!;
    expect(api.instanceSeconds).toBeGreaterThan(0.5);
    expect(api.p50Ms).toBeGreaterThan(0);
    expect(live.status.map((s) => s.id).sort()).toEqual(["console-api/api", "console-api/dead", "console-api/worker"]);
    const cost = live.cost.find((c) => c.fn === "console-api/api")!;
    expect(live.pricesUsed.vcpuSecond).toBe(1);
    expect(cost.alwaysOnFixed.size).toBe(2);
    // At 1 USD per vCPU-second and nothing for memory, the cost is the vCPU-seconds.
    const fnNode = gw.graph.nodes.find((n) => n.id === "console-api/api")!;
    expect(fnNode.kind === "function" && cost.actual.cost).toBeCloseTo(cost.actual.instanceSeconds * vcpuOf(fnNode.kind === "function" ? fnNode.cpu : "0"), 6);
    expect(live.samples["console-api/api"]!.some((s) => s.ready >= 1)).toBe(true);
    const since = Math.max(...live.samples["console-api/api"]!.map((s) => s.at));
    const next = (await (await fetch(`${gw.adminUrl}/live?since=${since}`)).json()) as { samples: Record<string, { at: number }[]> };
    expect(next.samples["console-api/api"]!.every((s) => s.at > since)).toBe(true);
  });

  it("answers 400 for prices that are not numbers", async () => {
    const res = await fetch(`${gw.adminUrl}/live?vcpuSecond=cheap`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('"vcpuSecond" must be a number');
  });

  it("GET /requests and /logs filter the ring buffers; a 500 has its log line", async () => {
    expect((await fetch(`${gw.url}/api/boom`)).status).toBe(500);
    expect(await waitFor(async () => ((await (await fetch(`${gw.adminUrl}/logs?fn=console-api/api&q=card%20declined`)).json()) as { logs: unknown[] }).logs.length > 0, 5000)).toBe(true);
    const reqs = (await (await fetch(`${gw.adminUrl}/requests?fn=console-api/api&limit=1`)).json()) as { requests: { status: number; path: string }[] };
    expect(reqs.requests).toEqual([expect.objectContaining({ status: 500, path: "/api/boom" })]);
    const live = (await (await fetch(`${gw.adminUrl}/live`)).json()) as { functions: { fn: string; errors: Record<string, number> }[] };
    expect(live.functions.find((f) => f.fn === "console-api/api")!.errors["500"]).toBeGreaterThanOrEqual(1);
    const none = (await (await fetch(`${gw.adminUrl}/logs?fn=console-api/dead`)).json()) as { logs: unknown[] };
    expect(none.logs).toEqual([]);
  });

  it("GET /timeline keeps the decisions and instance events", async () => {
    const t = (await (await fetch(`${gw.adminUrl}/timeline`)).json()) as { events: { type: string; data: { fn?: string; state?: string } }[] };
    expect(t.events.some((e) => e.type === "instance" && e.data.fn === "console-api/api" && e.data.state === "ready")).toBe(true);
  });
});

describe("console actions", () => {
  it("refuse a body that is not declared JSON (CSRF), an unknown action and GET", async () => {
    const form = await fetch(`${gw.adminUrl}/actions/scale-to-zero`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "fn=console-api/api" });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { error: string }).error).toContain("content-type application/json");
    const text = await fetch(`${gw.adminUrl}/actions/invoke`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(text.status).toBe(400);
    expect((await fetch(`${gw.adminUrl}/actions/explode`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(404);
    expect((await fetch(`${gw.adminUrl}/actions/fire`)).status).toBe(405);
    const bad = await fetch(`${gw.adminUrl}/actions/fire`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain("not JSON");
    // A page of another origin (fetch sends Origin): refused, whatever its body.
    const port = new URL(gw.adminUrl).port;
    const cross = await fetch(`${gw.adminUrl}/actions/scale-to-zero`, { method: "POST", headers: { "content-type": "application/json", origin: "http://evil.example" }, body: '{"fn":"console-api/api"}' });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: string }).error).toContain("evil.example");
    const own = await fetch(`${gw.adminUrl}/actions/fire`, { method: "POST", headers: { "content-type": "application/json", origin: `http://127.0.0.1:${port}` }, body: '{"trigger":"console-api/nope"}' });
    expect(own.status).toBe(404); // past the origin check (an unknown trigger)
  });

  it("invoke goes through the route port like a client", async () => {
    const res = await post(gw, "invoke", { method: "POST", path: "/api/orders", headers: { "content-type": "application/json" }, body: '{"n":1}' });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { status: number; body: string };
    expect(out.status).toBe(200);
    expect(JSON.parse(out.body)).toEqual({ ok: true, path: "/api/orders" });
    const byFn = (await (await post(gw, "invoke", { fn: "console-api/api" })).json()) as { status: number; body: string };
    expect(byFn.status).toBe(200);
    expect(JSON.parse(byFn.body)).toEqual({ ok: true, path: "/api" });
    expect((await post(gw, "invoke", { fn: "console-api/worker" })).status).toBe(400); // no http trigger
    const missing = (await (await post(gw, "invoke", { path: "/nowhere" })).json()) as { status: number };
    expect(missing.status).toBe(404); // the route port's 404, passed back
    for (const body of [{}, { path: "api" }, { path: "/api", method: "BREW" }, { path: "/api", method: "GET", body: "x" }, { path: "/api", headers: { a: 1 } }]) {
      expect((await post(gw, "invoke", body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it("fire delivers the schedule's event now, with its delivery policy", async () => {
    const res = await post(gw, "fire", { trigger: "console-api/worker/nightly" });
    expect(res.status).toBe(200);
    const fired = (await res.json()) as { id: string };
    expect(fired).toMatchObject({ trigger: "console-api/worker/nightly", target: "console-api/worker", settled: "delivered" });
    expect(fired.id).toMatch(/^console-api\/worker\/nightly@\d{4}-\d\d-\d\dT[\d:.]+Z#manual-1$/); // its own id, never a cron firing's
    expect(await waitFor(async () => ((await (await fetch(`${gw.adminUrl}/logs?fn=console-api/worker&q=event%20dev.zeroscale.schedule`)).json()) as { logs: unknown[] }).logs.length === 1, 5000)).toBe(true);
    const unknown = await post(gw, "fire", { trigger: "console-api/nope" });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toContain("console-api/worker/nightly");
    const http = await post(gw, "fire", { trigger: "console-api/api/web" });
    expect(http.status).toBe(400);
    expect(((await http.json()) as { error: string }).error).toContain("only a schedule trigger can be fired");
  });

  it("publish refuses a trigger that is not a queue", async () => {
    const res = await post(gw, "publish", { trigger: "console-api/worker/nightly", data: {} });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("only a queue trigger");
    expect((await post(gw, "publish", { trigger: "console-api/worker/nightly" })).status).toBe(400);
  });

  it.skipIf(!redisUp && process.env["CI"] !== "true")("publish puts a test message on the queue trigger's Redis stream, and the connector delivers it", async () => {
    const res = await post(gw, "publish", { trigger: "console-api/worker/orders", data: { order: "42" } });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { broker: string; queue: string; id: string };
    expect(out).toMatchObject({ broker: "redis", queue });
    expect(out.id).toMatch(/^\d+-\d+$/);
    expect(await waitFor(async () => ((await (await fetch(`${gw.adminUrl}/logs?fn=console-api/worker&q=${encodeURIComponent(`event dev.zeroscale.queue.redis ${out.id}`)}`)).json()) as { logs: unknown[] }).logs.length === 1, 10_000)).toBe(true);
  });

  it("scale-to-zero drains the function now and it stays at zero until new work", async () => {
    await fetch(`${gw.url}/api/warm`);
    expect(gw.status().find((s) => s.id === "console-api/api")!.instances.ready).toBeGreaterThan(0);
    const res = await post(gw, "scale-to-zero", { fn: "console-api/api" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { stopping: number }).stopping).toBeGreaterThan(0);
    expect(await waitFor(() => gw.status().find((s) => s.id === "console-api/api")!.state === "at-zero", 5000)).toBe(true);
    const t = (await (await fetch(`${gw.adminUrl}/timeline`)).json()) as { events: { type: string; data: { reason?: string } }[] };
    expect(t.events.some((e) => e.type === "decision" && /scaled to zero from the console/.test(e.data.reason ?? ""))).toBe(true);
    // It stays there (its 5 s idle timeout had not run out: the engine alone would have kept it)...
    await new Promise((r) => setTimeout(r, 2500));
    expect(gw.status().find((s) => s.id === "console-api/api")!.instances).toEqual({ starting: 0, ready: 0, draining: 0 });
    // ...until new work wakes it.
    expect((await fetch(`${gw.url}/api/again`)).status).toBe(200);
    expect(await waitFor(() => gw.status().find((s) => s.id === "console-api/api")!.state === "ready", 5000)).toBe(true);
    expect((await post(gw, "scale-to-zero", { fn: "console-api/nope" })).status).toBe(404);
    expect((await post(gw, "scale-to-zero", {})).status).toBe(400);
  });
});

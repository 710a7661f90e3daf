// Least privilege on Docker: the controller (the only holder of the Docker socket) serves exactly
// start / stop / state of this app's pre-created function containers, to whoever has the token, and
// nothing else. Real containers on the local engine; the controller in-process on a Unix socket.
import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControllerDriver } from "../runtime/controller/driver.js";
import { type Controller, createController } from "../runtime/controller/server.js";
import { docker, hasDocker } from "./support/docker.js";
import { waitFor } from "./support/gateway.js";

const APP = "privtest";
const TOKEN = "t0ken-for-the-privilege-test-0123456789";
const SECRET = "hunter2-never-leaves-the-controller";
const IMAGE = "zeroscale/node:20";
const hasImage = hasDocker && (await docker.getImage(IMAGE).inspect().then(() => true, () => false));

const made: Docker.Container[] = [];
let controller: Controller;
let socketPath: string;
let own: Docker.Container; // privtest/fn, pre-created
let own2: Docker.Container;
let foreign: Docker.Container; // another app's function container
let gatewayLike: Docker.Container; // this app's label, but no function/port labels (the gateway, the controller)

async function create(name: string, labels: Record<string, string>): Promise<Docker.Container> {
  await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
  const c = await docker.createContainer({
    name,
    Image: IMAGE,
    Entrypoint: ["/usr/bin/node"],
    Cmd: ["-e", "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000)"],
    Env: [`SECRET=${SECRET}`],
    Labels: labels,
    HostConfig: { NetworkMode: "host", CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"], Init: true },
  });
  made.push(c);
  return c;
}

function call(method: string, path: string, token: string | null = TOKEN): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ socketPath, method, path, headers: token === null ? {} : { authorization: `Bearer ${token}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", fail);
    req.end();
  });
}
const running = async (c: Docker.Container) => (await c.inspect()).State.Running;

beforeAll(async () => {
  if (!hasImage) return;
  own = await create("privtest-fn-0", { "zeroscale.dev/app": APP, "zeroscale.dev/function": `${APP}/fn`, "zeroscale.dev/port": "29001", "zeroscale.dev/index": "0", "zeroscale.dev/pids-limit": "64" });
  own2 = await create("privtest-fn-1", { "zeroscale.dev/app": APP, "zeroscale.dev/function": `${APP}/fn`, "zeroscale.dev/port": "29002", "zeroscale.dev/index": "1" });
  foreign = await create("privtest-other-fn-0", { "zeroscale.dev/app": "other", "zeroscale.dev/function": "other/fn", "zeroscale.dev/port": "29003" });
  gatewayLike = await create("privtest-gateway-like", { "zeroscale.dev/app": APP, "zeroscale.dev/component": "gateway" });
  socketPath = join(mkdtempSync(join(tmpdir(), "zs-ctl-")), "controller.sock");
  controller = createController({ app: APP, networkMode: "host", token: TOKEN, log: () => {} });
  await new Promise<void>((r) => controller.server.listen(socketPath, () => r()));
}, 60_000);

afterAll(async () => {
  controller?.server.closeAllConnections();
  controller?.server.close();
  for (const c of made) await c.remove({ force: true }).catch(() => undefined);
});

describe.skipIf(!hasImage)("the Docker controller's allow-list", () => {
  it("401 without the token or with a wrong one, on every path (valid ones included)", async () => {
    for (const [method, path] of [["GET", `/v1/containers/${own.id}`], ["POST", `/v1/containers/${own.id}/start`], ["POST", "/v1/stop"], ["GET", "/v1/lease"], ["GET", "/containers/json"]] as const) {
      expect((await call(method, path, null)).status, `${method} ${path} without a token`).toBe(401);
      expect((await call(method, path, "wrong-token-wrong-token-wrong-token-00")).status, `${method} ${path} with a wrong token`).toBe(401);
      expect((await call(method, path, `${TOKEN}x`)).status).toBe(401);
    }
    expect(await running(own)).toBe(false);
  });

  it("403 for any container that is not one of this app's function containers: another app's, the gateway's, a name, a short id", async () => {
    for (const path of [`/v1/containers/${foreign.id}/start`, `/v1/containers/${gatewayLike.id}/start`, "/v1/containers/privtest-fn-0/start", `/v1/containers/${own.id.slice(0, 12)}/start`, `/v1/containers/${own.id.toUpperCase()}/start`]) {
      expect((await call("POST", path)).status, path).toBe(403);
    }
    expect((await call("POST", `/v1/containers/${foreign.id}/stop`)).status).toBe(403);
    expect((await call("GET", `/v1/containers/${foreign.id}`)).status).toBe(403);
    expect((await call("GET", `/v1/containers/${gatewayLike.id}/usage`)).status).toBe(403);
    expect((await call("GET", `/v1/containers/%2e%2e%2fcontainers%2fjson`)).status).toBe(403);
    expect(await running(foreign)).toBe(false);
    expect(await running(gatewayLike)).toBe(false);
    // Another app's function through the function listing: nothing of it is visible.
    expect(JSON.parse((await call("GET", `/v1/functions/${encodeURIComponent("other/fn")}`)).body)).toEqual({ containers: [] });
    expect((await call("GET", `/v1/functions/${encodeURIComponent("x,y=z;")}`)).status).toBe(403);
  });

  it("404 for every other verb or path (Docker's own API included)", async () => {
    const paths: [string, string][] = [
      ["DELETE", `/v1/containers/${own.id}`],
      ["PUT", `/v1/containers/${own.id}/start`],
      ["GET", `/v1/containers/${own.id}/start`],
      ["POST", `/v1/containers/${own.id}/exec`],
      ["POST", `/v1/containers/${own.id}/kill`],
      ["GET", `/v1/containers/${own.id}/logs`],
      ["POST", `/v1/containers/${own.id}/update`],
      ["POST", "/v1/containers/create"],
      ["GET", "/containers/json"],
      ["POST", "/containers/create"],
      ["POST", `/containers/${own.id}/start`],
      ["GET", `/v1.43/containers/${own.id}/json`],
      ["GET", "/v1/images/json"],
      ["GET", "/_ping"],
      ["GET", "/v1/containers/../../containers/json"],
      ["GET", `/v1/containers/${own.id}/start/x`],
      ["GET", "/"],
    ];
    for (const [method, path] of paths) expect((await call(method, path)).status, `${method} ${path}`).toBe(404);
    expect(await running(own)).toBe(false);
  });

  it("starts and stops its own containers; state and usage carry no env or secret", async () => {
    const started = await call("POST", `/v1/containers/${own.id}/start`);
    expect(started.status).toBe(200);
    expect(JSON.parse(started.body)).toEqual({ id: own.id, name: "privtest-fn-0", fn: "privtest/fn", host: "127.0.0.1", port: 29001 });
    expect(await running(own)).toBe(true);
    expect((await own.inspect()).HostConfig.PidsLimit).toBe(64); // from its label, applied before start
    expect((await call("POST", `/v1/containers/${own.id}/start`)).status).toBe(409);

    const state = await call("GET", `/v1/containers/${own.id}`);
    expect(state.status).toBe(200);
    expect(JSON.parse(state.body)).toEqual({ id: own.id, name: "privtest-fn-0", fn: "privtest/fn", host: "127.0.0.1", port: 29001, pidsLimit: 64, state: "running", running: true, health: null, exitCode: null });
    for (const r of [state, started, await call("GET", `/v1/containers/${own.id}/usage`), await call("GET", `/v1/functions/${encodeURIComponent("privtest/fn")}`)]) {
      expect(r.body).not.toMatch(/Env|SECRET|hunter2|Mounts|HostConfig|Config/);
    }
    const usage = JSON.parse((await call("GET", `/v1/containers/${own.id}/usage`)).body);
    expect(usage.memoryBytes).toBeGreaterThan(0);

    expect((await call("POST", `/v1/containers/${own.id}/stop?t=5`)).status).toBe(200);
    expect(await running(own)).toBe(false);
    expect(JSON.parse((await call("GET", `/v1/containers/${own.id}`)).body)).toMatchObject({ running: false, state: "exited" });
  });

  it("the data plane's ControllerDriver drives it; when its lease closes (the gateway died) the controller stops every instance", { timeout: 60_000 }, async () => {
    const driver = new ControllerDriver({ socketPath, token: TOKEN, pollMs: 200 });
    const fn = { id: `${APP}/fn`, name: "fn" } as never;
    expect(await driver.cleanup(APP)).toBe(0);
    await driver.prepare(fn);
    const a = await driver.start({ app: APP, fn, env: {} });
    const b = await driver.start({ app: APP, fn, env: {} });
    expect(new Set([a.port, b.port])).toEqual(new Set([29001, 29002]));
    await expect(driver.start({ app: APP, fn, env: {} })).rejects.toThrow("privtest/fn: all 2 pre-created containers are in use (maxInstances)");
    expect(await running(own)).toBe(true);
    expect(await running(own2)).toBe(true);
    // Which instance got which container follows the controller's listing (by container id, random):
    // own2 is the one on port 29002.
    const [onOwn, onOwn2] = a.port === 29002 ? [b, a] : [a, b];
    // Stopped behind the driver's back: it notices the exit on its next state poll (200 ms here).
    await own2.stop({ t: 1 });
    expect(await Promise.race([(onOwn2.exited as Promise<unknown>).then(() => "exited"), new Promise((r) => setTimeout(() => r("still running"), 10_000))])).toBe("exited");
    await onOwn.stop(1000);
    expect(await running(own)).toBe(false);

    // A raw lease, then the holder disappears without a word (as a SIGKILLed gateway does).
    expect((await call("POST", `/v1/containers/${own.id}/start`)).status).toBe(200);
    const lease = request({ socketPath, method: "GET", path: "/v1/lease", headers: { authorization: `Bearer ${TOKEN}` } });
    lease.end();
    await new Promise<void>((r) => lease.on("response", () => r()));
    lease.destroy();
    // The driver's own lease is still open (it lives as long as this process): close every lease.
    controller.server.closeAllConnections();
    expect(await waitFor(async () => !(await running(own)), 15_000)).toBe(true);
  });
});

describe("ControllerDriver's lease (a fake controller on a Unix socket; no Docker needed)", () => {
  /** A fake controller: `/v1/lease` as `lease` says, `/v1/stop` answers; records the order of calls. */
  async function fake(lease: (res: import("node:http").ServerResponse) => void) {
    const { createServer } = await import("node:http");
    const calls: string[] = [];
    const held = new Set<import("node:http").ServerResponse>();
    const server = createServer((req, res) => {
      calls.push(req.url ?? "");
      if (req.url === "/v1/lease") {
        held.add(res);
        return lease(res);
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ stopped: 0 }));
    });
    const path = join(mkdtempSync(join(tmpdir(), "zs-fake-ctl-")), "controller.sock");
    await new Promise<void>((r) => server.listen(path, () => r()));
    return {
      path,
      calls,
      close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
    };
  }
  const logs = () => {
    const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
    return { lines, log: (level: string, msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, ...(fields ? { fields } : {}) }) };
  };

  it("cleanup() waits for the lease's acknowledgement before it stops anything or the gateway serves", async () => {
    const ctl = await fake((res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      setTimeout(() => res.write(`${JSON.stringify({ lease: true })}\n`), 300);
    });
    try {
      const t0 = Date.now();
      const driver = new ControllerDriver({ socketPath: ctl.path, token: TOKEN, leaseTimeoutMs: 3000, log: () => {} });
      expect(await driver.cleanup(APP)).toBe(0);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      expect(ctl.calls).toEqual(["/v1/lease", "/v1/stop"]);
    } finally {
      await ctl.close();
    }
  });

  it("fails start with a clear error when the lease is refused (401), logging every failed attempt", async () => {
    const ctl = await fake((res) => res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "missing or wrong token" })));
    const { lines, log } = logs();
    try {
      const driver = new ControllerDriver({ socketPath: ctl.path, token: "wrong", leaseTimeoutMs: 2500, log });
      const t0 = Date.now();
      await expect(driver.cleanup(APP)).rejects.toThrow(/did not acknowledge the gateway's lease within 2500 ms \(the controller refused the lease: 401 .*missing or wrong token/);
      expect(Date.now() - t0).toBeLessThan(4000);
      expect(ctl.calls).not.toContain("/v1/stop"); // nothing done without a lease
      expect(lines.length).toBeGreaterThanOrEqual(2); // the first attempt and the retries
      expect(lines[0]).toMatchObject({ level: "error", msg: "could not take the controller lease; retrying in 1 s", fields: { error: expect.stringMatching(/401/) } });
    } finally {
      await ctl.close();
    }
  });

  it("fails start when the controller never acknowledges the lease (an open response, no line)", async () => {
    const ctl = await fake((res) => res.writeHead(200, { "content-type": "application/x-ndjson" }).flushHeaders());
    try {
      const driver = new ControllerDriver({ socketPath: ctl.path, token: TOKEN, leaseTimeoutMs: 1000, log: () => {} });
      await expect(driver.cleanup(APP)).rejects.toThrow(/did not acknowledge the gateway's lease within 1000 ms/);
    } finally {
      await ctl.close();
    }
  });

  it("logs a lost lease and takes it again", async () => {
    let n = 0;
    const ctl = await fake((res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.write(`${JSON.stringify({ lease: true })}\n`);
      if (++n === 1) setTimeout(() => res.destroy(), 100); // the controller restarts
    });
    const { lines, log } = logs();
    try {
      const driver = new ControllerDriver({ socketPath: ctl.path, token: TOKEN, log });
      await driver.cleanup(APP);
      expect(await waitFor(() => lines.some((l) => l.msg === "the controller lease is held again"), 5000)).toBe(true);
      expect(lines[0]).toMatchObject({ level: "warn", msg: "the controller lease failed; retrying in 1 s" });
    } finally {
      await ctl.close();
    }
  });
});

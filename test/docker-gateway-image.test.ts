// The Docker backend's gateway image, for real: built from this repo (FROM the locally imported node +
// haproxy image, scripts/make-node-image.sh --with-haproxy; no registry), run as the two containers the Pulumi program runs (the controller, the only
// one with the Docker socket; the gateway, user 65532, read-only, no socket), with a synthesized
// config, driving a request to a function container it starts from zero. Containers are created from
// the plan as the Pulumi program creates them.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { App, ServerlessFunction, synth } from "zeroscale";
import { type DockerPlan, docker as dockerBackend } from "zeroscale/providers/docker";
import { freePort } from "../runtime/index.js";
import { containersOf, docker, hasDocker } from "./support/docker.js";
import { waitFor } from "./support/gateway.js";

const root = new URL("..", import.meta.url).pathname;
const GATEWAY_IMAGE = "zeroscale/gateway:test";
const made: Docker.Container[] = [];

function build(tag: string, context: string, dockerfile: string, args: string[] = []): void {
  const r = spawnSync("docker", ["build", "-q", "-t", tag, "-f", dockerfile, ...args, context], { encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`docker build ${tag} failed:\n${r.stderr}`);
}

/** Create a plan's function containers (created, not started), as the Pulumi program does. */
async function createPlanned(plan: DockerPlan): Promise<void> {
  for (const c of plan.containers) {
    made.push(
      await docker.createContainer({
        name: c.name,
        Image: c.image,
        Env: Object.entries(c.env).map(([k, v]) => `${k}=${v}`),
        Labels: { ...c.labels },
        ...(c.user ? { User: c.user } : {}),
        // No PidsLimit here (Pulumi cannot set it): the controller applies the pids-limit label.
        HostConfig: { NetworkMode: "host", Memory: c.memoryMb * 2 ** 20, ReadonlyRootfs: c.readOnly, Tmpfs: { "/tmp": "rw,size=64m" }, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"], Init: true },
      }),
    );
  }
}

/** Run `node -e script` inside a container as its own user (docker exec); its stdout. */
function execNode(container: string, script: string): string {
  const r = spawnSync("docker", ["exec", container, "node", "-e", script], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`docker exec failed:\n${r.stderr}`);
  return r.stdout.trim();
}

const running = async () => (await containersOf("gwimage")).filter((c) => c.State === "running" && c.Labels["zeroscale.dev/function"] === "gwimage/hello");

afterAll(async () => {
  for (const c of made) await c.remove({ force: true }).catch(() => undefined);
});

describe.skipIf(!hasDocker)("docker backend: the gateway image", () => {
  it("builds from the repo, runs with a synthesized config, and wakes a function container from zero", { timeout: 240_000 }, async () => {
    build(GATEWAY_IMAGE, root, join(root, "docker/gateway.Dockerfile"), ["--build-arg", "BASE_IMAGE=zeroscale/gateway-base:20"]);

    const app = new App({ name: "gwimage" });
    const fn = new ServerlessFunction(app, "hello", { code: { path: "src", handler: "index.js#handler" }, env: { GREETING: "hi" } });
    fn.addTrigger("http", { http: { path: "/hello" } });
    fn.addScalingPolicy({ initialInstances: 0, maxInstances: 2 });
    const [port, admin, base] = await Promise.all([freePort(), freePort(), freePort()]);
    const plan = dockerBackend({ networkMode: "host", port, adminPort: admin, functionPortBase: base + 1000, gatewayImage: GATEWAY_IMAGE }).compile(synth(app));
    expect(plan.gateway.config.dataPlane, "the Docker backend's default data plane").toBe("haproxy");

    const image = plan.images[0];
    if (image?.kind !== "build" || !image.dockerfileContent) throw new Error("expected a generated Dockerfile");
    const dir = mkdtempSync(join(tmpdir(), "zs-df-"));
    writeFileSync(join(dir, "Dockerfile"), image.dockerfileContent);
    build(image.name, join(root, "examples/hello", image.context), join(dir, "Dockerfile"));
    for (const c of await containersOf("gwimage")) await docker.getContainer(c.Id).remove({ force: true });
    await createPlanned(plan);
    expect((await containersOf("gwimage")).every((c) => c.State === "created")).toBe(true);

    const configFile = join(dir, "gateway.json");
    writeFileSync(configFile, JSON.stringify({ graph: plan.graph, ...plan.gateway.config }));
    // The volume the two containers share (the Pulumi program makes a named volume).
    const control = mkdtempSync(join(tmpdir(), "zs-control-"));
    chmodSync(control, 0o755);
    const hardened = { ReadonlyRootfs: true, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"], Init: true };
    const controller = await docker.createContainer({
      name: `${plan.controller.name}-${Date.now()}`,
      Image: GATEWAY_IMAGE,
      Entrypoint: ["node", "/zeroscale/controller.cjs"],
      Cmd: [...plan.controller.command],
      Labels: { "zeroscale.dev/app": "gwimage", "zeroscale.dev/component": "controller" },
      HostConfig: { NetworkMode: plan.controller.networkMode, Binds: [`${plan.controller.socketPath}:/var/run/docker.sock`, `${control}:${plan.controller.mountPath}`], ...hardened },
    });
    made.push(controller);
    await controller.start();
    const gateway = await docker.createContainer({
      name: `${plan.gateway.name}-${Date.now()}`,
      Image: GATEWAY_IMAGE,
      User: plan.gateway.user,
      Labels: { "zeroscale.dev/app": "gwimage", "zeroscale.dev/component": "gateway" },
      HostConfig: { NetworkMode: "host", Binds: [`${control}:${plan.controller.mountPath}:ro`, `${configFile}:/etc/zeroscale/gateway.json:ro`], Tmpfs: { "/tmp": "rw,size=16m,mode=1777" }, ...hardened },
    });
    made.push(gateway);
    await gateway.start();
    const healthy = () =>
      waitFor(async () => {
        try {
          return (await fetch(`http://127.0.0.1:${admin}/healthz`)).status === 200;
        } catch {
          return false;
        }
      }, 20_000);
    const logs = async () => `gateway:\n${(await gateway.logs({ stdout: true, stderr: true })).toString()}\ncontroller:\n${(await controller.logs({ stdout: true, stderr: true })).toString()}`;
    if (!(await healthy())) throw new Error(`the gateway did not come up:\n${await logs()}`);

    const res = await fetch(`http://127.0.0.1:${port}/hello?name=docker`);
    expect(res.status, await logs()).toBe(200);
    expect(await res.json()).toEqual({ message: "hi, docker" });
    // HAProxy serves the route port, as the gateway's user on its read-only root (config and sockets under /tmp),
    // and carries the warm requests itself (the gateway's request log from it counts them).
    const top = await gateway.top({ ps_args: "-o pid,uid,comm" });
    const haproxy = (top.Processes as string[][]).filter((p) => p.join(" ").includes("haproxy"));
    expect(haproxy.length, JSON.stringify(top.Processes)).toBeGreaterThan(0);
    expect(haproxy.every((p: string[]) => p[1] === "65532"), JSON.stringify(haproxy)).toBe(true);
    for (let i = 0; i < 3; i++) expect((await fetch(`http://127.0.0.1:${port}/hello?name=warm`)).status).toBe(200);
    expect(await waitFor(async () => /zeroscale_requests_total\{function="gwimage\/hello",code="200"\} 4/.test(await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text()), 5000), await logs()).toBe(true);
    const [instance] = await running();
    expect(await running()).toHaveLength(1);
    expect((await docker.getContainer(instance!.Id).inspect()).HostConfig.PidsLimit).toBe(512); // the controller applied the label

    // Least privilege, from inside the data plane: not root, no Docker socket, and the controller
    // refuses anything but this app's function containers (its own container, here) and other verbs.
    const inspect = await gateway.inspect();
    expect(inspect.Config.User).toBe("65532:65532");
    expect(inspect.Mounts.map((m) => m.Destination).sort()).toEqual(["/etc/zeroscale/gateway.json", "/run/zeroscale"]);
    expect((await controller.inspect()).Mounts.map((m) => m.Destination).sort()).toEqual(["/run/zeroscale", "/var/run/docker.sock"]);
    const probe = `
      const http = require("node:http"), fs = require("node:fs");
      const token = fs.readFileSync("/run/zeroscale/token", "utf8").trim();
      const call = (method, path) => new Promise((ok) => { const r = http.request({ socketPath: "/run/zeroscale/controller.sock", method, path, headers: { authorization: "Bearer " + token } }, (res) => { res.resume(); ok(res.statusCode); }); r.on("error", (e) => ok(e.code)); r.end(); });
      (async () => console.log(JSON.stringify({
        uid: process.getuid(),
        socket: fs.existsSync("/var/run/docker.sock"),
        writeRoot: (() => { try { fs.writeFileSync("/x", ""); return "wrote"; } catch (e) { return e.code; } })(),
        foreign: await call("POST", "/v1/containers/${(await controller.inspect()).Id}/stop"),
        create: await call("POST", "/containers/create"),
        exec: await call("POST", "/v1/containers/${instance!.Id}/exec"),
      })))();`;
    expect(JSON.parse(execNode(inspect.Id, probe))).toEqual({ uid: 65532, socket: false, writeRoot: "EROFS", foreign: 403, create: 404, exec: 404 });

    // No orphans: SIGKILL the gateway; its lease on the controller closes and the instance stops.
    const killedAt = Date.now();
    await gateway.kill({ signal: "SIGKILL" });
    expect(await waitFor(async () => (await running()).length === 0, 15_000), await logs()).toBe(true);
    const reapedMs = Date.now() - killedAt;
    expect(reapedMs).toBeLessThan(15_000);

    // Started again, it serves again; stopped, it stops what it started.
    await gateway.start();
    if (!(await healthy())) throw new Error(`the gateway did not come back:\n${await logs()}`);
    expect((await fetch(`http://127.0.0.1:${port}/hello?name=again`)).status).toBe(200);
    expect(await running()).toHaveLength(1);
    await gateway.stop({ t: 10 });
    expect(await waitFor(async () => (await containersOf("gwimage")).every((c) => c.State !== "running" || c.Labels["zeroscale.dev/component"] === "controller"), 15_000)).toBe(true);
    expect((await containersOf("gwimage")).filter((c) => c.Labels["zeroscale.dev/function"])).toHaveLength(2); // the pre-created containers stay (Pulumi owns them), stopped
    await controller.stop({ t: 10 });
  });
});

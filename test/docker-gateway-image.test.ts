// The Docker backend's gateway image, for real: built from this repo (FROM the locally imported node
// image; no registry), run with a synthesized config, driving a request to a function container it
// starts from zero. Containers are created from the plan exactly as the Pulumi program creates them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
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
        HostConfig: { NetworkMode: "host", Memory: c.memoryMb * 2 ** 20, ReadonlyRootfs: c.readOnly, Tmpfs: { "/tmp": "rw,size=64m" }, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"], Init: true },
      }),
    );
  }
}

afterAll(async () => {
  for (const c of made) await c.remove({ force: true }).catch(() => undefined);
});

describe.skipIf(!hasDocker)("docker backend: the gateway image", () => {
  it("builds from the repo, runs with a synthesized config, and wakes a function container from zero", { timeout: 240_000 }, async () => {
    build(GATEWAY_IMAGE, root, join(root, "docker/gateway.Dockerfile"), ["--build-arg", "BASE_IMAGE=zeroscale/node:20"]);

    const app = new App({ name: "gwimage" });
    const fn = new ServerlessFunction(app, "hello", { code: { path: "src", handler: "index.js#handler" }, env: { GREETING: "hi" } });
    fn.addTrigger("http", { http: { path: "/hello" } });
    fn.addScalingPolicy({ initialInstances: 0, maxInstances: 2 });
    const [port, admin, base] = await Promise.all([freePort(), freePort(), freePort()]);
    const plan = dockerBackend({ networkMode: "host", port, adminPort: admin, functionPortBase: base + 1000, gatewayImage: GATEWAY_IMAGE }).compile(synth(app));

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
    const gateway = await docker.createContainer({
      name: `${plan.gateway.name}-${Date.now()}`,
      Image: GATEWAY_IMAGE,
      Labels: { "zeroscale.dev/app": "gwimage", "zeroscale.dev/component": "gateway" },
      HostConfig: {
        NetworkMode: "host",
        Binds: [`${plan.gateway.socketPath}:/var/run/docker.sock:ro`, `${configFile}:/etc/zeroscale/gateway.json:ro`],
        ReadonlyRootfs: true,
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        Init: true,
      },
    });
    made.push(gateway);
    await gateway.start();
    const up = await waitFor(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${admin}/healthz`)).status === 200;
      } catch {
        return false;
      }
    }, 20_000);
    if (!up) throw new Error(`the gateway did not come up:\n${(await gateway.logs({ stdout: true, stderr: true })).toString()}`);

    const res = await fetch(`http://127.0.0.1:${port}/hello?name=docker`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "hi, docker" });
    const running = (await containersOf("gwimage")).filter((c) => c.State === "running" && c.Labels["zeroscale.dev/function"] === "gwimage/hello");
    expect(running).toHaveLength(1);

    await gateway.stop({ t: 10 });
    expect(await waitFor(async () => (await containersOf("gwimage")).every((c) => c.State !== "running"), 15_000)).toBe(true);
    expect(await containersOf("gwimage")).toHaveLength(2 + 1); // the pre-created containers stay (Pulumi owns them), stopped
  });
});

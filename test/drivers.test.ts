// One suite, run by every instance driver: what the gateway relies on.
import { describe, expect, it } from "vitest";
import { App, type FunctionNode, ServerlessFunction, synth } from "zeroscale";
import { DockerDriver, type Driver, DriverError, freePort, ProcessDriver } from "../runtime/index.js";
import { containersOf, docker, hasDocker } from "./support/docker.js";
import { alive, FIXTURES, waitFor } from "./support/gateway.js";

function fnNode(app: string, props: ConstructorParameters<typeof ServerlessFunction>[2]): FunctionNode {
  const a = new App({ name: app });
  new ServerlessFunction(a, "fn", props);
  return synth(a).nodes.find((n) => n.kind === "function") as FunctionNode;
}

async function getJson(port: number, path: string): Promise<unknown> {
  let last: unknown;
  const ok = await waitFor(async () => {
    try {
      last = await (await fetch(`http://127.0.0.1:${port}${path}`)).json();
      return true;
    } catch {
      return false;
    }
  }, 15_000);
  if (!ok) throw new Error(`nothing answered on port ${port}`);
  return last;
}

function driverSuite(name: string, make: () => Driver, enabled: boolean, gone: (app: string, id: string) => Promise<boolean>) {
  describe.skipIf(!enabled)(`driver: ${name}`, () => {
    it("runs a code function on the given port with its env, and stops it", async () => {
      const driver = make();
      await driver.cleanup(`drv-${name}`);
      const fn = fnNode(`drv-${name}`, { code: { path: "functions", handler: "echo.js#handler" }, env: { GREETING: "hi" } });
      await driver.prepare(fn);
      const port = await freePort();
      const inst = await driver.start({ app: `drv-${name}`, fn, port, env: { GREETING: "hi" } });
      expect(inst.port).toBe(port);
      expect(await getJson(port, "/x?env=GREETING")).toEqual({ value: "hi" });
      const state = await Promise.race([inst.exited.then(() => "exited"), new Promise((r) => setTimeout(() => r("running"), 300))]);
      expect(state).toBe("running"); // `exited` settles only when the instance really ends
      expect(await getJson(port, "/x?env=PORT")).toEqual({ value: String(port) });
      await inst.stop(3000);
      await inst.exited;
      expect(await gone(`drv-${name}`, inst.id)).toBe(true);
    });

    it("reports an instance that exits by itself", async () => {
      const driver = make();
      const fn = fnNode(`drv-${name}-exit`, { code: { path: "functions", handler: "echo.js#handler" } });
      await driver.prepare(fn);
      const port = await freePort();
      const inst = await driver.start({ app: `drv-${name}-exit`, fn, port, env: {} });
      await getJson(port, "/x");
      void fetch(`http://127.0.0.1:${port}/crash`).catch(() => undefined);
      await expect(Promise.race([inst.exited.then(() => "exited"), new Promise((r) => setTimeout(() => r("timeout"), 10_000))])).resolves.toBe("exited");
      await inst.stop(1000);
    });
  });
}

driverSuite("process", () => new ProcessDriver(FIXTURES), true, async () => true);
driverSuite("docker", () => new DockerDriver({ baseDir: FIXTURES, docker }), hasDocker, async (app) => (await containersOf(app)).length === 0);

describe("driver: process specifics", () => {
  it("refuses an image function with a message saying what to install", async () => {
    const fn = fnNode("noimg", { image: "registry.example.com/x:1" });
    await expect(new ProcessDriver(FIXTURES).prepare(fn)).rejects.toThrow(DriverError);
    await expect(new ProcessDriver(FIXTURES).prepare(fn)).rejects.toThrow(/needs a Docker engine, and none is reachable; install and start one/);
  });

  it("leaves no process behind after stop", async () => {
    const driver = new ProcessDriver(FIXTURES);
    const fn = fnNode("pids", { code: { path: "functions", handler: "echo.js#handler" } });
    const port = await freePort();
    const inst = await driver.start({ app: "pids", fn, port, env: {} });
    const { pid } = (await getJson(port, "/")) as { pid: number };
    await inst.stop(2000);
    expect(alive(pid)).toBe(false);
  });
});

describe.skipIf(!hasDocker)("driver: docker specifics", () => {
  it("builds and runs a build function, labelled with app and function", async () => {
    const driver = new DockerDriver({ baseDir: FIXTURES, docker });
    const fn = fnNode("built", { build: { context: "functions/built" }, security: { runAsUser: 65532 } });
    await driver.prepare(fn);
    const port = await freePort();
    const inst = await driver.start({ app: "built", fn, port, env: { GREETING: "from docker" } });
    expect(await getJson(port, "/b")).toEqual({ built: true, path: "/b", greeting: "from docker" });
    const [info] = await containersOf("built");
    expect(info?.Labels).toMatchObject({ "zeroscale.dev/app": "built", "zeroscale.dev/function": "built/fn" });
    const details = await docker.getContainer(info!.Id).inspect();
    expect(details.HostConfig).toMatchObject({ NetworkMode: "host", ReadonlyRootfs: true, CapDrop: ["ALL"], Memory: 256 * 2 ** 20 });
    expect(details.Config.User).toBe("65532");
    await inst.stop(2000);
    expect(await containersOf("built")).toEqual([]);
  });

  it("cleanup removes containers an earlier run left behind", async () => {
    const driver = new DockerDriver({ baseDir: FIXTURES, docker });
    const fn = fnNode("leftover", { code: { path: "functions", handler: "echo.js#handler" } });
    await driver.prepare(fn);
    await driver.start({ app: "leftover", fn, port: await freePort(), env: {} });
    expect((await containersOf("leftover")).length).toBe(1);
    expect(await new DockerDriver({ baseDir: FIXTURES, docker }).cleanup("leftover")).toBe(1);
    expect(await containersOf("leftover")).toEqual([]);
  });

  it("says what to do when an image is missing and cannot be pulled", async () => {
    const fn = fnNode("missing", { image: "zeroscale-test/does-not-exist:1" });
    await expect(new DockerDriver({ baseDir: FIXTURES, docker }).prepare(fn)).rejects.toThrow(/is not on this Docker engine and could not be pulled .*build or load it first/);
  });
});

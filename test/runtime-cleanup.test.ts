// What zeroscale leaves on the machine: the Docker driver's runner folder goes with the driver (its
// close(), the gateway's stop()), with the process (exit), or, after a SIGKILL, with the next
// cleanup(); `zeroscale dev` writes each run's logs to a new 0600 file and prints where.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogFile } from "../cli/dev.js";
import { DockerDriver, freePort } from "../runtime/index.js";
import { hasDocker } from "./support/docker.js";
import { echoApp, startGateway, waitFor } from "./support/gateway.js";

const root = new URL("..", import.meta.url).pathname;
const runnerDirOf = (d: DockerDriver) => (d as unknown as { runnerDir: string | undefined }).runnerDir;
const prepareRunner = (d: DockerDriver) => (d as unknown as { prepareRunner(): void }).prepareRunner();

describe("runner folders", () => {
  it("are named for their process and removed by close()", () => {
    const driver = new DockerDriver({ baseDir: root });
    prepareRunner(driver);
    const dir = runnerDirOf(driver) as string;
    expect(dir).toMatch(new RegExp(`/zeroscale-runner-${process.pid}-[^/]+$`));
    expect(existsSync(join(dir, "serve.js")) && existsSync(join(dir, "format.js"))).toBe(true);
    driver.close();
    expect(existsSync(dir)).toBe(false);
    driver.close(); // twice is fine
    prepareRunner(driver); // and a closed driver can prepare again
    expect(existsSync(runnerDirOf(driver) as string)).toBe(true);
    driver.close();
  });

  it("are removed when the process exits without close()", () => {
    const script = 'import { DockerDriver } from "./runtime/drivers/docker.ts"; const d = new DockerDriver({ baseDir: "." }); d["prepareRunner"](); console.log(d["runnerDir"]);';
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const dir = r.stdout.trim();
    expect(dir).toMatch(/zeroscale-runner-\d+-/);
    expect(existsSync(dir)).toBe(false);
  });

  it("left by a killed process are removed by the next cleanup()", async () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout; // a pid that has exited
    const orphan = join(tmpdir(), `zeroscale-runner-${dead}-test`);
    mkdirSync(orphan, { recursive: true });
    writeFileSync(join(orphan, "serve.js"), "");
    const mine = new DockerDriver({ baseDir: root });
    prepareRunner(mine);
    await mine.cleanup("runtime-cleanup").catch(() => undefined); // the engine may be absent: the folders go first
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(runnerDirOf(mine) as string)).toBe(true); // a live process's folder stays
    mine.close();
  });

  it.skipIf(!hasDocker)("go with the gateway that used them", { timeout: 60_000 }, async () => {
    const driver = new DockerDriver({ baseDir: join(root, "test/fixtures") });
    const gateway = await startGateway(echoApp("runtime-cleanup"), driver);
    const dir = runnerDirOf(driver) as string;
    expect(existsSync(dir)).toBe(true);
    await gateway.stop();
    expect(existsSync(dir)).toBe(false);
  });
});

describe("the dev log file", () => {
  it("is new for each run, 0600, and never follows a planted symlink", () => {
    const dir = mkdtempSync(join(tmpdir(), "zs-logs-"));
    try {
      const first = createLogFile("shop", dir, 4242);
      expect(first).toBe(join(dir, "zeroscale-dev-shop-4242.log"));
      expect(statSync(first).mode & 0o777).toBe(0o600);
      writeFileSync(first, "an earlier run's logs\n");
      const second = createLogFile("shop", dir, 4242); // the same pid again: a new file, the old one kept
      expect(second).toMatch(/zeroscale-dev-shop-4242-\d+\.log$/);
      expect(readFileSync(first, "utf8")).toBe("an earlier run's logs\n");
      symlinkSync("/etc/passwd", join(dir, "zeroscale-dev-evil-1.log"));
      const third = createLogFile("evil", dir, 1);
      expect(lstatSync(third).isSymbolicLink()).toBe(false);
      expect(third).not.toBe(join(dir, "zeroscale-dev-evil-1.log"));
      expect(createLogFile("a/../b c", dir, 7)).toBe(join(dir, "zeroscale-dev-a_.._b_c-7.log"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("`zeroscale dev` prints its path and writes there", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "cli/bin.ts"), "dev", "examples/hello/app.ts", "--runtime", "process", "--port", String(port), "--log-level", "info"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    expect(await waitFor(() => /logs: (\S+)/.test(out), 30_000), out).toBe(true);
    const file = (/logs: (\S+)/.exec(out) as RegExpExecArray)[1] as string;
    expect(file).toBe(join(tmpdir(), `zeroscale-dev-hello-${child.pid}.log`));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await fetch(`http://127.0.0.1:${port}/hello`).then((r) => r.text());
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(readFileSync(file, "utf8")).toMatch(/^\[[^\]]+Z\] INFO: gateway started$/m); // readable (pino-pretty), the level kept
    rmSync(file, { force: true });
  });
});

// `zeroscale dev` as a user runs it: spawned, serving examples/hello on localhost, stopped with Ctrl-C.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../runtime/index.js";
import { containersOf, hasDocker } from "./support/docker.js";
import { waitFor } from "./support/gateway.js";

const root = new URL("..", import.meta.url).pathname;

async function runDev(runtime: "process" | "docker") {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, "bin/zeroscale.js"), "dev", "examples/hello/app.ts", "--runtime", runtime, "--port", String(port), "--log-level", "warn"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  expect(await waitFor(() => out.includes(`http://127.0.0.1:${port}/hello`), 30_000)).toBe(true);
  const res = await fetch(`http://127.0.0.1:${port}/hello?name=dev`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ message: "hello, dev" });
  expect(await waitFor(() => /hello\/hello -> \d+ \(/.test(out), 8000)).toBe(true); // the first decision, with its reason
  child.kill("SIGINT");
  expect(await exited).toBe(0);
  return out;
}

describe("zeroscale dev", () => {
  it("serves examples/hello as processes, prints its routes, and stops cleanly on Ctrl-C", async () => {
    const out = await runDev("process");
    expect(out).toContain("zeroscale dev: hello on processes");
    expect(out).toContain("stopped.");
  });

  it.skipIf(!hasDocker)("serves examples/hello as containers and removes every container it made", async () => {
    const out = await runDev("docker");
    expect(out).toContain("zeroscale dev: hello on Docker");
    expect(await containersOf("hello")).toEqual([]);
  });
});

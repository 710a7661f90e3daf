// `zeroscale dev` as a user runs it: spawned, serving examples/hello on localhost, stopped with Ctrl-C.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { coldStartFromFlags } from "../cli/dev.js";
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

/** `zeroscale dev` from the sources (tsx), for the flags this tree adds before dist/ is rebuilt. */
function devFromSource(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "cli/bin.ts"), "dev", "examples/hello/app.ts", "--runtime", "process", "--log-level", "warn", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, exited, output: () => out };
}

describe("zeroscale dev flags", () => {
  it.each([
    [["--cold-start-buffer", "abc"], "error: option '--cold-start-buffer <n>' argument 'abc' is invalid. Expected a whole number of requests >= 1, e.g. 100."],
    [["--cold-start-buffer", "0"], "error: option '--cold-start-buffer <n>' argument '0' is invalid. Expected a whole number of requests >= 1, e.g. 100."],
    [["--cold-start-wait", "5x"], `error: option '--cold-start-wait <duration>' argument '5x' is invalid. Expected a duration above 0 such as "500ms", "30s" or "2m".`],
    [["--emulate", "kube"], "error: option '--emulate <engine>' argument 'kube' is invalid. Allowed choices are zeroscale, knative, keda."],
    [["--cold-start-reject", "--cold-start-wait", "5s"], "error: --cold-start-reject cannot be combined with --cold-start-buffer or --cold-start-wait (reject mode holds no request)"],
  ])("refuses %j with an exact error", async (args, message) => {
    const run = devFromSource(args);
    expect(await run.exited).toBe(1);
    expect(run.output().trim().split("\n")[0]).toBe(message);
  });

  it("--emulate knative --cold-start-reject: the header says what runs", async () => {
    const port = await freePort();
    const run = devFromSource(["--port", String(port), "--emulate", "knative", "--grace", "4", "--cold-start-reject"]);
    expect(await waitFor(() => run.output().includes(`http://127.0.0.1:${port}/hello`), 30_000)).toBe(true);
    expect(run.output()).toContain("zeroscale dev: hello on processes, emulating knative's scaling");
    expect(run.output()).toMatch(/hello\/hello: \d+-\d+ instances, concurrency target [\d.]+ per instance, zero \d+s after the last request, cold start: 503 at once/);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
  });
});

describe("coldStartFromFlags", () => {
  it("gives only the fields the flags set (the gateway merges them over each function's cold start)", () => {
    expect(coldStartFromFlags({})).toBeUndefined();
    expect(coldStartFromFlags({ coldStartBuffer: 5 })).toEqual({ mode: "buffer", maxRequests: 5 });
    expect(coldStartFromFlags({ coldStartWait: 2500 })).toEqual({ mode: "buffer", maxWaitSeconds: 2.5 });
    expect(coldStartFromFlags({ coldStartBuffer: 5, coldStartWait: 2500 })).toEqual({ mode: "buffer", maxRequests: 5, maxWaitSeconds: 2.5 });
    expect(coldStartFromFlags({ coldStartReject: true })).toEqual({ mode: "reject" });
  });
});

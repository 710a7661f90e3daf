// `zeroscale dev` as a user runs it: spawned, serving examples/hello on localhost, stopped with Ctrl-C.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { pino } from "pino";
import { coldStartFromFlags, createLogFile, dataPlaneProblem, logFunctionLine, prettyLogFile } from "../cli/dev.js";
import { hasHaproxy } from "./faults/planes.js";
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
function devFromSource(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "cli/bin.ts"), "dev", "examples/hello/app.ts", "--runtime", "process", "--log-level", "warn", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env });
  let out = "";
  let stdout = "";
  child.stdout.on("data", (d) => ((out += d), (stdout += d)));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, exited, output: () => out, stdout: () => stdout };
}

describe("zeroscale dev flags", () => {
  it.each([
    [["--cold-start-buffer", "abc"], 'error ZS-CLI-FLAG zeroscale dev: --cold-start-buffer ("abc") is not a whole number of requests >= 1; use e.g. --cold-start-buffer 100.'],
    [["--cold-start-buffer", "0"], 'error ZS-CLI-FLAG zeroscale dev: --cold-start-buffer ("0") is not a whole number of requests >= 1; use e.g. --cold-start-buffer 100.'],
    [["--cold-start-wait", "5x"], `error ZS-CLI-FLAG zeroscale dev: --cold-start-wait ("5x") is not a duration above 0; use one such as "500ms", "30s" or "2m".`],
    [["--emulate", "kube"], 'error ZS-CLI-FLAG zeroscale dev: --emulate ("kube") is not one of zeroscale, knative, keda, cloudrun, aca, lambda; use one of zeroscale, knative, keda, cloudrun, aca, lambda.'],
    [["--emulate", "knatve"], 'error ZS-CLI-FLAG zeroscale dev: --emulate ("knatve") is not one of zeroscale, knative, keda, cloudrun, aca, lambda; did you mean --emulate knative? Use one of zeroscale, knative, keda, cloudrun, aca, lambda.'],
    [["--data-plane", "nginx"], 'error ZS-CLI-FLAG zeroscale dev: --data-plane ("nginx") is not one of node, haproxy; use one of node, haproxy.'],
    [["--cold-start-reject", "--cold-start-wait", "5s"], "error ZS-CLI-FLAG-CONFLICT zeroscale dev: --cold-start-reject (true) cannot be combined with --cold-start-wait (reject mode holds no request); drop one of them."],
  ])("refuses %j with an exact error, exit 2", async (args, message) => {
    const run = devFromSource(args);
    expect(await run.exited).toBe(2);
    expect(run.output().trim().split("\n")[0]).toBe(message);
  });

  it("--json prints status as JSON lines: ready (with routes), then stopping and stopped", async () => {
    const port = await freePort();
    const run = devFromSource(["--port", String(port), "--json"]);
    expect(await waitFor(() => run.output().includes('"event":"ready"'), 30_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    const events = run.stdout().trim().split("\n").map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
    expect(events[0]).toMatchObject({ event: "ready", app: "hello", runtime: "process", engine: "zeroscale", url: `http://127.0.0.1:${port}`, routes: [{ url: `http://127.0.0.1:${port}/hello`, path: "/hello", function: "hello/hello" }] });
    expect(events.map((e) => e.event).slice(-2)).toEqual(["stopping", "stopped"]);
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

/** A stand-in browser for `open` (its xdg-open hands a URL to $BROWSER when there is no desktop): it records the URLs it is given. */
function fakeBrowser(): { env: NodeJS.ProcessEnv; opened: () => string } {
  const dir = mkdtempSync(join(tmpdir(), "zs-browser-"));
  const script = join(dir, "browser.sh");
  const out = join(dir, "opened.txt");
  writeFileSync(script, `#!/bin/sh\necho "$@" >> '${out}'\n`, { mode: 0o755 });
  const { DISPLAY: _d, WAYLAND_DISPLAY: _w, XDG_CURRENT_DESKTOP: _x, ...env } = process.env;
  return { env: { ...env, BROWSER: script }, opened: () => (existsSync(out) ? readFileSync(out, "utf8") : "") };
}

describe("zeroscale dev output", () => {
  it("prints the console URL and --open opens it; writes a readable log file (pino-pretty: UTC time, level) only its owner can read", async () => {
    const port = await freePort();
    const browser = fakeBrowser();
    const run = devFromSource(["--port", String(port), "--log-level", "info", "--open"], browser.env);
    expect(await waitFor(() => run.output().includes(`http://127.0.0.1:${port}/hello`) && run.output().includes("logs: "), 30_000)).toBe(true);
    const consoleUrl = /^ {2}console: (http:\/\/127\.0\.0\.1:(\d+)\/)/m.exec(run.output());
    expect(consoleUrl).not.toBeNull();
    expect(run.output()).toContain(`admin: http://127.0.0.1:${consoleUrl?.[2]}/status`);
    expect(await waitFor(() => browser.opened() !== "", 10_000)).toBe(true);
    expect(browser.opened().trim()).toBe(consoleUrl?.[1]);
    expect(await (await fetch(`http://127.0.0.1:${port}/hello?name=log`)).json()).toEqual({ message: "hello, log" });
    const file = /^ {2}logs: (\S+)$/m.exec(run.output())?.[1] as string;
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const log = readFileSync(file, "utf8");
    expect(log).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z\] INFO: gateway started$/m);
    expect(log).toMatch(/^ {4}fn: "hello\/hello"$/m); // fields on their own lines, not JSON
    expect(log.split("\n").filter((l) => l.startsWith("{"))).toEqual([]);
    // Without a terminal stdout still gets the JSON log lines, as before.
    expect(run.stdout()).toMatch(/^\{"level":30,.*"msg":"gateway started"/m);
  });

  // A terminal, as a user has one: util-linux `script` gives dev a pty; Ctrl-C is typed into it.
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!hasScript && !process.env["CI"])("on a terminal: header with the console URL, then the live table redrawn in place, no colour with NO_COLOR; Ctrl-C stops", async () => {
    const port = await freePort();
    const cmd = `${process.execPath} --import tsx ${join(root, "cli/bin.ts")} dev examples/hello/app.ts --runtime process --port ${port} --log-level warn`;
    const browser = fakeBrowser(); // no --open: never used
    const { FORCE_COLOR: _forced, ...env } = browser.env; // vitest sets it; NO_COLOR alone must turn colour off
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], { cwd: root, stdio: ["pipe", "pipe", "pipe"], env: { ...env, NO_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      expect(await waitFor(() => out.includes("ready/start/drain"), 30_000)).toBe(true);
      expect(await (await fetch(`http://127.0.0.1:${port}/hello`)).json()).toEqual({ message: "hello, world" });
      expect(await waitFor(() => /ready, 1 wanted/.test(out), 10_000)).toBe(true);
      child.stdin.write("\x03"); // Ctrl-C
      expect(await waitFor(() => out.includes("stopped."), 20_000)).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill("SIGTERM");
    }
    await exited;
    expect(browser.opened()).toBe("");
    const screen = stripVTControlCharacters(out);
    expect(screen).toMatch(/^ {2}console: http:\/\/127\.0\.0\.1:\d+\/ {2}\(--open opens it in the browser\)/m);
    expect(screen).toContain("  hello/hello ");
    expect(out).not.toContain("\x1b[2J"); // no clear-screen
    expect(out).not.toMatch(/\x1b\[[0-9;]*m/); // NO_COLOR: no colour escapes
    expect(out.match(/zeroscale dev: hello on processes/g)).toHaveLength(1); // the header is printed once, not redrawn
    // Each piece written between line ends and cursor moves fits the 80 columns (the pty reports no size).
    for (const piece of out.split(/\r?\n|\x1b\[\d*[ABCDGH]/)) expect(stripVTControlCharacters(piece).replace(/\r/g, "").length).toBeLessThanOrEqual(80);
  });
});

describe("the dev log file", () => {
  it("keeps a function's own level: a JSON log line's level and message with its stack as a stack; plain lines info (stdout) or warn (stderr)", () => {
    const file = createLogFile("levels", mkdtempSync(join(tmpdir(), "zs-log-")), 1);
    const logger = pino({ level: "info" }, prettyLogFile(file));
    const stack = "Error: boom\n    at handler (file:///app/index.js:3:9)";
    const record = logFunctionLine(logger, "shop/api", "stderr", JSON.stringify({ level: "error", msg: "handler failed", error: stack }), 42);
    expect(record).toEqual({ at: 42, fn: "shop/api", stream: "stderr", level: "error", line: JSON.stringify({ level: "error", msg: "handler failed", error: stack }) });
    expect(logFunctionLine(logger, "shop/api", "stdout", '{"level":30,"time":1,"pid":9,"msg":"served","path":"/cart"}').level).toBe("info");
    expect(logFunctionLine(logger, "shop/api", "stdout", "plain hello").level).toBe("info");
    expect(logFunctionLine(logger, "shop/api", "stderr", "oops").level).toBe("warn");
    const log = readFileSync(file, "utf8"); // written synchronously
    expect(log).toMatch(/^\[[^\]]+Z\] ERROR: handler failed\n {4}fn: "shop\/api"\n {4}stream: "stderr"\n {4}error: \{\n/m);
    expect(log).toMatch(/\n {6,}Error: boom\n {6,}at handler \(file:\/\/\/app\/index\.js:3:9\)\n/); // the stack on its own lines, not "\n" inside JSON
    expect(log).toMatch(/\] INFO: served\n {4}fn: "shop\/api"\n {4}stream: "stdout"\n {4}path: "\/cart"\n/);
    expect(log).toMatch(/\] INFO: plain hello\n/);
    expect(log).toMatch(/\] WARN: oops\n/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe("zeroscale dev --data-plane", () => {
  it("haproxy missing from this machine: a flag error naming what to install, exit 2 like every usage error", () => {
    const problem = dataPlaneProblem({ dataPlane: "haproxy" }, () => undefined);
    expect(problem?.exitCode).toBe(2);
    expect(problem?.message).toBe("error ZS-CLI-DATA-PLANE zeroscale dev: --data-plane (\"haproxy\") finds no haproxy on PATH (nor /usr/sbin/haproxy); install it (apt-get install haproxy) or use --data-plane node.");
    expect(dataPlaneProblem({ dataPlane: "haproxy" }, () => "/usr/sbin/haproxy")).toBeUndefined();
    expect(dataPlaneProblem({ dataPlane: "node" }, () => undefined)).toBeUndefined();
    expect(dataPlaneProblem({}, () => undefined)).toBeUndefined();
  });

  it.skipIf(!hasHaproxy)("--data-plane haproxy on a busy --port: the same flag error as the Node data plane's, exit 2", async () => {
    const { createServer } = await import("node:net");
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as import("node:net").AddressInfo).port;
    try {
      const run = devFromSource(["--data-plane", "haproxy", "--port", String(port)]);
      expect(await run.exited).toBe(2);
      expect(run.output().trim().split("\n")[0]).toBe(`error ZS-CLI-PORT-BUSY zeroscale dev: --port (${port}) is in use on 127.0.0.1 (another process listens there); stop it (find it with \`lsof -i :${port}\`) or pick another, e.g. --port ${port + 1}.`);
    } finally {
      busy.close();
    }
  }, 60_000);

  it.skipIf(!hasHaproxy)("--data-plane haproxy serves examples/hello through HAProxy (warm requests carried by it) and stops cleanly", async () => {
    const port = await freePort();
    const run = devFromSource(["--data-plane", "haproxy", "--port", String(port), "--json"]);
    expect(await waitFor(() => run.stdout().includes('"event":"ready"'), 30_000), run.output()).toBe(true);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/hello?name=hx`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ message: "hello, hx" });
    }
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
  }, 60_000);
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

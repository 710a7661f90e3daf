import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

/** Run the zeroscale command as a user would (the package's bin, compiled by the build). */
function zeroscale(...args: string[]) {
  return run(args);
}

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const base = { ...process.env };
  delete base["FORCE_COLOR"];
  delete base["NO_COLOR"];
  const r = spawnSync(process.execPath, [join(root, "bin/zeroscale.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000, env: { ...base, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), "zeroscale-cli-"));

/** An image map for examples/hello (what `zeroscale build examples/hello/app.ts --registry r.example.com/h` writes). */
function helloImages(): string {
  const file = join(tmp(), "zeroscale.images.json");
  writeFileSync(file, JSON.stringify({ version: 1, app: "hello", registry: "r.example.com/h", images: { "hello/hello": `r.example.com/h/hello-hello@sha256:${"0".repeat(64)}` } }));
  return file;
}

describe("zeroscale CLI", () => {
  it("synth writes a graph.json that validates against the shipped schema", () => {
    const out = tmp();
    const r = zeroscale("synth", "examples/hello/app.ts", "--out", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("app hello: 1 function, 1 trigger");
    expect(r.stdout).toContain("hello/hello");
    expect(r.stdout).toMatch(/wrote 1 file to .*\n.*graph\.json/);
    const graph = JSON.parse(readFileSync(join(out, "graph.json"), "utf8"));
    const schema = JSON.parse(readFileSync(join(root, "dist/lib/graph/graph.schema.json"), "utf8"));
    const validate = new Ajv({ allowUnionTypes: true }).compile(schema);
    expect(validate(graph), JSON.stringify(validate.errors)).toBe(true);
    expect(graph.nodes.map((n: { kind: string }) => n.kind)).toEqual(["function", "scalingPolicy", "trigger"]);
  });

  it("synth output is byte-identical across runs", () => {
    const a = tmp();
    const b = tmp();
    expect(zeroscale("synth", "examples/hello/app.ts", "--out", a).code).toBe(0);
    expect(zeroscale("synth", "examples/hello/app.ts", "--out", b).code).toBe(0);
    expect(readdirSync(a)).toEqual(readdirSync(b));
    expect(readFileSync(join(a, "graph.json"))).toEqual(readFileSync(join(b, "graph.json")));
  });

  it("validate exits 1 listing every problem on stderr, each line with its code, path, prop, value and fix", () => {
    const r = zeroscale("validate", "test/fixtures/bad-app.ts");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('error ZS-TRIGGER-HTTP-DUPLICATE shop/api-http: http.path ("/api") routes /api which shop/admin-http already routes; give each trigger its own path, host or methods.');
    expect(r.stderr).toContain("error ZS-SCALING-MIN-MAX shop/api/scaling: maxInstances (2) is below minInstances (5); set maxInstances >= 5 or lower minInstances.");
    expect(r.stderr).toContain('error ZS-TRIGGER-SCHEDULE-CRON shop/nightly: schedule.cron ("0 25 * * *") is not a valid cron expression');
    expect(r.stderr).toMatch(/\n3 validation errors\n$/);
    for (const line of r.stderr.trim().split("\n").slice(0, -1)) expect(line).toMatch(/^(error|warning) ZS-[A-Z0-9-]+ /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("validate passes a good program and loads plain JavaScript", () => {
    const r = zeroscale("validate", "test/fixtures/plain.mjs");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("valid: 3 nodes, 2 edges");
  });

  it("graph prints Mermaid, DOT and JSON", () => {
    const mermaid = zeroscale("graph", "examples/hello/app.ts");
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
    expect(mermaid.stdout).toContain("-->|invokes|");
    const dot = zeroscale("graph", "examples/hello/app.ts", "--format", "dot");
    expect(dot.stdout).toMatch(/^digraph "hello" \{/);
    expect(dot.stdout).toContain('"hello/hello-http" -> "hello/hello" [label="invokes"];');
    const json = zeroscale("graph", "examples/hello/app.ts", "-f", "json");
    expect(JSON.parse(json.stdout).kind).toBe("DeploymentGraph");
    const bad = zeroscale("graph", "examples/hello/app.ts", "-f", "png");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error ZS-CLI-FLAG zeroscale graph: --format ("png") is not one of mermaid, dot, json; use one of mermaid, dot, json.\n');
  });

  it("explains load errors without a stack trace, and shows it with --verbose; a throwing program exits 3", () => {
    const missing = zeroscale("synth", "nope.ts");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.ts");
    const noApp = zeroscale("validate", "test/fixtures/no-app.ts");
    expect([2, 3]).toContain(noApp.code);
    expect(noApp.stderr).toContain("exports no App");
    const throws = zeroscale("synth", "test/fixtures/throws.ts");
    expect(throws.code).toBe(3);
    expect(throws.stderr).toContain("boom while building the app");
    expect(throws.stderr).toContain("(run with --verbose for the stack)");
    expect(throws.stderr).not.toMatch(/\n\s+at /);
    const verbose = zeroscale("--verbose", "synth", "test/fixtures/throws.ts");
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toMatch(/boom while building the app[^]*\n\s+at .*throws\.ts/);
  });

  it("has --help on every command", () => {
    for (const cmd of ["synth", "validate", "graph", "init", "dev"]) {
      const r = zeroscale(cmd, "--help");
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toContain(`Usage: zeroscale ${cmd}`);
    }
  });

  it("--version prints package.json's version", () => {
    const r = zeroscale("--version");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}\n`);
  });

  it("usage errors exit 2 with a did-you-mean", () => {
    const flag = zeroscale("synth", "examples/hello/app.ts", "--otu", "x");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("error: unknown option '--otu'\n(Did you mean --out?)");
    const cmd = zeroscale("synht", "examples/hello/app.ts");
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain("(Did you mean synth?)");
    expect(zeroscale("synth").code).toBe(2); // missing argument
    const backend = zeroscale("synth", "examples/hello/app.ts", "--backend", "knatve");
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain('error ZS-CLI-FLAG zeroscale synth: --backend ("knatve") is not one of knative, keda, docker, cloudrun, aca, lambda; did you mean --backend knative? Use one of knative, keda, docker, cloudrun, aca, lambda.');
  });

  it("--backend never takes the program argument: before it, repeated, as a comma list, or space-separated", () => {
    const forms = [
      ["synth", "--backend", "knative", "examples/hello/app.ts"],
      ["synth", "--backend", "knative", "--backend", "keda", "examples/hello/app.ts"],
      ["synth", "--backend", "knative,keda", "examples/hello/app.ts"],
      ["synth", "--backend", "knative", "keda", "examples/hello/app.ts"],
      ["synth", "examples/hello/app.ts", "--backend", "knative", "keda"],
    ];
    const images = helloImages();
    for (const args of forms) {
      const out = tmp();
      const r = zeroscale(...args, "--images", images, "--out", out, "--json");
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.backends, args.join(" ")).toEqual(args.includes("--backend") && args.join(" ").includes("keda") ? ["knative", "keda"] : ["knative"]);
    }
  });

  it("validate --backend runs the backends' compile checks: their errors exit 1, naming the backend", () => {
    expect(zeroscale("validate", "test/invalid/086-knative-nats.ts").code).toBe(0);
    const r = zeroscale("validate", "--backend", "knative", "test/invalid/086-knative-nats.ts");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error ZS-KNATIVE-QUEUE-NATS \[knative\] bad\/fn\/q: queue\.broker \("nats"\) has no Knative source/);
    expect(r.stderr).toContain("1 unsupported use on knative");
    expect(zeroscale("validate", "--backend", "keda", "test/invalid/086-knative-nats.ts").code).toBe(0);
  });

  it("--json: one stable document on stdout, for success and failure alike", () => {
    const ok = zeroscale("validate", "test/fixtures/plain.mjs", "--json");
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe("");
    const doc = JSON.parse(ok.stdout);
    expect(Object.keys(doc).sort()).toEqual(["app", "backends", "command", "diagnostics", "edges", "error", "exitCode", "nodes", "ok", "suppressed"]);
    expect(doc).toMatchObject({ command: "validate", ok: true, exitCode: 0, app: "plain", nodes: 3, edges: 2, error: null });
    expect(doc.diagnostics[0]).toEqual({ code: "ZS-POLICY-IMAGE-LATEST", severity: "warning", path: "plain/fn", prop: "image", value: "registry.example.com/plain/fn", problem: expect.any(String), fix: expect.any(String), backend: null });
    const bad = zeroscale("validate", "test/fixtures/bad-app.ts", "--json");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("");
    const failed = JSON.parse(bad.stdout);
    expect(failed).toMatchObject({ command: "validate", ok: false, exitCode: 1, error: null });
    expect(failed.diagnostics.map((d: { code: string }) => d.code)).toEqual(["ZS-TRIGGER-HTTP-DUPLICATE", "ZS-SCALING-MIN-MAX", "ZS-TRIGGER-SCHEDULE-CRON"]);
    expect(failed.diagnostics[1]).toEqual({ code: "ZS-SCALING-MIN-MAX", severity: "error", path: "shop/api/scaling", prop: "maxInstances", value: 2, problem: "is below minInstances (5)", fix: "set maxInstances >= 5 or lower minInstances", backend: null });
    const throws = zeroscale("synth", "test/fixtures/throws.ts", "--json");
    expect(throws.code).toBe(3);
    expect(JSON.parse(throws.stdout)).toMatchObject({ command: "synth", ok: false, exitCode: 3, diagnostics: [], error: { code: "ZS-CLI-PROGRAM" } });
    const usage = zeroscale("synth", "examples/hello/app.ts", "--json", "--nope");
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: "ZS-CLI-USAGE", message: "unknown option '--nope'" } });
    const out = tmp();
    const synth = zeroscale("synth", "examples/hello/app.ts", "--out", out, "--backend", "keda", "--images", helloImages(), "--json");
    expect(synth.code).toBe(0);
    expect(synth.stderr).toBe("");
    const written = JSON.parse(synth.stdout);
    expect(written).toMatchObject({ command: "synth", ok: true, exitCode: 0, app: "hello", backends: ["keda"], removed: [], kept: [], error: null });
    expect(written.files).toContain("graph.json");
    expect(written.diagnostics.map((d: { code: string; backend: string }) => `${d.backend} ${d.code}`)).toContain("keda ZS-KEDA-WINDOW");
  });

  it("results go to stdout, warnings to stderr with their code", () => {
    const r = zeroscale("validate", "test/fixtures/plain.mjs");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("valid: 3 nodes, 2 edges, 1 warning\n");
    expect(r.stderr).toMatch(/^warning ZS-POLICY-IMAGE-LATEST plain\/fn: image \("registry\.example\.com\/plain\/fn"\) /);
  });

  it("colours only when asked for a terminal: FORCE_COLOR on, NO_COLOR and --no-color off", () => {
    expect(run(["validate", "test/fixtures/bad-app.ts"]).stderr).not.toContain("\x1b[");
    expect(run(["validate", "test/fixtures/bad-app.ts"], { FORCE_COLOR: "1" }).stderr).toContain("\x1b[");
    expect(run(["validate", "test/fixtures/bad-app.ts"], { FORCE_COLOR: "1", NO_COLOR: "1" }).stderr).not.toContain("\x1b[");
    expect(run(["--no-color", "validate", "test/fixtures/bad-app.ts"], { FORCE_COLOR: "1" }).stderr).not.toContain("\x1b[");
  });

  it("a closed stdout pipe ends quietly with exit 0 (zeroscale graph ... | head)", () => {
    const r = spawnSync("bash", ["-c", "set -o pipefail; node bin/zeroscale.js graph bench/apps/many.ts -f json 2>/tmp/zeroscale-epipe.err | head -c 10 >/dev/null; echo \"${PIPESTATUS[0]}\"; cat /tmp/zeroscale-epipe.err"], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(r.stdout).toBe("0\n");
  });
});

describe("zeroscale dev flags are validated like props (exit 2, the flag, its value, the fix)", () => {
  it.each([
    [["--port", "abc"], 'error ZS-CLI-FLAG zeroscale dev: --port ("abc") is not a TCP port (a whole number from 0 to 65535); use e.g. --port 3000.'],
    [["--port", "70000"], 'error ZS-CLI-FLAG zeroscale dev: --port ("70000") is not a TCP port (a whole number from 0 to 65535); use e.g. --port 3000.'],
    [["--admin-port", "-1"], 'error ZS-CLI-FLAG zeroscale dev: --admin-port ("-1") is not a TCP port (a whole number from 0 to 65535); use e.g. --admin-port 0 (any free port).'],
    [["--log-level", "warning"], 'error ZS-CLI-FLAG zeroscale dev: --log-level ("warning") is not one of fatal, error, warn, info, debug, trace, silent; did you mean --log-level warn? Use one of fatal, error, warn, info, debug, trace, silent.'],
    [["--runtime", "proces"], 'error ZS-CLI-FLAG zeroscale dev: --runtime ("proces") is not one of docker, process; did you mean --runtime process? Use one of docker, process.'],
    [["--secrets", "no-such-secrets.json"], 'error ZS-CLI-SECRETS-FILE zeroscale dev: --secrets ("no-such-secrets.json") names no file; give a JSON file of secret values shaped { "<store>": { "<key>": "<value>" } }.'],
    [["--secrets", "package-lock.json"], 'error ZS-CLI-SECRETS-FILE zeroscale dev: --secrets ("package-lock.json") has store "name" that is not an object of keys; write it as { "<store>": { "<key>": "<value>" } }.'],
  ])("%j", (args, message) => {
    const r = zeroscale("dev", "examples/hello/app.ts", "--runtime", "process", ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${message}\n`);
  });

  it("a bad JSON --secrets file is named, with the parser's reason", () => {
    const dir = tmp();
    writeFileSync(join(dir, "secrets.json"), '{ "db": { "url": ');
    const r = zeroscale("dev", "examples/hello/app.ts", "--secrets", join(dir, "secrets.json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error ZS-CLI-SECRETS-FILE zeroscale dev: --secrets \\("${join(dir, "secrets.json").replace(/[/.]/g, "\\$&")}"\\) is not valid JSON \\(.+\\); write it as`));
  });

  it("a busy port names the port and its flag", async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [join(root, "bin/zeroscale.js"), "dev", "examples/hello/app.ts", "--runtime", "process", "--port", String(port), "--log-level", "warn"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => resolve({ code, stderr }));
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`error ZS-CLI-PORT-BUSY zeroscale dev: --port (${port}) is in use on 127.0.0.1 (another process listens there); stop it (find it with \`lsof -i :${port}\`) or pick another, e.g. --port ${port + 1}.\n`);
    } finally {
      server.close();
    }
  });
});

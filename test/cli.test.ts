import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

/** Run the zeroscale command as a user would (the package's bin, compiled by the build). */
function zeroscale(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin/zeroscale.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), "zeroscale-cli-"));

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

  it("validate exits 1 listing every problem with path, prop, value and hint", () => {
    const r = zeroscale("validate", "test/fixtures/bad-app.ts");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("3 validation errors:");
    expect(r.stderr).toContain("shop/api-http: http.path (\"/api\") routes /api which shop/admin-http already routes; give each trigger its own path, host or methods.");
    expect(r.stderr).toContain("shop/api/scaling: maxInstances (2) is below minInstances (5); set maxInstances >= 5 or lower minInstances.");
    expect(r.stderr).toContain('shop/nightly: schedule.cron ("0 25 * * *") is not a valid cron expression (Invalid value for hour: 25)');
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
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("Allowed choices are mermaid, dot, json");
  });

  it("explains load errors without a stack trace, and shows it with --verbose", () => {
    const missing = zeroscale("synth", "nope.ts");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("error: no such program: nope.ts\n");
    const noApp = zeroscale("validate", "test/fixtures/no-app.ts");
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toContain("exports no App: export it as the default export or as `app` (it exports notAnApp)");
    const throws = zeroscale("synth", "test/fixtures/throws.ts");
    expect(throws.code).toBe(2);
    expect(throws.stderr).toBe("error: boom while building the app (run with --verbose for the stack)\n");
    const verbose = zeroscale("--verbose", "synth", "test/fixtures/throws.ts");
    expect(verbose.code).toBe(2);
    expect(verbose.stderr).toMatch(/^Error: boom while building the app\n\s+at .*throws\.ts/);
  });

  it("has --help on every command", () => {
    for (const cmd of ["synth", "validate", "graph"]) {
      const r = zeroscale(cmd, "--help");
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toContain(`Usage: zeroscale ${cmd}`);
    }
  });
});

// Synth's startup (issue 19): precompiled validators (fast pass, then the full pass for messages only
// when it fails), the graph self-check only in tests, the user's program bundled with esbuild with its
// `zeroscale` imports bound to the CLI's own copy (never the library twice), and backends loaded lazily
// (only the selected one's module is evaluated). Speed itself is measured by `npm run bench`, not here.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { App, Duration, ServerlessFunction, synth, ValidationError } from "zeroscale";
import * as events from "zeroscale/events";
import { backendArgs, cliBackends, loadCliBackends } from "../cli/backends.js";
import { loadApp, synthProgram } from "../cli/load.js";
import { assertValidGraph } from "../lib/graph/schema.js";
import { selfCheckDefault } from "../lib/synth.js";
import { BACKEND_NAMES, BACKENDS } from "../providers/registry.js";
import { LAZY_BACKENDS } from "../providers/registry-lazy.js";
import { buildValidators } from "../scripts/build-validators.mjs";

vi.mock("../lib/graph/schema.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../lib/graph/schema.js")>();
  return { ...original, assertValidGraph: vi.fn(original.assertValidGraph) };
});

const root = fileURLToPath(new URL("..", import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A folder inside the repo (so the program's package imports resolve, as in a user's project). */
function programDir(): string {
  const dir = mkdtempSync(join(root, "test/.startup-"));
  dirs.push(dir);
  return dir;
}

function smallApp(): App {
  const app = new App({ name: "startup" });
  new ServerlessFunction(app, "fn", { image: "nginx:1" }).addTrigger("http", { http: { path: "/" } });
  return app;
}

describe("graph self-check", () => {
  it("is on under vitest (ZEROSCALE_SELF_CHECK=1 in vitest.config.ts), off without the variable, and an explicit option wins", () => {
    expect(process.env["ZEROSCALE_SELF_CHECK"]).toBe("1");
    expect(selfCheckDefault()).toBe(true);
    expect(selfCheckDefault({})).toBe(false);
    const check = vi.mocked(assertValidGraph);
    check.mockClear();
    synth(smallApp());
    expect(check).toHaveBeenCalledTimes(1);
    synth(smallApp(), { selfCheck: false });
    expect(check).toHaveBeenCalledTimes(1);
  });

  it("is off in the CLI's path (synthProgram) when the variable is not set, as in a user's shell", async () => {
    const check = vi.mocked(assertValidGraph);
    check.mockClear();
    vi.stubEnv("ZEROSCALE_SELF_CHECK", undefined);
    try {
      await synthProgram({ app: smallApp(), baseDir: root });
      expect(check).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllEnvs();
    }
    await synthProgram({ app: smallApp(), baseDir: root });
    expect(check).toHaveBeenCalledTimes(1);
  });
});

describe("precompiled shape validators", () => {
  it("are what scripts/build-validators.mjs generates from the current schemas", async () => {
    for (const { out, text } of await buildValidators({ write: false })) expect(readFileSync(join(root, out), "utf8"), out).toBe(text);
  });

  it("report every problem (the full pass) although the fast pass stops at the first", () => {
    const app = new App({ name: "startup" });
    new ServerlessFunction(app, "fn", { image: "nginx:1", prot: 8080, memroy: "1Gi", concurrency: "many" } as never);
    let caught: unknown;
    try {
      synth(app);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const shape = (caught as ValidationError).errors.filter((d) => d.code === "ZS-SHAPE").map((d) => `${d.prop}: ${d.problem}; ${d.fix}`);
    expect(shape).toEqual([
      "concurrency: must be a whole number; pass a whole number",
      expect.stringMatching(/^memroy: is not a known prop; did you mean memory\? Otherwise remove it \(known props: image, build, /),
      expect.stringMatching(/^prot: is not a known prop; remove it or use one of: image, build, /),
    ]);
  });
});

describe("the program's zeroscale import", () => {
  it("is the CLI's own copy (same classes), not a second one; a relative import of the sources is bundled as another copy", async () => {
    const dir = programDir();
    const file = join(dir, "app.ts");
    writeFileSync(
      file,
      [
        'import { App, Duration, ServerlessFunction } from "zeroscale";',
        'import * as events from "zeroscale/events";',
        'import { App as SourceApp } from "../../lib/index.js";',
        "export const classes = { App, Duration, events, SourceApp };",
        'export const app = new App({ name: "same" });',
        'new ServerlessFunction(app, "fn", { image: "nginx:1", timeout: Duration.seconds(3) });',
        "export const here = import.meta.url;",
        "",
      ].join("\n"),
    );
    const loaded = await loadApp(file);
    expect(loaded.app).toBeInstanceOf(App);
    const { importProgram } = await import("../cli/bundle-program.js");
    const classes = (await importProgram(file))["classes"] as { App: unknown; Duration: unknown; events: typeof events; SourceApp: unknown };
    expect(classes.App).toBe(App);
    expect(classes.Duration).toBe(Duration);
    expect(classes.events.parseEvent).toBe(events.parseEvent);
    // A relative import of the sources is not the `zeroscale` entry point: esbuild bundles it, a second copy.
    expect(classes.SourceApp).not.toBe(App);
    expect(synth(loaded.app).nodes.find((n) => n.kind === "function")).toMatchObject({ timeoutSeconds: 3 });
  });

  it("keeps import.meta.url naming the program's own file", async () => {
    const dir = programDir();
    const file = join(dir, "meta.mts");
    writeFileSync(file, 'import { App } from "zeroscale";\nexport const here = import.meta.url;\nexport const app = new App({ name: "meta" });\n');
    const { importProgram } = await import("../cli/bundle-program.js");
    const mod = await importProgram(file);
    expect(mod["here"]).toBe(new URL(`file://${file}`).href);
    expect(mod["app"]).toBeInstanceOf(App);
  });

  it("resolves a file URL import (as Node does) to the file it names", async () => {
    const dir = programDir();
    writeFileSync(join(dir, "part.mts"), 'export const answer = 42;\n');
    const file = join(dir, "url.mts");
    writeFileSync(file, `import { answer } from ${JSON.stringify(new URL(`file://${join(dir, "part.mts")}`).href)};\nimport { App } from "zeroscale";\nexport const value = answer;\nexport const app = new App({ name: "url" });\n`);
    const { importProgram } = await import("../cli/bundle-program.js");
    const mod = await importProgram(file);
    expect(mod["value"]).toBe(42);
    expect(mod["app"]).toBeInstanceOf(App);
  });
});

describe("lazy backends", () => {
  it("each lazy entry loads the factory the eager registry holds", async () => {
    for (const name of BACKEND_NAMES) expect(await LAZY_BACKENDS[name].load(), name).toBe(BACKENDS[name].create);
  });

  it("loads only the backends asked for; using another is a zeroscale bug, named", async () => {
    const loaded = await loadCliBackends(["keda", "nope"]);
    expect([...loaded.keys()]).toEqual(["keda"]);
    expect(cliBackends().get("keda")?.({ namespace: "x" }).name).toBe("keda");
  });

  it("finds the backends an argument list names, in every flag form", () => {
    expect(backendArgs(["synth", "app.ts", "--backend", "knative,keda", "-b", "docker", "--backend=aca", "-blambda", "--", "--backend", "cloudrun"])).toEqual(["knative", "keda", "docker", "aca", "lambda"]);
    expect(backendArgs(["synth", "--backend", "knative", "keda", "app.ts"])).toEqual(["knative", "keda"]);
  });

  it("the CLI process evaluates only the selected backend's module, and the library only from its own bundle", () => {
    const out = programDir();
    const hook = join(out, "hook.mjs");
    writeFileSync(
      hook,
      `import { register } from "node:module";\nregister("data:text/javascript," + encodeURIComponent(${JSON.stringify('export async function load(url, ctx, next) { if (url.startsWith("file:")) process.stderr.write("LOADED " + url + "\\n"); return next(url, ctx); }')}));\n`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, ZS_BENCH_FUNCTIONS: "3" };
    delete env["ZEROSCALE_SELF_CHECK"];
    const r = spawnSync(process.execPath, ["--import", hook, join(root, "bin/zeroscale.js"), "synth", "bench/apps/many.ts", "--backend", "keda", "--out", join(out, "out")], { cwd: root, encoding: "utf8", env, timeout: 60_000 });
    expect(r.stderr.split("\n").filter((l) => l && !l.startsWith("LOADED ") && !l.startsWith("warning "))).toEqual([]);
    expect(r.status).toBe(0);
    const loaded = r.stderr.split("\n").filter((l) => l.startsWith("LOADED ")).map((l) => fileURLToPath(l.slice("LOADED ".length)).slice(root.length));
    expect(loaded).toContain("dist/cli/zeroscale.mjs");
    const backendChunks = loaded.filter((f) => /^dist\/cli\/chunks\/(knative|keda|docker|cloudrun|aca|lambda)-/.test(f));
    expect(backendChunks.map((f) => f.replace(/^dist\/cli\/chunks\/([a-z]+)-.*$/, "$1"))).toEqual(["keda"]);
    // zeroscale's modules come only from the bundle: no tsc output, no sources, no tsx.
    expect(loaded.filter((f) => /^(?:dist\/(?:lib|providers|runtime)\/|lib\/|providers\/|node_modules\/tsx\/)/.test(f))).toEqual([]);
  });
});

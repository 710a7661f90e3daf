// Errors with locations (issue 14): what the user's program throws carries its file:line:column and
// the construct being built; construct-time mistakes are diagnostics reported with every other error;
// the exact wording of values, types, suggestions and crons; the code-path, handler-export and
// no-trigger checks; the --typecheck helper.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { App, Duration, EventTrigger, formatDiagnostic, ScalingPolicy, ServerlessFunction, suppress, synth, ValidationError } from "zeroscale";
import { Testing } from "zeroscale/testing";
import { checkHandlerExports, loadApp, synthProgram, UserProgramError, userFrame } from "../cli/load.js";
import { typecheckProgram } from "../cli/typecheck.js";
import { showValue } from "../lib/validation/diagnostic.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const fixture = (name: string) => join(root, "test/fixtures", name);
const IMAGE = "registry.example.com/shop/api:1.4.2";

type LoadFailure = Pick<UserProgramError, "name" | "exitCode" | "phase" | "location" | "constructPath" | "message"> & { cause: string; described: string };

/**
 * Load `file` as the CLI does, in a plain node process (vitest replaces Error.prepareStackTrace, so
 * node's source-mapped stacks, which the CLI relies on, only exist outside it).
 */
function loadError(file: string): LoadFailure {
  const script = [
    `import { loadApp, UserProgramError } from ${JSON.stringify(join(root, "cli/load.ts"))};`,
    "try { await loadApp(process.argv[2]); console.log('null'); } catch (e) {",
    "  if (!(e instanceof UserProgramError)) throw e;",
    "  console.log(JSON.stringify({ name: e.name, exitCode: e.exitCode, phase: e.phase, location: e.location, constructPath: e.constructPath, message: e.message, cause: e.cause?.name, described: e.describe() }));",
    "}",
  ].join("\n");
  const dir = mkdtempSync(join(root, "test/.errors-"));
  try {
    writeFileSync(join(dir, "load.mts"), script);
    const run = spawnSync(process.execPath, ["--import", "tsx", join(dir, "load.mts"), file], { cwd: root, encoding: "utf8" });
    if (run.status !== 0) throw new Error(run.stderr);
    const out = JSON.parse(run.stdout.trim().split("\n").at(-1) as string) as LoadFailure | null;
    if (!out) throw new Error(`expected ${file} to fail`);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function validationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("expected a ValidationError");
}

describe("UserProgramError: the user's frame and construct path", () => {
  it("a missing import names the program's line and column (tsx source maps)", async () => {
    const e = loadError(fixture("missing-import.ts"));
    expect(e.name).toBe("UserProgramError");
    expect(e.exitCode).toBe(3);
    expect(e.phase).toBe("import");
    expect(e.location).toEqual({ file: fixture("missing-import.ts"), line: 10, column: 12 });
    expect(e.constructPath).toBeUndefined();
    expect(e.message).toBe(`${join("test/fixtures", "missing-import.ts")}:10:12: ReferenceError: Duration is not defined`);
    expect(e.cause).toBe("ReferenceError");
    expect(e.described.split("\n")).toEqual([e.message, "  10 |   timeout: Duration.seconds(5),", `  ${" ".repeat(5 + 11)}^`]);
  });

  it("a duplicate construct id names the program's line and the construct path", async () => {
    const e = loadError(fixture("duplicate-id.ts"));
    expect(e.location).toEqual({ file: fixture("duplicate-id.ts"), line: 8, column: 5 });
    expect(e.constructPath).toBe("shop/api/http");
    expect(e.message).toMatch(/^test\/fixtures\/duplicate-id\.ts:8:5: Error: There is already a Construct with name 'http' in ServerlessFunction \[api\] \(while building shop\/api\/http\)$/);
  });

  it("a throw inside the user's construct, while the exported function builds the App", async () => {
    const e = loadError(fixture("construct-throws.ts"));
    expect(e.phase).toBe("build");
    expect(e.location).toEqual({ file: fixture("construct-throws.ts"), line: 9, column: 11 });
    expect(e.constructPath).toBe("shop/api");
    expect(e.message).toBe("test/fixtures/construct-throws.ts:9:11: Error: no database configured for this service (while building shop/api)");
  });

  it("a plain throw at the top of the program", async () => {
    const e = loadError(fixture("throws.ts"));
    expect(e.location).toMatchObject({ line: 1, column: 7 });
    expect(e.message).toBe("test/fixtures/throws.ts:1:7: Error: boom while building the app");
  });

  it("a syntax error (tsx's esbuild transform) names its location too", async () => {
    const dir = mkdtempSync(join(root, "test/.errors-"));
    try {
      const file = join(dir, "syntax.ts");
      writeFileSync(file, 'import { App } from "zeroscale";\nexport const app = new App({ name: "x" ;\n');
      const e = loadError(file);
      expect(e.location).toEqual({ file, line: 2, column: 40 });
      expect(e.message).toMatch(/:2:40: SyntaxError: Expected "\}" but found ";"$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("frames: the program's file first, then its folder, never node_modules or zeroscale itself", () => {
    const program = "/work/app/main.ts";
    const err = (lines: string[]) => Object.assign(new Error("x"), { stack: ["Error: x", ...lines].join("\n") });
    expect(userFrame(program, err([`    at f (${root}lib/synth.ts:1:1)`, "    at g (/work/app/node_modules/x/index.js:2:2)", "    at h (/work/app/lib/helpers.ts:3:4)", "    at file:///work/app/main.ts:5:6"]))).toEqual({ file: program, line: 5, column: 6 });
    expect(userFrame(program, err(["    at g (/work/app/node_modules/x/index.js:2:2)", "    at h (/work/app/helpers.ts:3:4)"]))).toEqual({ file: "/work/app/helpers.ts", line: 3, column: 4 });
    expect(userFrame(program, err(["    at g (/elsewhere/x.js:2:2)"]))).toBeUndefined();
    expect(userFrame(program, "not an error")).toBeUndefined();
  });
});

describe("construct-time mistakes are diagnostics, reported with every other error", () => {
  it("Duration.seconds(-5) is ZS-DURATION at the construct path and prop, next to the program's other error", async () => {
    const loaded = await loadApp(fixture("negative-duration.ts"));
    const e = await synthProgram(loaded).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).errors.map(formatDiagnostic)).toEqual([
      "shop/api: timeout (-5) was passed to Duration.seconds(), which needs a finite number >= 0; pass a non-negative amount, e.g. Duration.seconds(30).",
      "shop/api/scaling: maxInstances (2) is below minInstances (5); set maxInstances >= 5 or lower minInstances.",
    ]);
  });

  it("Duration.parse of a bad string, NaN and Infinity, at any depth of the props", () => {
    const app = new App({ name: "shop" });
    const api = new ServerlessFunction(app, "api", { image: IMAGE, timeout: Duration.minutes(Number.NaN) });
    api.addTrigger("http", { http: { path: "/api" } });
    api.addScalingPolicy({ idleTimeout: Duration.parse("5 m"), coldStart: { buffer: { maxWait: Duration.hours(Infinity) } } });
    expect(validationError(() => synth(app)).errors.map((d) => [d.code, d.path, d.prop, formatDiagnostic(d)])).toEqual([
      ["ZS-DURATION", "shop/api", "timeout", "shop/api: timeout (NaN) was passed to Duration.minutes(), which needs a finite number >= 0; pass a non-negative amount, e.g. Duration.minutes(30)."],
      ["ZS-DURATION", "shop/api/scaling", "coldStart.buffer.maxWait", "shop/api/scaling: coldStart.buffer.maxWait (Infinity) was passed to Duration.hours(), which needs a finite number >= 0; pass a non-negative amount, e.g. Duration.hours(1)."],
      ["ZS-DURATION", "shop/api/scaling", "idleTimeout", 'shop/api/scaling: idleTimeout ("5 m") was passed to Duration.parse() and is not a duration; use a number with a unit (ms, s, m, h), e.g. "30s", "5m", "1h30m" or "250ms".'],
    ]);
  });

  it("a valid nested Duration passes the shape check (coldStart.buffer.maxWait)", () => {
    const app = new App({ name: "shop" });
    const api = new ServerlessFunction(app, "api", { image: IMAGE });
    api.addTrigger("http", { http: { path: "/api" } });
    api.addScalingPolicy({ coldStart: { buffer: { maxWait: Duration.seconds(20) } } });
    const policy = synth(app).nodes.find((n) => n.kind === "scalingPolicy");
    expect(policy).toMatchObject({ coldStart: { mode: "buffer", maxWaitSeconds: 20 } });
  });
});

describe("exact wording", () => {
  it("shows NaN and Infinity as such, not as null", () => {
    expect([showValue(Number.NaN), showValue(Number.POSITIVE_INFINITY), showValue(-Infinity), showValue({ rps: Number.NaN, list: [Infinity, 1] })]).toEqual(["NaN", "Infinity", "-Infinity", '{"rps":NaN,"list":[Infinity,1]}']);
    const errors = Testing.errors(
      ((app) => {
        const api = new ServerlessFunction(app, "api", { image: IMAGE });
        api.addTrigger("http", { http: { path: "/api" } });
        api.addScalingPolicy({ metric: { rps: Number.NaN } });
        return app;
      })(new App({ name: "shop" })),
    );
    expect(errors.map(formatDiagnostic)).toEqual(["shop/api/scaling: metric.rps (NaN) must be a number; pass a number."]);
  });

  it("image and code together: only the source error, no image advice about a placeholder", () => {
    const app = new App({ name: "shop" });
    const api = new ServerlessFunction(app, "api", { image: IMAGE, code: { path: "src", handler: "index.js" } });
    api.addTrigger("http", { http: { path: "/api" } });
    const e = validationError(() => synth(app));
    expect(e.errors.map(formatDiagnostic)).toEqual(["shop/api: (construct) sets image and code; set exactly one of image, build or code."]);
    expect(e.warnings).toEqual([]);
  });

  it("suggests the closest allowed value of an enum", () => {
    const app = new App({ name: "shop" });
    const api = new ServerlessFunction(app, "api", { image: IMAGE });
    api.addTrigger("q", { queue: { broker: "reddis" as never, connection: "redis://r:6379", name: "q" } });
    expect(Testing.errors(app).map(formatDiagnostic)).toEqual(['shop/api/q: queue.broker ("reddis") is not an allowed value; did you mean "redis"? Use one of: "redis", "rabbitmq", "kafka", "nats".']);
  });

  it("no suggestion when nothing is close", () => {
    const app = new App({ name: "shop" });
    new ServerlessFunction(app, "api", { image: IMAGE, zzzzzz: 1 } as never).addTrigger("http", { http: { path: "/api" } });
    expect(Testing.errors(app).map(formatDiagnostic)).toEqual([
      "shop/api: zzzzzz (1) is not a known prop; remove it or use one of: image, build, code, port, env, secrets, memory, cpu, timeout, concurrency, readinessPath, command, args, labels, security.",
    ]);
  });
});

describe("ZS-FN-NO-TRIGGER", () => {
  const warningsOf = (app: App) => synth(app).warnings.map((w) => `${w.code} ${w.path}`);

  it("warns for a function no trigger reaches, and only for it", () => {
    const app = new App({ name: "shop" });
    new ServerlessFunction(app, "lonely", { image: IMAGE });
    new ServerlessFunction(app, "web", { image: IMAGE }).addTrigger("http", { http: { path: "/web" } });
    new ServerlessFunction(app, "nightly", { image: IMAGE }).addTrigger("cron", { schedule: { cron: "0 3 * * *" } });
    const worker = new ServerlessFunction(app, "worker", { image: IMAGE });
    new EventTrigger(app, "orders", { target: worker, queue: { broker: "redis", connection: "redis://cache:6379", name: "orders" } });
    new ScalingPolicy(app, "worker-scaling", { target: worker, metric: { queueLength: 10 } });
    expect(synth(app).warnings.map(formatDiagnostic)).toEqual([
      'shop/lonely: (construct) has no trigger: no HTTP route, schedule or queue invokes this function; add one, e.g. fn.addTrigger("http", { http: { path: "/lonely" } }), or suppress ZS-FN-NO-TRIGGER with the reason.',
    ]);
  });

  it("is silent when the only trigger failed validation (its own error is the one reported)", () => {
    const app = new App({ name: "shop" });
    new ServerlessFunction(app, "api", { image: IMAGE }).addTrigger("http", { http: { path: "api" } });
    const e = validationError(() => synth(app));
    expect(e.errors.map((d) => d.code)).toEqual(["ZS-TRIGGER-HTTP-PATH"]);
    expect(e.warnings).toEqual([]);
  });

  it("can be suppressed, with a reason", () => {
    const app = new App({ name: "shop" });
    const internal = new ServerlessFunction(app, "internal", { image: IMAGE });
    suppress(internal, "ZS-FN-NO-TRIGGER", "called by shop/api over the cluster network");
    expect(warningsOf(app)).toEqual([]);
  });
});

describe("code.path and the handler export (synth's baseDir, the CLI's export check)", () => {
  const helloDir = join(root, "examples/hello");
  const codeApp = (path: string, handler: string) => {
    const app = new App({ name: "shop" });
    new ServerlessFunction(app, "api", { code: { path, handler } }).addTrigger("http", { http: { path: "/api" } });
    return app;
  };

  it("without a baseDir synth does no I/O and skips the check", () => {
    expect(() => synth(codeApp("nowhere", "index.js"))).not.toThrow();
  });

  it("with a baseDir: the folder and the handler file must exist", () => {
    expect(() => synth(codeApp("src", "index.js#handler"), { baseDir: helloDir })).not.toThrow();
    expect(validationError(() => synth(codeApp("nowhere", "index.js"), { baseDir: helloDir })).errors.map(formatDiagnostic)).toEqual([
      "shop/api: code.path (\"nowhere\") is not a folder in the app's base directory; create it, or set code.path relative to the program's folder (where the app file is).",
    ]);
    expect(validationError(() => Testing.synth(codeApp("src", "main.js"), { baseDir: helloDir })).errors.map(formatDiagnostic)).toEqual([
      'shop/api: code.handler ("main.js") names main.js, which is not a file in src; build the handler first, or name a .js, .mjs or .cjs file inside code.path.',
    ]);
  });

  it("the export check reads exports without running the file: ES modules, CommonJS, and unknowable files pass", async () => {
    const dir = mkdtempSync(join(root, "test/.errors-"));
    try {
      writeFileSync(join(dir, "esm.mjs"), "export const handler = async () => new Response('ok');\nexport default handler;\nthrow new Error('never run');\n");
      writeFileSync(join(dir, "cjs.cjs"), "exports.handle = async () => null;\nthrow new Error('never run');\n");
      writeFileSync(join(dir, "star.mjs"), "export * from './esm.mjs';\n");
      const graphOf = (handler: string) => synth(codeApp(".", handler), { baseDir: dir });
      const found = async (handler: string) => (await checkHandlerExports(graphOf(handler), dir)).map(formatDiagnostic);
      expect(await found("esm.mjs#handler")).toEqual([]);
      expect(await found("esm.mjs")).toEqual([]);
      expect(await found("esm.mjs#handlr")).toEqual([
        'shop/api: code.handler ("esm.mjs#handlr") names the export handlr, which esm.mjs does not have (it exports default, handler); did you mean "esm.mjs#handler"? Otherwise export it (`export async function handlr(request) { ... }`), or name one the file has.',
      ]);
      expect(await found("cjs.cjs#handle")).toEqual([]);
      expect(await found("cjs.cjs")).toEqual([]); // module.exports is the default export
      expect(await found("cjs.cjs#other")).toHaveLength(1);
      expect(await found("star.mjs#anything")).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every example passes both checks against its own folder", async () => {
    for (const example of ["hello", "orders", "shop"]) {
      const loaded = await loadApp(join(root, "examples", example, "app.ts"));
      expect(loaded.baseDir).toBe(join(root, "examples", example));
      const graph = await synthProgram(loaded);
      expect(graph.warnings.map(formatDiagnostic), example).toEqual([]);
    }
  });
});

describe("typecheckProgram (--typecheck)", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("reports tsc's diagnostics with file, line and column", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(root, "test/.errors-"));
    dirs.push(dir);
    const file = join(dir, "app.ts");
    writeFileSync(file, readFileSync(fixture("missing-import.ts"), "utf8").replace(/^\s*\/\/ @ts-expect-error.*\n/m, ""));
    const found = await typecheckProgram(file);
    // the fixture's @ts-expect-error line is gone, so the use of Duration is on line 9
    expect(found.map((d) => [d.category, d.code, d.line, d.column, d.message])).toEqual([["error", 2304, 9, 12, "Cannot find name 'Duration'."]]);
    expect(found[0]?.file).toBe(file);
    expect(found[0]?.text).toMatch(/app\.ts:9:12 - error TS2304: Cannot find name 'Duration'\.$/);
    copyFileSync(join(root, "examples/hello/app.ts"), join(dir, "ok.ts"));
    expect(await typecheckProgram(join(dirname(file), "ok.ts"))).toEqual([]);
  });
});

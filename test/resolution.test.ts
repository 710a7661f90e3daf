// zeroscale resolves wherever users compile it: consumer projects, one per TypeScript module
// resolution mode, type-check imports of "zeroscale", every subpath and "zeroscale/testing/vitest"
// against the package as `npm pack` ships it (so a file left out of "files", a subpath missing from
// "typesVersions" or a .d.ts that needs the consumer's options fails here), and the compiled programs
// plus plain CommonJS and ESM scripts run on node. The fixtures live in test/.resolution/ (gitignored,
// inside the repo so that zeroscale's own dependencies resolve from the repo's node_modules, as they
// would from a user's). The package is packed from dist/, which `npm test` builds first.
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const work = join(root, "test/.resolution");
const tsc = join(root, "node_modules/typescript/bin/tsc");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, unknown> };

/** The subpaths the fixtures import (every code entry of "exports"; the test checks that list). */
const SUBPATHS = ["testing", "events", "testing/vitest", "pulumi", "providers/knative", "providers/keda", "providers/docker", "providers/cloudrun", "providers/aca", "providers/lambda", "runtime"];

// The program every fixture compiles: values and types from each entry, so that a subpath resolving to
// nothing (or to `any`) fails to compile. CommonJS- and ESM-compatible (no top-level await).
const PROGRAM = `import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction, synth, type DeploymentGraph } from "zeroscale";
import { Testing, type Compiled } from "zeroscale/testing";
import { eventRequest, parseEvent, type ZeroscaleEvent } from "zeroscale/events";
import { deploy, MissingSdkError, type DeployOptions, type DeployableBackend } from "zeroscale/pulumi";
import { knative, type KnativeBackend, type KubePlan } from "zeroscale/providers/knative";
import { keda, type KedaBackend } from "zeroscale/providers/keda";
import { docker, DOCKER_PLAN_SCHEMA, type DockerBackend } from "zeroscale/providers/docker";
import { cloudRun, type CloudRunBackend } from "zeroscale/providers/cloudrun";
import { containerApps, type ContainerAppsBackend } from "zeroscale/providers/aca";
import { lambda, type LambdaBackend } from "zeroscale/providers/lambda";
import { Gateway, ProcessDriver, type GatewayOptions } from "zeroscale/runtime";

export function shop(): App {
  const app = new App({ name: "shop" });
  const api = new ServerlessFunction(app, "api", { image: "registry.example.com/shop/api:1.4.2", memory: "256Mi" });
  new EventTrigger(app, "api-http", { target: api, http: { path: "/api" } });
  new ScalingPolicy(app, "api-scaling", { target: api, minInstances: 0, maxInstances: 3, metric: { concurrency: 10 }, idleTimeout: Duration.minutes(2) });
  return app;
}

// @ts-expect-error memory is a quantity string: the types resolved (an \`any\` would not complain)
new ServerlessFunction(new App({ name: "typed" }), "f", { image: "registry.example.com/f:1", memory: 256 });

const graph: DeploymentGraph = synth(shop());
const compiled: Compiled<KubePlan> = Testing.compile(shop(), knative());
const backends: [KnativeBackend, KedaBackend, DockerBackend, CloudRunBackend, ContainerAppsBackend, LambdaBackend] = [knative(), keda(), docker(), cloudRun(), containerApps(), lambda()];
const deployable: DeployableBackend = backends[0];
const options: DeployOptions = {};
const missing = new MissingSdkError("@pulumi/docker", "deploy() with the docker backend");
type Ports = GatewayOptions extends object ? true : false;
const ports: Ports = true;
const request = eventRequest({ broker: "redis", data: { order: "1" } });
void parseEvent(request).then((e: ZeroscaleEvent) => e.id);

console.log(JSON.stringify({
  nodes: Testing.nodes(graph).length,
  resources: compiled.resources.length,
  backends: backends.map((b) => b.name),
  deployable: deployable.name,
  deploy: typeof deploy,
  options: Object.keys(options).length,
  missing: missing.message.includes("npm install @pulumi/docker"),
  runtime: [typeof Gateway, typeof ProcessDriver, ports],
  schema: typeof DOCKER_PLAN_SCHEMA,
  events: request.headers.get("ce-type"),
}));
`;

// zeroscale/testing/vitest in a test file: the matchers exist on vitest's expect, with zeroscale's types.
const MATCHERS = `import { expect } from "vitest";
import "zeroscale/testing/vitest";
import type { ZeroscaleMatchers } from "zeroscale/testing/vitest";
import type { App } from "zeroscale";

export function check(app: App): void {
  expect(app).toSynthWithoutErrors();
  expect(app).toHaveTrigger({ http: "/api" });
  // @ts-expect-error not a trigger kind: the matcher's own parameter type applies
  expect(app).toHaveTrigger({ carrierPigeon: "/api" });
}
export type Matchers = ZeroscaleMatchers<void>;
`;

/** What the program prints when it runs. */
const EXPECTED_RUN = {
  nodes: 3,
  backends: ["knative", "keda", "docker", "cloudrun", "aca", "lambda"],
  deployable: "knative",
  deploy: "function",
  options: 0,
  missing: true,
  runtime: ["function", "function", true],
  schema: "object",
  events: "dev.zeroscale.queue.redis",
};

interface Fixture {
  /** package.json "type" of the consumer. */
  readonly type: "module" | "commonjs";
  readonly compilerOptions: Record<string, unknown>;
  /** The compiled program, to run with node (none for a bundler project). */
  readonly output?: string;
}

const FIXTURES: Record<string, Fixture> = {
  // Pulumi's TypeScript template (`pulumi new typescript`), verbatim, with no skipLibCheck. TypeScript 6
  // deprecates moduleResolution node10 (an error unless silenced): a user on TS 6 has to add
  // ignoreDeprecations as here (TypeScript 5, which Pulumi's template pins, needs nothing).
  pulumi: {
    type: "commonjs",
    compilerOptions: {
      strict: true,
      outDir: "bin",
      target: "es2020",
      module: "commonjs",
      moduleResolution: "node",
      sourceMap: true,
      experimentalDecorators: true,
      pretty: true,
      noFallthroughCasesInSwitch: true,
      noImplicitReturns: true,
      forceConsistentCasingInFileNames: true,
      ignoreDeprecations: "6.0",
    },
    output: "bin/program.js",
  },
  // An ESM consumer on nodenext, also with every declaration checked.
  "nodenext-esm": { type: "module", compilerOptions: { strict: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext", outDir: "out" }, output: "out/program.js" },
  // The others check how each mode resolves the entries, with skipLibCheck as `tsc --init` and most
  // templates set it (the declarations themselves are checked in full above, and checking them again,
  // mostly @pulumi/kubernetes', would triple the time): the @ts-expect-error probes in the programs
  // fail if an entry resolves to nothing or to `any`.
  node16: { type: "module", compilerOptions: { strict: true, skipLibCheck: true, target: "es2022", module: "node16", moduleResolution: "node16", outDir: "out" }, output: "out/program.js" },
  "nodenext-cjs": { type: "commonjs", compilerOptions: { strict: true, skipLibCheck: true, target: "es2022", module: "nodenext", moduleResolution: "nodenext", outDir: "out" }, output: "out/program.js" },
  bundler: { type: "module", compilerOptions: { strict: true, skipLibCheck: true, target: "es2022", module: "esnext", moduleResolution: "bundler", noEmit: true } },
};

/** vitest's own declarations import vite and @vitest/* subpaths, which moduleResolution node10 cannot
 * resolve (vitest 4 needs node16, nodenext or bundler): under node10 those errors, and only those, are
 * expected. They are in vitest's files, not zeroscale's. */
const VITEST_NODE10 = /[/\\]node_modules[/\\](?:vitest|@vitest[/\\][^/\\]+|vite)[/\\][^(]*\(\d+,\d+\): error TS(?:2307|2882): Cannot find module (?:or type declarations for side-effect import of )?'(?:vite|@vitest)\//;

/** Files of the repo itself (not of the packed copy under test/.resolution), as `tsc --listFiles` prints them. */
const OWN_FILES = new RegExp(`^${escapeRegExp(root)}(?:dist|lib|providers|runtime|cli|node_modules[/\\\\]zeroscale)[/\\\\]`);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** tsc's errors, one per line, without the ones `allowed` matches. */
function errorsOf(output: string, allowed?: RegExp): string[] {
  return output
    .split("\n")
    .filter((l) => /\): error TS\d+|^error TS\d+/.test(l))
    .filter((l) => !allowed?.test(l));
}

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "node_modules/zeroscale"), { recursive: true });
  // What a user installs: the tarball (without the prepack/prepare scripts, which would rebuild dist).
  const packed = JSON.parse(execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" })) as { filename: string }[];
  execFileSync("tar", ["-xzf", join(work, packed[0]!.filename), "-C", join(work, "node_modules/zeroscale"), "--strip-components=1"]);
  for (const [name, f] of Object.entries(FIXTURES)) {
    const dir = join(work, name);
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: `fixture-${name}`, private: true, type: f.type }, null, 2)}\n`);
    writeFileSync(join(dir, "tsconfig.json"), `${JSON.stringify({ compilerOptions: f.compilerOptions, files: ["program.ts", "matchers.ts"] }, null, 2)}\n`);
    writeFileSync(join(dir, "program.ts"), PROGRAM);
    writeFileSync(join(dir, "matchers.ts"), MATCHERS);
  }
}, 60_000);

describe("zeroscale resolves where users compile it", () => {
  it("the fixtures import every code entry of package.json's exports", () => {
    const code = Object.entries(pkg.exports).filter(([, v]) => typeof v === "object").map(([k]) => k);
    expect(code.sort()).toEqual([".", ...SUBPATHS.map((s) => `./${s}`)].sort());
  });

  it("type-checks and runs under every moduleResolution (node10, node16, nodenext ESM and CJS, bundler)", { timeout: 300_000 }, async () => {
    // In parallel: each program includes @pulumi/kubernetes' declarations (checked in full in the two
    // fixtures without skipLibCheck), so each compile takes seconds.
    const results = await Promise.all(
      Object.entries(FIXTURES).map(async ([name, f]) => {
        const dir = join(work, name);
        const out = await run(process.execPath, [tsc, "-p", dir, "--pretty", "false", "--listFiles"], { cwd: dir, maxBuffer: 64 << 20 }).then(
          (r) => r.stdout + r.stderr,
          (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
        );
        const allowed = f.compilerOptions.moduleResolution === "node" ? VITEST_NODE10 : undefined;
        // TypeScript falls back to ancestor node_modules when a lookup fails, and the repo's own
        // node_modules/zeroscale links to the repo: any file of it in a program means an entry did not
        // resolve in the packed copy.
        const leaked = out.split("\n").filter((l) => OWN_FILES.test(l));
        return { name, errors: [...errorsOf(out, allowed).map((l) => l.replace(work + sep, "")), ...leaked.map((l) => `not from the tarball: ${l}`)] };
      }),
    );
    expect(Object.fromEntries(results.map((r) => [r.name, r.errors]))).toEqual(Object.fromEntries(results.map((r) => [r.name, []])));
    for (const [name, f] of Object.entries(FIXTURES)) {
      if (!f.output) continue;
      const ran = await run(process.execPath, [join(work, name, f.output)], { cwd: join(work, name) });
      // Nothing on stderr: node 20.19+ loads the ES modules from CommonJS require() without a warning.
      expect({ fixture: name, stderr: ran.stderr }).toEqual({ fixture: name, stderr: "" });
      expect(JSON.parse(ran.stdout.trim().split("\n").at(-1)!)).toMatchObject(EXPECTED_RUN);
    }
  });

  it("CommonJS require() and ESM import load every entry and work", async () => {
    const entries = ["zeroscale", ...SUBPATHS.map((s) => `zeroscale/${s}`)];
    const use = [
      "const app = new z.App({ name: 'shop' });",
      "new z.ServerlessFunction(app, 'api', { image: 'registry.example.com/shop/api:1.4.2' });",
      "const graph = z.synth(app);",
      "const plan = mods['zeroscale/providers/knative'].knative().compile(graph);",
      "console.log(JSON.stringify({ nodes: graph.nodes.length, schema: z.GRAPH_SCHEMA.$id, docker: mods['zeroscale/providers/docker'].DOCKER_PLAN_SCHEMA.type,",
      "  keys: Object.fromEntries(Object.entries(mods).map(([k, m]) => [k, Object.keys(m).length])), plan: typeof plan }));",
    ];
    writeFileSync(join(work, "require.cjs"), [`const mods = Object.fromEntries(${JSON.stringify(entries)}.map((e) => [e, require(e)]));`, "const z = mods.zeroscale;", ...use].join("\n"));
    writeFileSync(
      join(work, "import.mjs"),
      [`const mods = Object.fromEntries(await Promise.all(${JSON.stringify(entries)}.map(async (e) => [e, await import(e)])));`, "const z = mods.zeroscale;", ...use].join("\n"),
    );
    for (const script of ["require.cjs", "import.mjs"]) {
      const ran = await run(process.execPath, [join(work, script)], { cwd: work });
      expect({ script, stderr: ran.stderr }).toEqual({ script, stderr: "" });
      const out = JSON.parse(ran.stdout) as { nodes: number; schema: string; docker: string; keys: Record<string, number>; plan: string };
      expect(out).toMatchObject({ nodes: 2, schema: expect.stringContaining("deployment-graph"), docker: "object", plan: "object" });
      for (const e of entries) expect(out.keys[e], `${script}: ${e} exports something`).toBeGreaterThan(0);
    }
  });
});

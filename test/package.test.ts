// The package as npm would publish it (`npm pack --dry-run`): installable (not private, licensed), only
// what users need (dist without build info or maps of unshipped sources, the bin, the gateway image's
// Dockerfile and the node-image script; no sources, tests, benchmarks, examples or dev scripts), and
// dependencies that say what the shipped code imports: every runtime dependency is imported by it,
// every package it imports is a dependency, a peer or a node builtin, and the Pulumi SDKs are optional
// peers (one copy, the user's). dist/ is built by `npm test`'s pretest step.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSdk, MissingSdkError } from "../providers/pulumi/sdk.js";

const root = fileURLToPath(new URL("..", import.meta.url));

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly license: string;
  readonly main: string;
  readonly types: string;
  readonly bin: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly typesVersions: Record<string, Record<string, string[]>>;
  readonly dependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
  readonly peerDependenciesMeta: Record<string, { optional?: boolean }>;
  readonly devDependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;
let files: string[] = [];

beforeAll(() => {
  // --ignore-scripts: prepack would delete dist and prepare rebuild it, under other tests' feet.
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path).sort();
}, 60_000);

/** The package a bare specifier names ("@pulumi/pulumi/runtime" -> "@pulumi/pulumi"), or undefined for a relative one. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const isBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]!);

/** Bare package names each shipped file imports (static, dynamic, import types, require calls), by file. */
function bareImports(pattern: RegExp): Map<string, Set<string>> {
  const byFile = new Map<string, Set<string>>();
  for (const file of files.filter((f) => pattern.test(f))) {
    const info = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true);
    const names = info.importedFiles.map((i) => i.fileName).filter((s) => !isBuiltin(s));
    byFile.set(file, new Set(names.map(packageOf).filter((p): p is string => p !== undefined)));
  }
  return byFile;
}

// The gateway's esbuild bundles (dist/gateway/*.cjs) carry their dependencies inside; the scans below
// read the tsc output, which imports them, and the CLI's bundle (dist/cli/zeroscale.mjs and its chunks),
// whose imports are the packages it leaves external.
const JS = /^(?:dist\/(?!gateway\/).*\.m?js|bin\/.*\.js)$/;
const DTS = /^dist\/.*\.d\.ts$/;

describe("npm pack", () => {
  it("is publishable: not private, with the Apache-2.0 LICENSE it declares", () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.license).toBe("Apache-2.0");
    expect(files).toContain("LICENSE");
    expect(files).toContain("README.md");
    const license = readFileSync(join(root, "LICENSE"), "utf8");
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain("END OF TERMS AND CONDITIONS");
  });

  it("ships no build info, no source maps without their sources, no sources, tests or dev scripts", () => {
    expect(files.filter((f) => f.endsWith(".tsbuildinfo"))).toEqual([]);
    // Maps only where every source they point at ships too (the build makes none: sources do not ship).
    const orphanMaps = files
      .filter((f) => f.endsWith(".map"))
      .filter((f) => {
        const map = JSON.parse(readFileSync(join(root, f), "utf8")) as { sourceRoot?: string; sources: string[] };
        return map.sources.some((s) => !files.includes(posix.normalize(posix.join(posix.dirname(f), map.sourceRoot ?? "", s))));
      });
    expect(orphanMaps).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    const allowed = /^(?:dist\/|bin\/|docker\/|scripts\/make-node-image\.sh$|package\.json$|README\.md$|LICENSE$)/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files).not.toContain("scripts/render-docs.ts");
  });

  it("ships every file package.json points at (main, types, bin, exports, typesVersions)", () => {
    const targets = new Set<string>([manifest.main, manifest.types, ...Object.values(manifest.bin)]);
    for (const entry of Object.values(manifest.exports)) {
      // "zeroscale-source" points at the .ts sources, for this repo's own tsconfig and tools only.
      const conditions: [string, string][] = typeof entry === "string" ? [["default", entry]] : Object.entries(entry);
      for (const [condition, target] of conditions) if (condition !== "zeroscale-source") targets.add(target);
    }
    for (const map of Object.values(manifest.typesVersions)) for (const paths of Object.values(map)) for (const p of paths) targets.add(p);
    const missing = [...targets].map((t) => posix.normalize(t)).filter((t) => !files.includes(t));
    expect(missing).toEqual([]);
    // Every subpath export with types has a typesVersions entry (moduleResolution node10 reads only those).
    const subpaths = Object.entries(manifest.exports)
      .filter(([k, v]) => k !== "." && typeof v === "object" && "types" in v)
      .map(([k]) => k.slice(2));
    expect(Object.keys(manifest.typesVersions["*"] ?? {}).sort()).toEqual(subpaths.sort());
    for (const s of subpaths) expect(manifest.typesVersions["*"]![s]).toEqual([(manifest.exports[`./${s}`] as Record<string, string>).types]);
  });

  it("has the Pulumi SDKs as optional peers, not dependencies", () => {
    for (const sdk of ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/docker"]) {
      expect(manifest.dependencies[sdk], sdk).toBeUndefined();
      expect(manifest.peerDependencies[sdk], sdk).toMatch(/^\^\d+\.\d+\.\d+$/);
      expect(manifest.peerDependenciesMeta[sdk]?.optional, sdk).toBe(true);
      // Tested with exactly the version the peer range starts at.
      expect(`^${manifest.devDependencies[sdk]}`, sdk).toBe(manifest.peerDependencies[sdk]);
    }
  });

  it("depends on what the shipped code imports, and on nothing else", () => {
    const js = bareImports(JS);
    const dts = bareImports(DTS);
    const importedByJs = new Set([...js.values()].flatMap((s) => [...s]));
    const importedByDts = new Set([...dts.values()].flatMap((s) => [...s]));
    const provided = new Set([manifest.name, ...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    // Every import of the shipped JavaScript resolves to the package itself, a dependency, a peer or a builtin.
    const undeclared = [...js].flatMap(([file, names]) => [...names].filter((n) => !provided.has(n)).map((n) => `${file}: ${n}`));
    expect(undeclared).toEqual([]);
    // Every dependency is used: imported by the JavaScript, or (an @types package) by the declarations.
    const unused = Object.keys(manifest.dependencies).filter((d) => {
      const typed = d.startsWith("@types/") ? d.slice("@types/".length).replace(/^(.+)__(.+)$/, "@$1/$2") : undefined;
      return typed === undefined ? !importedByJs.has(d) : !importedByDts.has(typed);
    });
    expect(unused).toEqual([]);
    // Every package the declarations import is declared, and has types of its own or an @types
    // dependency (a consumer without skipLibCheck type-checks our .d.ts files against them).
    const untyped = [...importedByDts].filter((n) => n !== manifest.name).filter((n) => {
      if (!provided.has(n)) return true;
      const dir = join(root, "node_modules", n);
      const own = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { types?: string; typings?: string; exports?: unknown };
      const hasTypes = Boolean(own.types ?? own.typings) || JSON.stringify(own.exports ?? {}).includes('"types"') || existsSync(join(dir, "index.d.ts"));
      return !hasTypes && !(`@types/${n.replace(/^@(.+)\/(.+)$/, "$1__$2")}` in manifest.dependencies);
    });
    expect(untyped).toEqual([]);
  });
});

describe("the packed package's command", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "zeroscale-packed-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("ships the CLI bundle and the precompiled validators, and `zeroscale synth` runs from the unpacked tarball", () => {
    expect(files).toContain("dist/cli/zeroscale.mjs");
    expect(files.some((f) => /^dist\/cli\/chunks\/knative-[\w-]+\.mjs$/.test(f))).toBe(true);
    expect(files).toContain("dist/lib/validation/shape-validators.generated.js");
    expect(files).toContain("dist/lib/graph/graph-validator.generated.js");
    const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const tarball = join(dir, (JSON.parse(out) as { filename: string }[])[0]!.filename);
    const pkg = join(dir, "node_modules/zeroscale");
    mkdirSync(pkg, { recursive: true });
    execFileSync("tar", ["-xzf", tarball, "-C", pkg, "--strip-components=1"]);
    // Its dependencies as npm would install them (this repo's, no network).
    symlinkSync(join(root, "node_modules"), join(pkg, "node_modules"), "dir");
    mkdirSync(join(dir, "app"));
    writeFileSync(join(dir, "app/app.ts"), 'import { App, ServerlessFunction } from "zeroscale";\nexport const app = new App({ name: "packed" });\nnew ServerlessFunction(app, "api", { image: "registry.example.com/api:1" }).addTrigger("http", { http: { path: "/api" } });\n');
    const env = { ...process.env };
    delete env["ZEROSCALE_SELF_CHECK"];
    const run = spawnSync(process.execPath, [join(pkg, "bin/zeroscale.js"), "synth", "app.ts", "--backend", "knative", "--single-file", "--out", "out"], { cwd: join(dir, "app"), encoding: "utf8", env, timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("app packed: 1 function, 1 trigger");
    expect(readFileSync(join(dir, "app/out/knative/manifests.yaml"), "utf8")).toContain("kind: Service");
    const broken = join(dir, "app/broken.ts");
    writeFileSync(broken, 'import { App } from "zeroscale";\nexport const app = new App({ name: "x" ;\n');
    const bad = spawnSync(process.execPath, [join(pkg, "bin/zeroscale.js"), "synth", "broken.ts"], { cwd: join(dir, "app"), encoding: "utf8", env, timeout: 60_000 });
    expect(bad.status).toBe(3);
    expect(bad.stderr).toMatch(/^error: broken\.ts:2:40: SyntaxError: Expected "\}" but found ";"/);
  }, 120_000);
});

describe("MissingSdkError", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "zeroscale-sdk-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names the package, the version to install and the install command when the SDK is not installed", () => {
    const from = pathToFileURL(join(dir, "program.js")).href;
    for (const [pkg, neededBy] of [
      ["@pulumi/kubernetes", "deploy() with the knative backend"],
      ["@pulumi/docker", "deploy() with the docker backend"],
    ] as const) {
      let caught: unknown;
      try {
        loadSdk(pkg, neededBy, from);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(MissingSdkError);
      const err = caught as MissingSdkError;
      expect(err.pkg).toBe(pkg);
      expect(err.message).toContain(neededBy);
      // The range is the one package.json declares for the peer.
      expect(err.message).toContain(`npm install ${pkg}@${manifest.peerDependencies[pkg]}`);
    }
  });

  it("keeps a broken install's own error (a dependency of the SDK missing, not the SDK)", () => {
    const sdk = join(dir, "node_modules/@pulumi/docker");
    mkdirSync(sdk, { recursive: true });
    writeFileSync(join(sdk, "package.json"), JSON.stringify({ name: "@pulumi/docker", version: "5.2.0", main: "index.js" }));
    writeFileSync(join(sdk, "index.js"), 'require("some-dependency-that-is-gone");\n');
    let caught: unknown;
    try {
      loadSdk("@pulumi/docker", "deploy() with the docker backend", pathToFileURL(join(dir, "program.js")).href);
    } catch (e) {
      caught = e;
    }
    expect(caught).not.toBeInstanceOf(MissingSdkError);
    expect((caught as Error).message).toMatch(/Cannot find module 'some-dependency-that-is-gone'/);
    rmSync(dirname(sdk), { recursive: true, force: true });
  });

  it("loads the installed SDK", () => {
    expect(typeof loadSdk("@pulumi/docker", "a test").Container).toBe("function");
  });
});

// A handler loads the same way on every runtime: ESM or CommonJS decided once, by Node's rules
// (extension, nearest package.json "type", else syntax; runtime/runner/format.ts), and passed to the
// runner. The fixtures live in a temp folder, like a user's project: no package.json of this repo
// above them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { App, type FunctionNode, ServerlessFunction, synth } from "zeroscale";
import { loadApp } from "../cli/load.js";
import { DockerDriver, type Driver, DriverError, freePort, ProcessDriver } from "../runtime/index.js";
import { detectFormat, formatConflict, hasModuleSyntax } from "../runtime/runner/format.js";
import { hasDocker } from "./support/docker.js";
import { waitFor } from "./support/gateway.js";

const root = mkdtempSync(join(tmpdir(), "zs-formats-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const esm = (format: string) => `import { shout } from "./lib.js";\nexport default async (request) => Response.json({ format: "${format}", path: new URL(request.url).pathname, shout: shout("hi") });\n`;
const cjs = (format: string, lib = "./lib.js") => `const { shout } = require("${lib}");\nmodule.exports = async (request) => Response.json({ format: "${format}", path: new URL(request.url).pathname, shout: shout("hi") });\n`;
const esmLib = 'export const shout = (s) => s.toUpperCase() + "!";\n';
const cjsLib = 'exports.shout = (s) => s.toUpperCase() + "!";\n';

/** name -> files of its folder, handler, the format it must be read as, and why. */
const CASES = {
  "esm-with-type": { files: { "package.json": '{"type":"module"}', "index.js": esm("esm"), "lib.js": esmLib }, handler: "index.js", format: "module", why: /"type": "module" in .*package\.json/ },
  "esm-without-type": { files: { "package.json": '{"name":"no-type"}', "index.js": esm("esm"), "lib.js": esmLib }, handler: "index.js", format: "module", why: /its ESM syntax \(no "type" in/ },
  mjs: { files: { "package.json": '{"type":"commonjs"}', "handler.mjs": esm("esm").replace("./lib.js", "./lib.mjs"), "lib.mjs": esmLib }, handler: "handler.mjs", format: "module", why: /\.mjs extension/ },
  cjs: { files: { "package.json": '{"type":"module"}', "handler.cjs": cjs("cjs", "./lib.cjs"), "lib.cjs": cjsLib }, handler: "handler.cjs", format: "commonjs", why: /\.cjs extension/ },
  "commonjs-module-exports": { files: { "package.json": '{"name":"no-type"}', "index.js": cjs("cjs"), "lib.js": cjsLib }, handler: "index.js", format: "commonjs", why: /its CommonJS syntax/ },
  "commonjs-named-exports": { files: { "index.js": 'exports.handler = async () => Response.json({ format: "cjs", path: "/named", shout: "HI!" });\n' }, handler: "index.js#handler", format: "commonjs", why: /no package\.json above it|CommonJS syntax/ },
} as const;

for (const [name, c] of Object.entries(CASES)) {
  mkdirSync(join(root, name));
  for (const [file, text] of Object.entries(c.files)) writeFileSync(join(root, name, file), text);
}
// ESM syntax in a folder that says CommonJS: refused before anything starts, with the fix.
mkdirSync(join(root, "conflict"));
writeFileSync(join(root, "conflict", "package.json"), '{"type":"commonjs"}');
writeFileSync(join(root, "conflict", "index.js"), esm("esm"));

function fnNode(app: string, path: string, handler: string): FunctionNode {
  const a = new App({ name: app });
  new ServerlessFunction(a, "fn", { code: { path, handler } });
  return synth(a).nodes.find((n) => n.kind === "function") as FunctionNode;
}

async function answer(driver: Driver, app: string, name: keyof typeof CASES): Promise<unknown> {
  const c = CASES[name];
  const fn = fnNode(app, name, c.handler);
  await driver.prepare(fn);
  const inst = await driver.start({ app, fn, port: driver.kind === "docker" ? await freePort() : undefined, env: {} } as never);
  try {
    let body: unknown;
    const ok = await waitFor(async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${inst.port}/p`);
        body = { status: res.status, ...((await res.json()) as object) };
        return true;
      } catch {
        return false;
      }
    }, 20_000);
    if (!ok) throw new Error(`${name}: nothing answered on ${inst.port}`);
    return body;
  } finally {
    await inst.stop(2000);
  }
}

const expected = (name: keyof typeof CASES) => {
  const c = CASES[name];
  return { status: 200, format: c.format === "module" ? "esm" : "cjs", path: name === "commonjs-named-exports" ? "/named" : "/p", shout: "HI!" };
};

describe("module formats: detection", () => {
  it.each(Object.keys(CASES) as (keyof typeof CASES)[])("%s is read as its format says", (name) => {
    const c = CASES[name];
    const d = detectFormat(join(root, name, c.handler.split("#")[0] as string));
    expect(d.format).toBe(c.format);
    expect(d.why).toMatch(c.why);
  });

  it("recognises ESM-only syntax and nothing else", () => {
    expect(hasModuleSyntax("export default 1")).toBe(true);
    expect(hasModuleSyntax('import x from "y"; x()')).toBe(true);
    expect(hasModuleSyntax("console.log(import.meta.url)")).toBe(true);
    expect(hasModuleSyntax("await Promise.resolve(1)")).toBe(true);
    expect(hasModuleSyntax("#!/usr/bin/env node\nexport const a = 1")).toBe(true);
    expect(hasModuleSyntax('module.exports = () => import("./x.js")')).toBe(false); // dynamic import is fine in CommonJS
    expect(hasModuleSyntax("return 1")).toBe(false); // CommonJS allows a top-level return
    expect(hasModuleSyntax("this is not javascript")).toBe(false); // a plain syntax error: node reports it
  });

  it("names a format conflict and its fix", () => {
    expect(formatConflict(join(root, "conflict", "index.js"))).toMatch(/uses ESM syntax \(import\/export\) but is read as CommonJS because of "type": "commonjs" in .*conflict\/package\.json; rename it \.mjs, set "type": "module" in that package\.json, or use module\.exports/);
    expect(formatConflict(join(root, "esm-without-type", "index.js"))).toBeUndefined();
  });
});

describe("module formats: process runtime", () => {
  const driver = new ProcessDriver(root);
  it.each(Object.keys(CASES) as (keyof typeof CASES)[])("%s answers", async (name) => {
    expect(await answer(driver, "formats-process", name)).toEqual(expected(name));
  });

  it("refuses a format conflict in prepare()", async () => {
    await expect(driver.prepare(fnNode("formats-process", "conflict", "index.js"))).rejects.toThrow(DriverError);
    await expect(driver.prepare(fnNode("formats-process", "conflict", "index.js"))).rejects.toThrow(/fn: .* but is read as CommonJS/);
  });
});

// Docker needs an engine and the local node image: it runs on CI (test/support/docker.ts throws there without one).
describe.skipIf(!hasDocker)("module formats: Docker runtime", () => {
  const driver = new DockerDriver({ baseDir: root });
  afterAll(async () => {
    await driver.cleanup("formats-docker");
    driver.close();
  });
  it.each(Object.keys(CASES) as (keyof typeof CASES)[])("%s answers", { timeout: 60_000 }, async (name) => {
    expect(await answer(driver, "formats-docker", name)).toEqual(expected(name));
  });

  it("refuses a format conflict in prepare()", async () => {
    await expect(driver.prepare(fnNode("formats-docker", "conflict", "index.js"))).rejects.toThrow(/fn: .* but is read as CommonJS/);
  });
});

// Programs export their App in any documented way (the default export or `app`, either may be a
// function returning it), in an ESM folder ("type": "module") and a CommonJS one (no "type"). Inside
// the repo so their imports resolve; removed afterwards.
describe("module formats: programs", () => {
  const dir = join(new URL("..", import.meta.url).pathname, `test/.formats-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const make = (folder: string, pkg: string, file: string, text: string) => {
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, folder, "package.json"), pkg);
    writeFileSync(join(dir, folder, file), text);
    return join(dir, folder, file);
  };
  const tsBody = 'import { App, ServerlessFunction } from "../../../lib/index.js";\nconst build = () => { const a = new App({ name: "formats" }); new ServerlessFunction(a, "fn", { image: "nginx:1" }); return a; };\n';
  const jsImport = 'import { App, ServerlessFunction } from "../../../dist/lib/index.js";\nconst build = () => { const a = new App({ name: "formats" }); new ServerlessFunction(a, "fn", { image: "nginx:1" }); return a; };\n';
  const jsRequire = 'const { App, ServerlessFunction } = require("../../../dist/lib/index.js");\nconst build = () => { const a = new App({ name: "formats" }); new ServerlessFunction(a, "fn", { image: "nginx:1" }); return a; };\n';
  const EXPORTS = { "export default app": "export default build();\n", "export const app": "export const app = build();\n", "export default () => app": "export default build;\n" };
  const programs: [string, string, string, string][] = [];
  for (const [folder, pkg] of [["esm", '{"type":"module"}'], ["cjs", '{"name":"no-type"}']] as const) {
    for (const [how, tail] of Object.entries(EXPORTS)) programs.push([`${folder} folder, .ts: ${how}`, folder, `${how.replace(/\W+/g, "-")}.ts`, tsBody + tail]);
    programs.push([`${folder} folder, .mjs: export default app`, folder, "default.mjs", jsImport + EXPORTS["export default app"]]);
    programs.push([`${folder} folder, .cjs: module.exports = app`, folder, "exports.cjs", `${jsRequire}module.exports = build();\n`]);
    programs.push([`${folder} folder, .cjs: module.exports = { app }`, folder, "named.cjs", `${jsRequire}const app = build();\nmodule.exports = { app };\n`]);
  }
  programs.push(["cjs folder, .js: module.exports = app", "cjs", "plain.js", `${jsRequire}module.exports = build();\n`]);
  programs.push(["esm folder, .js: export default app", "esm", "plain.js", jsImport + EXPORTS["export default app"]]);

  it.each(programs)("%s", async (_name, folder, file, text) => {
    const path = make(folder, folder === "esm" ? '{"type":"module"}' : '{"name":"no-type"}', file, text);
    const { app } = await loadApp(path);
    expect(app.node.id).toBe("formats");
  });
});

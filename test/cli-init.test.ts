// `zeroscale init`: a new app that synthesizes, whose test type-checks and passes, into a new or empty
// folder only.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appNameFrom } from "../cli/init.js";

const root = new URL("..", import.meta.url).pathname;

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const zeroscale = (cwd: string, ...args: string[]) => run(process.execPath, [join(root, "bin/zeroscale.js"), ...args], cwd);

describe("zeroscale init", () => {
  it("scaffolds an app that synthesizes, and whose test type-checks and passes", { timeout: 180_000 }, () => {
    const parent = mkdtempSync(join(tmpdir(), "zeroscale-init-"));
    const r = zeroscale(parent, "init", "My Shop");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("created app my-shop in My Shop/:");
    const dir = join(parent, "My Shop");
    expect(readdirSync(dir).sort()).toEqual([".gitignore", "README.md", "app.test.ts", "app.ts", "package.json", "src", "tsconfig.json"]);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg).toMatchObject({ name: "my-shop", type: "module", dependencies: { zeroscale: `^${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}` } });
    // What `npm install` would give it: zeroscale itself and the repo's vitest, typescript and @types.
    mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
    symlinkSync(root, join(dir, "node_modules/zeroscale"));
    for (const m of ["vitest", "typescript", "@types/node"]) symlinkSync(join(root, "node_modules", m), join(dir, "node_modules", m));
    // As after `zeroscale build app.ts --registry registry.example.com/my-shop` (digest made up: synth only reads it).
    writeFileSync(join(dir, "zeroscale.images.json"), JSON.stringify({ version: 1, app: "my-shop", registry: "registry.example.com/my-shop", images: { "my-shop/api": `registry.example.com/my-shop/my-shop-api@sha256:${"0".repeat(64)}` } }));
    const synth = zeroscale(dir, "synth", "app.ts", "--backend", "knative", "--images", "zeroscale.images.json", "--strict");
    expect(synth.code, synth.stderr).toBe(0);
    expect(synth.stdout).toContain("app my-shop: 1 function, 1 trigger");
    const tsc = run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], dir);
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
    const test = run(process.execPath, [join(root, "node_modules/vitest/vitest.mjs"), "run", "--root", dir], dir);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/Tests\s+.*3 passed/);
  });

  it("refuses a non-empty folder, and writes nothing there", () => {
    const dir = mkdtempSync(join(tmpdir(), "zeroscale-init-"));
    writeFileSync(join(dir, "notes.txt"), "mine");
    const r = zeroscale(dir, "init");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error ZS-CLI-INIT-NOT-EMPTY zeroscale init: [dir] (".") is not empty (it has notes.txt); init writes only into a new or empty folder and never overwrites; name a new folder, e.g. zeroscale init my-app.\n');
    expect(readdirSync(dir)).toEqual(["notes.txt"]);
  });

  it("names the app after its folder, as a DNS-1035 label", () => {
    expect(appNameFrom("My Shop")).toBe("my-shop");
    expect(appNameFrom("2fast_API!")).toBe("fast-api");
    expect(appNameFrom("___")).toBe("app");
    expect(appNameFrom("a".repeat(40))).toHaveLength(30);
  });
});

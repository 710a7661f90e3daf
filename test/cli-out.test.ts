// `zeroscale synth` never destroys a user's files: its output folder carries a manifest of what it
// wrote; it refuses a non-empty folder it does not own, and removes only its own stale files.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeOutput } from "../cli/out-dir.js";
import { FlagError } from "../cli/flags.js";

const root = new URL("..", import.meta.url).pathname;

function zeroscale(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin/zeroscale.js"), ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), "zeroscale-out-"));
const hello = join(root, "examples/hello/app.ts");
const orders = join(root, "examples/orders/app.ts");
/** An image map as `zeroscale build` writes it (digests made up: synth only reads them). */
function imageMap(app: string, fns: string[]): string {
  const file = join(tmp(), "zeroscale.images.json");
  const images = Object.fromEntries(fns.map((f) => [`${app}/${f}`, `r.example.com/${app}/${app}-${f}@sha256:${"0".repeat(64)}`]));
  writeFileSync(file, JSON.stringify({ version: 1, app, registry: `r.example.com/${app}`, images }));
  return file;
}
const helloImages = () => imageMap("hello", ["hello"]);
const ordersImages = () => imageMap("orders", ["api", "worker"]);
/** Every file under a folder, relative, sorted. */
const tree = (dir: string): string[] => (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[]).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name).slice(dir.length + 1)).sort();

describe("synth's output folder", () => {
  it("defaults to zeroscale.out/ (not dist/) and records a manifest of what it wrote", () => {
    const project = tmp();
    const r = zeroscale(project, "synth", hello);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("wrote 1 file to zeroscale.out/");
    expect(tree(project)).toEqual(["zeroscale.out/.zeroscale-manifest.json", "zeroscale.out/graph.json"]);
    const manifest = JSON.parse(readFileSync(join(project, "zeroscale.out/.zeroscale-manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ kind: "ZeroscaleOutput", version: 1 });
    expect(Object.keys(manifest.files)).toEqual(["graph.json"]);
  });

  it("refuses a non-empty folder it does not own, and leaves it untouched", () => {
    const out = tmp();
    mkdirSync(join(out, "keep"));
    writeFileSync(join(out, "keep/notes.txt"), "mine");
    const r = zeroscale(root, "synth", hello, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`error ZS-CLI-OUT-NOT-OWNED zeroscale synth: --out ("${out}") is a non-empty folder zeroscale did not write (it has no .zeroscale-manifest.json); pick a new or empty folder, e.g. --out zeroscale.out, or pass --force to write into it (zeroscale then overwrites only the files it writes and deletes nothing).\n`);
    expect(tree(out)).toEqual(["keep/notes.txt"]);
    expect(readFileSync(join(out, "keep/notes.txt"), "utf8")).toBe("mine");
  });

  it("with --force writes into it, and the user's file survives (also the next synth)", () => {
    const out = tmp();
    mkdirSync(join(out, "keep"));
    writeFileSync(join(out, "keep/notes.txt"), "mine");
    expect(zeroscale(root, "synth", hello, "--out", out, "--force").code).toBe(0);
    expect(tree(out)).toEqual([".zeroscale-manifest.json", "graph.json", "keep/notes.txt"]);
    expect(zeroscale(root, "synth", orders, "--out", out, "--backend", "knative", "--images", ordersImages()).code).toBe(0);
    expect(readFileSync(join(out, "keep/notes.txt"), "utf8")).toBe("mine");
  });

  it("a second synth removes a stale artifact it wrote, but not a user file added meanwhile", () => {
    const out = tmp();
    expect(zeroscale(root, "synth", hello, "--out", out, "--backend", "knative,keda", "--plan", "--images", helloImages()).code).toBe(0);
    expect(existsSync(join(out, "keda/plan.json"))).toBe(true);
    writeFileSync(join(out, "keda/notes.txt"), "mine"); // the user's, next to artifacts
    writeFileSync(join(out, "README.md"), "mine");
    const r = zeroscale(root, "synth", hello, "--out", out, "--backend", "knative", "--plan", "--images", helloImages());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/removed 2 stale files the previous synth wrote: keda\/manifests\/hello-hello-[0-9a-f]+\.yaml, keda\/plan\.json/);
    expect(tree(out)).toEqual([".zeroscale-manifest.json", "README.md", "graph.json", "keda/notes.txt", expect.stringMatching(/^knative\/manifests\/hello-hello-[0-9a-f]+\.yaml$/), "knative/plan.json"]);
  });

  it("keeps a stale artifact someone edited since synth wrote it, and says so", () => {
    const out = tmp();
    expect(zeroscale(root, "synth", hello, "--out", out, "--backend", "keda", "--plan", "--images", helloImages()).code).toBe(0);
    writeFileSync(join(out, "keda/plan.json"), "edited");
    const r = zeroscale(root, "synth", hello, "--out", out, "--json");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.kept).toEqual(["keda/plan.json"]);
    expect(doc.removed).toEqual([expect.stringMatching(/^keda\/manifests\//)]);
    expect(readFileSync(join(out, "keda/plan.json"), "utf8")).toBe("edited");
  });

  it("writes graph.json compact (indented with --pretty), and a Kubernetes plan.json only with --plan", () => {
    const out = tmp();
    expect(zeroscale(root, "synth", hello, "--out", out, "--backend", "knative", "--images", helloImages()).code).toBe(0);
    const compact = readFileSync(join(out, "graph.json"), "utf8");
    expect(compact.trimEnd()).not.toContain("\n");
    expect(compact).toBe(`${JSON.stringify(JSON.parse(compact))}\n`);
    expect(existsSync(join(out, "knative/plan.json"))).toBe(false);
    expect(zeroscale(root, "synth", hello, "--out", out, "--backend", "knative", "--images", helloImages(), "--plan", "--pretty").code).toBe(0);
    const pretty = readFileSync(join(out, "graph.json"), "utf8");
    expect(pretty).toBe(`${JSON.stringify(JSON.parse(compact), null, 2)}\n`);
    const plan = readFileSync(join(out, "knative/plan.json"), "utf8");
    expect(plan).toBe(`${JSON.stringify(JSON.parse(plan), null, 2)}\n`);
    expect(JSON.parse(plan).resources[0]).toMatchObject({ owner: "hello/hello", file: expect.stringMatching(/^manifests\//) });
    expect(zeroscale(root, "synth", hello, "--out", out, "--backend", "knative", "--images", helloImages(), "--plan").code).toBe(0);
    expect(readFileSync(join(out, "knative/plan.json"), "utf8")).toBe(`${JSON.stringify(JSON.parse(plan))}\n`);
  });

  it("removes the plan.json an earlier synth --plan wrote, but never one synth did not write", () => {
    const out = tmp();
    expect(zeroscale(root, "synth", hello, "--out", out, "--backend", "knative", "--plan", "--images", helloImages()).code).toBe(0);
    const r = zeroscale(root, "synth", hello, "--out", out, "--backend", "knative", "--images", helloImages());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("removed 1 stale file the previous synth wrote: knative/plan.json");
    expect(existsSync(join(out, "knative/plan.json"))).toBe(false);
    // A plan.json of the user's in a folder synth writes into with --force: not synth's, so never deleted.
    const theirs = tmp();
    mkdirSync(join(theirs, "knative"));
    writeFileSync(join(theirs, "knative/plan.json"), "mine");
    expect(zeroscale(root, "synth", hello, "--out", theirs, "--backend", "knative", "--force", "--images", helloImages()).code).toBe(0);
    expect(zeroscale(root, "synth", hello, "--out", theirs, "--backend", "knative", "--images", helloImages()).code).toBe(0);
    expect(readFileSync(join(theirs, "knative/plan.json"), "utf8")).toBe("mine");
  });

  it("`--out .` in a project folder is refused, and nothing is written", () => {
    const project = tmp();
    writeFileSync(join(project, "package.json"), "{}");
    writeFileSync(join(project, "app.ts"), "");
    const r = zeroscale(project, "synth", hello, "--out", ".");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out (".") is a non-empty folder zeroscale did not write');
    expect(tree(project)).toEqual(["app.ts", "package.json"]);
  });

  it("a folder holding only other zeroscale outputs is not someone else's", () => {
    const out = tmp();
    expect(zeroscale(root, "synth", orders, "--out", join(out, "orders")).code).toBe(0);
    expect(zeroscale(root, "synth", hello, "--out", out).code).toBe(0);
    expect(tree(out)).toEqual([".zeroscale-manifest.json", "graph.json", "orders/.zeroscale-manifest.json", "orders/graph.json"]);
  });

  it("refuses a path it would write as a file where a folder is, before writing anything", () => {
    const out = tmp();
    mkdirSync(join(out, "graph.json"));
    expect(() => writeOutput(out, [{ path: "a.txt", content: "a" }, { path: "graph.json", content: "{}" }], { force: true, shown: out })).toThrow(FlagError);
    expect(existsSync(join(out, "a.txt"))).toBe(false);
  });
});

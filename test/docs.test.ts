// Docs never rot: every TypeScript block in README.md and docs/ is either copied from a file the tests
// run (<!-- from: path -->, checked verbatim) or marked runnable, type-checked and run here; every shell
// block marked runnable is run as a reader would run it; generated pictures match the CLI's output.
import { execSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

interface Block {
  file: string;
  line: number;
  info: string;
  code: string;
  before: string;
}

function markdownFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) markdownFiles(p, out);
    else if (p.endsWith(".md")) out.push(p);
  }
  return out;
}

function blocks(file: string): Block[] {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)?$/.exec(lines[i] as string);
    if (!open || !open[1]) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i] as string);
    out.push({ file, line: start + 1, info: open[1], code: body.join("\n"), before: (lines[start - 1] ?? "").trim() });
  }
  return out;
}

const all = ["README.md", ...markdownFiles("docs")].flatMap(blocks);
const tsBlocks = all.filter((b) => /^(ts|typescript)\b/.test(b.info));

describe("docs", () => {
  it("every TypeScript block is from a tested file or runnable", () => {
    const loose = tsBlocks.filter((b) => !b.info.includes("runnable") && !b.before.startsWith("<!-- from:")).map((b) => `${b.file}:${b.line}`);
    expect(loose).toEqual([]);
  });

  it("blocks marked <!-- from: path --> appear verbatim in that file", () => {
    const from = all.filter((b) => b.before.startsWith("<!-- from:"));
    expect(from.length).toBeGreaterThanOrEqual(3);
    for (const b of from) {
      const path = (/\x3c!-- from: (\S+) -->/.exec(b.before) as RegExpExecArray)[1] as string;
      expect(readFileSync(join(root, path), "utf8"), `${b.file}:${b.line} is not in ${path}`).toContain(b.code);
    }
  });

  it("runnable TypeScript blocks type-check", { timeout: 120_000 }, () => {
    const dir = join(root, "test/.docs");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // What the snippets import as "./app.js": the examples' apps.
    writeFileSync(join(dir, "app.ts"), 'export { app } from "../../examples/shop/app.js";\nexport { hello } from "../../examples/hello/app.js";\n');
    const runnable = tsBlocks.filter((b) => b.info.includes("runnable"));
    expect(runnable.length).toBeGreaterThanOrEqual(6);
    const files = runnable.map((b, i) => {
      const f = join(dir, `snippet-${i}.ts`);
      writeFileSync(f, `// ${b.file}:${b.line}\n${b.code}\n`);
      return f;
    });
    const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined }) as ts.ParsedCommandLine;
    const program = ts.createProgram([...files, join(dir, "app.ts")], { ...config.options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${relative(root, d.file.fileName)}:${(d.file.getLineAndCharacterOfPosition(d.start ?? 0).line ?? 0) + 1}` : "";
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    expect(problems).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  // Type-checking is not enough: a snippet that compiles can still throw (a BackendError, a failing
  // expect). Each runnable block runs in one child vitest run: blocks with it()/test() are test files
  // as written; every other block is a program, imported inside a test (with Pulumi mocks and config
  // set first when it uses Pulumi, and its exported Outputs awaited).
  it("runnable TypeScript blocks run and pass", { timeout: 120_000 }, () => {
    const dir = join(root, "test/.docs");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "app.ts"), 'export { app } from "../../examples/shop/app.js";\nexport { hello } from "../../examples/hello/app.js";\n');
    const runnable = tsBlocks.filter((b) => b.info.includes("runnable"));
    runnable.forEach((b, i) => {
      const where = `${b.file}:${b.line}`;
      if (/\b(it|test)\(/.test(b.code)) {
        writeFileSync(join(dir, `snippet-${i}.run.ts`), `// ${where}\n${b.code}\n`);
        return;
      }
      writeFileSync(join(dir, `snippet-${i}.ts`), `// ${where}\n${b.code}\n`);
      const pulumi = /from "(@pulumi\/pulumi|zeroscale\/pulumi)"/.test(b.code);
      writeFileSync(
        join(dir, `snippet-${i}.run.ts`),
        [
          'import { it } from "vitest";',
          pulumi ? 'import * as pulumi from "@pulumi/pulumi";' : "",
          `it(${JSON.stringify(`${where} runs`)}, async () => {`,
          pulumi ? '  await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "docs", "test");' : "",
          pulumi ? '  pulumi.runtime.setAllConfig({ "docs:dbUrl": "postgres://db.example/shop" }, ["docs:dbUrl"]);' : "",
          `  const mod = (await import("./snippet-${i}.js")) as Record<string, unknown>;`,
          pulumi ? "  for (const v of Object.values(mod)) if (pulumi.Output.isInstance(v)) await new Promise((r) => v.apply(r));" : "  void mod;",
          "});",
          "",
        ].join("\n"),
      );
    });
    writeFileSync(
      join(dir, "vitest.config.ts"),
      `import base from "../../vitest.config.js";\nexport default { ...base, root: ${JSON.stringify(root)}, test: { ...base.test, include: ["test/.docs/*.run.ts"] } };\n`,
    );
    const r = spawnSync(process.execPath, [join(root, "node_modules/vitest/vitest.mjs"), "run", "--config", join(dir, "vitest.config.ts")], { cwd: root, encoding: "utf8", timeout: 110_000, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(new RegExp(`Test Files\\s+\\S*${runnable.length} passed`));
    rmSync(dir, { recursive: true, force: true });
  });

  it("runnable shell blocks run as the docs say", { timeout: 180_000 }, () => {
    const commands = all.filter((b) => b.info === "sh runnable").flatMap((b) => b.code.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#")));
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const line of commands) {
      const wantFailure = /#\s*exits 1\s*$/.test(line);
      const cmd = line.replace(/#.*$/, "").trim();
      const r = spawnSync("bash", ["-c", cmd], { cwd: root, encoding: "utf8", timeout: 120_000 });
      expect(r.status, `${cmd}\n${r.stderr}`).toBe(wantFailure ? 1 : 0);
    }
  });

  it("generated pictures match `zeroscale graph`", () => {
    const generated = all.filter((b) => b.before.startsWith("<!-- generated: zeroscale graph"));
    expect(generated.length).toBeGreaterThanOrEqual(1);
    for (const b of generated) {
      const args = (/\x3c!-- generated: zeroscale (graph [^>]+?) -->/.exec(b.before) as RegExpExecArray)[1] as string;
      const out = execSync(`node bin/zeroscale.js ${args}`, { cwd: root, encoding: "utf8" });
      expect(`${b.code}\n`, `${b.file}:${b.line}: regenerate with zeroscale ${args}`).toBe(out);
    }
  });
});

/**
 * The vocabulary rule, proven: adding a queue broker or a trigger kind to lib/vocabulary.ts must fail
 * to compile in every backend and runtime place that does not handle it yet (exhaustive Record tables
 * or switch + assertNever, never an if-chain that falls through to some other broker's resources).
 *
 * Copies lib/, providers/, runtime/ (+ tsconfig.json narrowed to them, package.json) into temp
 * dirs with node_modules symlinked, edits the copy's vocabulary and runs tsc on each.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = join(root, "node_modules/typescript/bin/tsc");
const dirs: string[] = [];

/** A copy of the sources with `edit` applied to its lib/vocabulary.ts. */
function copy(edit: (vocabulary: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "zeroscale-exhaustive-"));
  dirs.push(dir);
  for (const d of ["lib", "providers", "runtime"]) cpSync(join(root, d), join(dir, d), { recursive: true });
  cpSync(join(root, "package.json"), join(dir, "package.json"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  const tsconfig = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8"));
  tsconfig.include = ["lib/**/*.ts", "lib/**/*.json", "providers/**/*.ts", "providers/**/*.json", "runtime/**/*.ts"];
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  const vocabulary = join(dir, "lib/vocabulary.ts");
  const before = readFileSync(vocabulary, "utf8");
  const after = edit(before);
  writeFileSync(vocabulary, after);
  return dir;
}

/** Append `member` to the const array `name` in vocabulary.ts. */
const append = (name: string, member: string) => (text: string) => {
  const re = new RegExp(`(export const ${name} = \\[[^\\]]*?)(,?\\s*\\] as const)`);
  if (!re.test(text)) throw new Error(`${name} not found in lib/vocabulary.ts`);
  return text.replace(re, `$1, ${JSON.stringify(member)}$2`);
};

/** Run tsc on a copy: the files with errors (relative paths) and the raw output. */
function typecheck(dir: string): Promise<{ files: Set<string>; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--noEmit", "--pretty", "false"], { cwd: dir, maxBuffer: 16 << 20 }, (_err, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      const files = new Set([...output.matchAll(/^([^\s(][^(]*)\(\d+,\d+\): error TS\d+/gm)].map((m) => (m[1] as string).trim()));
      resolve({ files, output });
    });
  });
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("exhaustive vocabulary: a new member fails to compile wherever it is not handled", () => {
  // the three compiles run at once (each ~5-10 s)
  const results = Promise.all([
    typecheck(copy((v) => v)),
    typecheck(copy(append("QUEUE_BROKERS", "sqs"))),
    typecheck(copy(append("TRIGGER_KINDS", "webhook"))),
  ]);

  it("the unmodified copy compiles", { timeout: 120_000 }, async () => {
    const [baseline] = await results;
    expect(baseline.output).toBe("");
  });

  it('a broker "sqs" fails in knative eventing, keda scalers, the docker backend, runtime connectors and the trigger resolver', { timeout: 120_000 }, async () => {
    const [, sqs] = await results;
    for (const f of ["providers/knative/eventing.ts", "providers/keda/scalers.ts", "providers/docker/index.ts", "runtime/connectors/index.ts", "lib/resolve/trigger.ts"]) {
      expect([...sqs.files], `${f} should not compile with an unhandled broker:\n${sqs.output}`).toContain(f);
    }
  });

  it('a trigger kind "webhook" fails in every backend, the resolver, the shape schema, the summary and the matchers', { timeout: 120_000 }, async () => {
    const [, , webhook] = await results;
    for (const f of [
      "providers/knative/index.ts",
      "providers/keda/index.ts",
      "providers/docker/index.ts",
      "lib/resolve/trigger.ts",
      "lib/validation/shape-schemas.ts",
      "lib/graph/summary.ts",
      "lib/testing/vitest.ts",
    ]) {
      expect([...webhook.files], `${f} should not compile with an unhandled trigger kind:\n${webhook.output}`).toContain(f);
    }
  });
});

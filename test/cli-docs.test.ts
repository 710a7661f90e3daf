// docs/cli.md is rendered from the commands' own help (cli/reference.ts): run `npm run docs` after
// changing a command, a flag or an exit code.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderCliDoc } from "../cli/reference.js";

const root = new URL("..", import.meta.url).pathname;

describe("docs/cli.md", () => {
  it("matches the CLI's help and exit codes (run `npm run docs`)", () => {
    expect(readFileSync(join(root, "docs/cli.md"), "utf8")).toBe(renderCliDoc());
  });

  it("documents every command and the exit codes 0, 1, 2, 3 and 70", () => {
    const doc = renderCliDoc();
    for (const cmd of ["synth", "validate", "graph", "init", "dev"]) expect(doc).toContain(`## \`zeroscale ${cmd}\``);
    for (const code of [0, 1, 2, 3, 70]) expect(doc).toMatch(new RegExp(`^\\| ${code} \\|`, "m"));
  });
});

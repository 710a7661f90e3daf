// Docs rendered from code must not drift: docs/policy.md from the check catalog, docs/backends/README.md
// from the backends' capability tables. Run `npm run docs` after changing either.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECKS } from "zeroscale";
import { renderPolicyDoc } from "../lib/policy/render.js";
import { renderBackendsDoc } from "../providers/capabilities-doc.js";

const root = new URL("..", import.meta.url).pathname;
const read = (p: string) => readFileSync(join(root, p), "utf8");

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) sources(p, out);
    else if (p.endsWith(".ts") && !p.endsWith("catalog.ts")) out.push(p);
  }
  return out;
}

describe("generated docs", () => {
  it("docs/policy.md matches the check catalog (run `npm run docs`)", () => {
    expect(read("docs/policy.md")).toBe(renderPolicyDoc());
  });

  it("docs/backends/README.md matches the backends' capability tables (run `npm run docs`)", () => {
    expect(read("docs/backends/README.md")).toBe(renderBackendsDoc());
  });

  it("every diagnostic code in the code is in the catalog, once, and every catalogued code is used", () => {
    const text = [...sources("lib"), ...sources("providers"), ...sources("runtime")].map(read).join("\n");
    const used = new Set([...text.matchAll(/"(ZS-[A-Z0-9-]+[A-Z0-9])"/g)].map((m) => m[1] as string));
    for (const b of ["KNATIVE", "KEDA"]) used.add(`ZS-${b}-IMAGE`);
    for (const broker of ["REDIS", "KAFKA", "RABBITMQ"]) used.add(`ZS-KNATIVE-QUEUE-${broker}`);
    const catalogued = CHECKS.map((c) => c.code);
    expect(new Set(catalogued).size).toBe(catalogued.length);
    expect([...used].filter((c) => !catalogued.includes(c)).sort()).toEqual([]);
    expect(catalogued.filter((c) => !used.has(c)).sort()).toEqual([]);
  });
});

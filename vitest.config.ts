import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests and examples import the package the way users do ("zeroscale", "zeroscale/testing");
    // in this repo those names resolve to the sources, so tests need no build.
    alias: [
      { find: /^zeroscale$/, replacement: here("./lib/index.ts") },
      { find: /^zeroscale\/events$/, replacement: here("./lib/events/index.ts") },
      { find: /^zeroscale\/testing\/vitest$/, replacement: here("./lib/testing/vitest.ts") },
      { find: /^zeroscale\/testing$/, replacement: here("./lib/testing/index.ts") },
      { find: /^zeroscale\/providers\/([a-z]+)$/, replacement: here("./providers/$1/index.ts") },
      { find: /^zeroscale\/pulumi$/, replacement: here("./providers/pulumi/index.ts") },
      { find: /^zeroscale\/runtime$/, replacement: here("./runtime/index.ts") },
    ],
  },
  test: {
    // The sources import the ajv standalone validators scripts/build-validators.mjs generates (the
    // build does too); regenerate them when a schema changed since.
    globalSetup: ["./scripts/build-validators.mjs"],
    // synth's graph self-check (the produced graph against graph.schema.json: a zeroscale-bug guard)
    // runs in zeroscale's own tests only; the CLI and users' synth() leave it off.
    env: { ZEROSCALE_SELF_CHECK: "1" },
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    pool: "forks", // Pulumi's runtime is process-global; keep one file per fresh process
    isolate: true,
    testTimeout: 30_000,
  },
});

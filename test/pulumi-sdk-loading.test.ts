// The cloud SDKs are optional peers loaded only by their own backend's realiser: importing
// zeroscale/pulumi, or deploying to Knative, loads none of @pulumi/gcp, @pulumi/aws or
// @pulumi/azure-native (each costs 60-150 ms and 80-135 MiB). Run in a child process against the
// built package (dist, as users load it), so nothing vitest preloads can hide a load.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

/** Run an ES module in a fresh node and return the @pulumi packages it loaded (from the CommonJS cache). */
function loadedPulumiPackages(body: string): string[] {
  const script = `
    import { createRequire } from "node:module";
    const require = createRequire(import.meta.url);
    ${body}
    const pkgs = new Set(Object.keys(require.cache).map((p) => p.match(/node_modules\\/(@pulumi\\/[^/]+)\\//)?.[1]).filter(Boolean));
    console.log(JSON.stringify([...pkgs].sort()));
  `;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as string[];
}

describe("cloud SDKs load only with their backend", () => {
  it("importing zeroscale/pulumi loads @pulumi/pulumi only", () => {
    expect(loadedPulumiPackages(`await import("zeroscale/pulumi");`)).toEqual(["@pulumi/pulumi"]);
  });

  it("a Knative deploy (under mocks) loads @pulumi/kubernetes and @pulumi/docker (its images), no cloud SDK", () => {
    const loaded = loadedPulumiPackages(`
      const pulumi = await import("@pulumi/pulumi");
      await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + "-id", state: { ...a.inputs, repoDigest: "r.example.com/x@sha256:" + "0".repeat(64) } }), call: (a) => a.inputs }, "p", "s");
      const { deploy } = await import("zeroscale/pulumi");
      const { knative } = await import("zeroscale/providers/knative");
      const { App, ServerlessFunction } = await import("zeroscale");
      const app = new App({ name: "sdk" });
      new ServerlessFunction(app, "fn", { image: "registry.example.com/sdk/fn:1.0.0" }).addTrigger("h", { http: { path: "/" } });
      new ServerlessFunction(app, "code", { code: { path: "examples/hello/src", handler: "index.js#handler" } }).addTrigger("h", { http: { path: "/c" } });
      const d = deploy(app, knative({ registry: "registry.example.com/sdk" }), { baseDir: "." });
      await new Promise((r) => pulumi.all(Object.values(d.resources).map((x) => x.urn)).apply(r));
    `);
    expect(loaded).toEqual(["@pulumi/docker", "@pulumi/kubernetes", "@pulumi/pulumi"]);
  });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { App, formatDiagnostic, ServerlessFunction, suppress, synth } from "zeroscale";
import { knative } from "zeroscale/providers/knative";
import { Testing } from "zeroscale/testing";

const root = new URL("..", import.meta.url).pathname;
// These apps' functions have no triggers; ZS-FN-NO-TRIGGER is tested in test/errors.test.ts.
const warnings = (app: App) => synth(app).warnings.filter((w) => w.code !== "ZS-FN-NO-TRIGGER").map(formatDiagnostic);

describe("policy checks", () => {
  it("warns on an image with no tag or the latest tag", () => {
    const app = new App({ name: "p" });
    new ServerlessFunction(app, "a", { image: "registry.example.com/a" });
    new ServerlessFunction(app, "b", { image: "registry.example.com/b:latest" });
    new ServerlessFunction(app, "c", { image: "registry.example.com/c:1.0@sha256:0123456789abcdef0123456789abcdef" });
    expect(warnings(app)).toEqual([
      'p/a: image ("registry.example.com/a") has no tag (it means latest); pin a version tag, e.g. :1.4.2, or a digest.',
      'p/b: image ("registry.example.com/b:latest") uses the mutable latest tag; pin a version tag, e.g. :1.4.2, or a digest.',
    ]);
  });

  it("requires digests when the app asks for it", () => {
    const app = new App({ name: "p", policy: { requireImageDigest: true } });
    new ServerlessFunction(app, "a", { image: "registry.example.com/a:1.0.0" });
    expect(warnings(app)).toEqual(['p/a: image ("registry.example.com/a:1.0.0") is not pinned by digest; append @sha256:<digest> (the app\'s policy.requireImageDigest asks for it).']);
  });

  it("shows every security relaxation", () => {
    const app = new App({ name: "p" });
    new ServerlessFunction(app, "a", { image: "r.example.com/a:1", security: { readOnlyRootFilesystem: false, allowPrivilegeEscalation: true } });
    expect(warnings(app)).toEqual([
      'p/a: security.allowPrivilegeEscalation (true) relaxes the Pod Security Standards "restricted" profile; keep the default, or suppress this check with the reason.',
      'p/a: security.readOnlyRootFilesystem (false) relaxes the Pod Security Standards "restricted" profile; keep the default, or suppress this check with the reason.',
    ]);
  });

  it("warns on schedule baselines that overlap with different minimums", () => {
    const app = new App({ name: "p" });
    new ServerlessFunction(app, "a", { image: "r.example.com/a:1" }).addScalingPolicy({
      maxInstances: 10,
      schedule: [
        { start: "0 8 * * 1-5", end: "0 18 * * 1-5", minInstances: 2 },
        { start: "0 12 * * *", end: "0 14 * * *", minInstances: 5 },
        { start: "0 20 * * *", end: "0 22 * * *", minInstances: 1 },
      ],
    });
    expect(warnings(app)).toEqual([
      'p/a/scaling: schedule.1 ({"start":"0 12 * * *","end":"0 14 * * *","minInstances":5}) overlaps schedule.0 (minInstances 2) with a different minimum; the higher one wins while both are on; make the periods disjoint, or give them the same minInstances.',
    ]);
  });
});

describe("suppressions", () => {
  it("silence a check on a construct and below, keeping the reason in the output", () => {
    const app = new App({ name: "p" });
    const a = new ServerlessFunction(app, "a", { image: "registry.example.com/a:latest" });
    a.addTrigger("http", { http: { path: "/a" } });
    suppress(a, "ZS-POLICY-IMAGE-LATEST", "the release pipeline pins it by digest");
    const graph = synth(app);
    expect(graph.warnings).toEqual([]);
    expect(graph.suppressions).toEqual([{ path: "p/a", code: "ZS-POLICY-IMAGE-LATEST", reason: "the release pipeline pins it by digest" }]);
    expect(graph.suppressed).toMatchObject([{ code: "ZS-POLICY-IMAGE-LATEST", path: "p/a", reason: "the release pipeline pins it by digest" }]);
  });

  it("apply to a backend's warnings too", () => {
    const app = new App({ name: "p" });
    const a = new ServerlessFunction(app, "a", { image: "r.example.com/a:1" });
    a.addTrigger("http", { http: { path: "/a" } });
    a.addScalingPolicy({ idleTimeout: "30s" });
    expect(Testing.compile(app, knative()).plan.warnings.map((w) => w.code)).toEqual(["ZS-KNATIVE-IDLE"]);
    suppress(a, "ZS-KNATIVE-IDLE", "dev clusters run with a 5s grace period");
    expect(Testing.compile(app, knative()).plan.warnings).toEqual([]);
  });

  it("cannot silence a validation error", () => {
    const app = new App({ name: "p" });
    const a = new ServerlessFunction(app, "a", { image: "r.example.com/a:1", concurrency: 0 });
    suppress(a, "ZS-FN-CONCURRENCY", "I know better");
    expect(Testing.errors(app).map(formatDiagnostic)).toEqual([
      'p/a: (suppression) ("ZS-FN-CONCURRENCY") suppresses a validation error, which cannot be suppressed; fix the error instead (only warnings and ZS-POLICY-* checks can be suppressed).',
      "p/a: concurrency (0) is outside 1..1000; set concurrency to a whole number from 1 to 1000.",
    ]);
  });
});

describe("zeroscale --strict", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(root, "bin/zeroscale.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });

  it("turns warnings into errors", () => {
    const loose = run("validate", "test/fixtures/plain.mjs");
    expect(loose.status).toBe(0);
    expect(loose.stderr).toContain("warning ZS-POLICY-IMAGE-LATEST plain/fn: image");
    const strict = run("validate", "test/fixtures/plain.mjs", "--strict");
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain('error ZS-POLICY-IMAGE-LATEST plain/fn: image ("registry.example.com/plain/fn") has no tag (it means latest)');
    expect(strict.stderr).toContain("1 validation error");
  });

  it("passes on the examples", () => {
    for (const example of ["examples/hello/app.ts", "examples/orders/app.ts"]) {
      const r = run("synth", example, "--strict", "--out", mkdtempSync(join(tmpdir(), "zeroscale-strict-")));
      expect(r.status, `${example}: ${r.stderr}`).toBe(0);
    }
  });
});

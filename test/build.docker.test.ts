// `zeroscale build` for real: the CLI builds the examples' code and build functions with the local
// Docker engine and pushes them to a local registry (Debian's docker-registry on 127.0.0.1:5000, which
// .ci/run starts); each image is then removed locally, pulled back by digest, inspected and run
// (host networking, loopback only) until it answers 200.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { docker, hasDocker } from "./support/docker.js";

const root = new URL("..", import.meta.url).pathname;
const REGISTRY = "127.0.0.1:5000";
const hasRegistry = await fetch(`http://${REGISTRY}/v2/`, { signal: AbortSignal.timeout(2000) }).then(
  (r) => r.ok,
  () => false,
);
if (process.env["CI"] === "true" && !hasRegistry) {
  throw new Error(`CI=true but no registry answers at http://${REGISTRY}/v2/: .ci/run must install docker-registry and start it on ${REGISTRY}`);
}

/** This run's own path in the registry, so runs never share images. */
const registry = `${REGISTRY}/zs-test-${randomBytes(4).toString("hex")}`;
const BASE = ["--base-image", "zeroscale/node:20", "--build-arg", "BASE_IMAGE=zeroscale/node:20"];
const PINNED = new RegExp(`^${registry.replace(/[.]/g, "\\.")}/[a-z0-9-]+@sha256:[0-9a-f]{64}$`);
const work = mkdtempSync(join(tmpdir(), "zeroscale-build-test-"));
const containers: Docker.Container[] = [];

/** Run the zeroscale command as a user would (the package's bin, compiled by the build). */
function zeroscale(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const env = { ...process.env };
  delete env["FORCE_COLOR"];
  const started = performance.now();
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, [join(root, "bin/zeroscale.js"), ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    p.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    p.once("error", fail);
    p.once("close", (code) => ok({ code, stdout, stderr, ms: Math.round(performance.now() - started) }));
  });
}

interface ImageMapFile {
  version: number;
  app: string;
  registry: string;
  images: Record<string, string>;
}
const readMap = (file: string) => JSON.parse(readFileSync(file, "utf8")) as ImageMapFile;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

function follow(stream: NodeJS.ReadableStream): Promise<{ error?: string }[]> {
  return new Promise((ok, fail) => docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => (err ? fail(err) : ok(out))));
}

/** This run's references (tags and digests under `registry`) of a local image. */
const ownRefs = (image: { RepoTags?: string[] | null | undefined; RepoDigests?: string[] | null | undefined }) => [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])].filter((r) => r.startsWith(`${registry}/`));

/** Remove this run's references of a local image: the engine deletes it with its last one (another name keeps it). */
async function untagOwn(image: { RepoTags?: string[] | null | undefined; RepoDigests?: string[] | null | undefined }): Promise<void> {
  for (const ref of ownRefs(image)) await docker.getImage(ref).remove().catch((e: { statusCode?: number }) => (e.statusCode === 404 ? undefined : Promise.reject(e)));
}

/** Remove `pinned`'s image locally (this run's tag and digest), then pull it back by digest. */
async function removeAndPull(pinned: string): Promise<Docker.ImageInspectInfo> {
  const before = await docker.getImage(pinned).inspect();
  await untagOwn(before);
  await expect(docker.getImage(pinned).inspect()).rejects.toMatchObject({ statusCode: 404 });
  const kept = await docker.getImage(before.Id).inspect().then(() => true, () => false);
  if (kept) console.log(`${pinned}: another local name (not this run's) keeps image ${before.Id.slice(0, 19)}, so its layers are not downloaded again`);
  const out = await follow(await docker.pull(pinned));
  expect(out.filter((e) => e.error)).toEqual([]);
  return docker.getImage(pinned).inspect();
}

/** Run `image` with host networking on a free loopback port and wait for 200 on `path`. */
async function runUntil200(image: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const port = await freePort();
  const container = await docker.createContainer({
    name: `zs-build-test-${randomBytes(4).toString("hex")}`,
    Image: image,
    Env: [`PORT=${port}`, "ZEROSCALE_HOST=127.0.0.1"],
    HostConfig: { NetworkMode: "host", CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"] },
  });
  containers.push(container);
  await container.start();
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    } catch (e) {
      if (Date.now() > deadline) {
        const logs = (await container.logs({ stdout: true, stderr: true })).toString();
        throw new Error(`${image} did not answer on 127.0.0.1:${port} within 20 s (${(e as Error).message}); its output:\n${logs}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

afterAll(async () => {
  await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)));
  if (hasDocker) {
    for (const image of (await docker.listImages()).filter((i) => ownRefs(i).length > 0)) await untagOwn(image).catch(() => undefined);
  }
  // The registry keeps blobs until its garbage collection; the manifests of this run go now.
  for (const file of ["images.json", "hello.json"]) {
    let map: ImageMapFile;
    try {
      map = readMap(join(work, file));
    } catch {
      continue;
    }
    for (const pinned of Object.values(map.images)) {
      const [repo, digest] = pinned.slice(REGISTRY.length + 1).split("@") as [string, string];
      await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${digest}`, { method: "DELETE" }).catch(() => undefined);
    }
  }
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!hasDocker || !hasRegistry)("zeroscale build (local engine, registry on 127.0.0.1:5000)", () => {
  const imagesMap = join(work, "images.json");
  const helloMap = join(work, "hello.json");

  it("refuses an existing output file that is not an image map, before building anything, and leaves it untouched", async () => {
    const file = join(work, "notes.json");
    writeFileSync(file, '{"mine": true}\n');
    const r = await zeroscale("build", "examples/images/app.ts", "--registry", registry, "-o", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error ZS-CLI-OUT-NOT-OWNED zeroscale build: --output ("${file}") is a file zeroscale did not write (not an image map: exactly "version": 1, "app", "registry" and "images")`);
    expect(r.stdout).toBe("");
    expect(readFileSync(file, "utf8")).toBe('{"mine": true}\n');
  });

  it("fails at once, building nothing, when the registry is not reachable", async () => {
    const closed = await freePort();
    const file = join(work, "unreachable.json");
    const r = await zeroscale("build", "examples/images/app.ts", "--registry", `127.0.0.1:${closed}/zs`, "-o", file, ...BASE);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: the registry 127.0.0.1:${closed} is not reachable from the Docker engine:`);
    expect(r.stderr).toContain("connection refused");
    expect(r.stderr).not.toContain("building");
    expect(() => readFileSync(file)).toThrow();
  });

  it("builds and pushes examples/images' code and build functions, and writes the image map", async () => {
    const r = await zeroscale("build", "examples/images/app.ts", "--registry", registry, "-o", imagesMap, ...BASE);
    expect(r.stderr).not.toContain("error");
    expect(r.code).toBe(0);
    const map = readMap(imagesMap);
    expect(map).toMatchObject({ version: 1, app: "images", registry });
    expect(Object.keys(map.images)).toEqual(["images/api", "images/web"]);
    for (const ref of Object.values(map.images)) expect(ref).toMatch(PINNED);
    expect(map.images["images/api"]).toMatch(`${registry}/images-api@sha256:`);
    expect(r.stdout).toContain(`images/api  ${map.images["images/api"]}\nimages/web  ${map.images["images/web"]}\n`);
    expect(r.stdout).toContain(`next: zeroscale synth examples/images/app.ts --backend knative --images ${imagesMap}`);
    expect(r.stderr).toMatch(/images\/api: built in [\d.]+s, pushed in [\d.]+s/);
    console.log(`build examples/images (2 images): ${r.ms} ms; ${r.stderr.split("\n").filter((l) => / built in /.test(l)).join("; ")}`);
  }, 120_000);

  it("builds and pushes examples/hello's code function", async () => {
    const r = await zeroscale("build", "examples/hello/app.ts", "--registry", registry, "-o", helloMap, ...BASE);
    expect(r.stderr).not.toContain("error");
    expect(r.code).toBe(0);
    const map = readMap(helloMap);
    expect(map).toMatchObject({ version: 1, app: "hello", registry });
    expect(Object.keys(map.images)).toEqual(["hello/hello"]);
    expect(map.images["hello/hello"]).toMatch(PINNED);
    console.log(`build examples/hello (1 image): ${r.ms} ms`);
  }, 120_000);

  it("pulls each image back by digest: non-root, and a code function's entrypoint is the runner", async () => {
    const all = { ...readMap(imagesMap).images, ...readMap(helloMap).images };
    expect(Object.keys(all)).toHaveLength(3);
    for (const [fn, pinned] of Object.entries(all)) {
      const image = await removeAndPull(pinned);
      expect(image.RepoDigests, fn).toContain(pinned);
      const user = image.Config.User;
      expect(user, fn).toMatch(/^[1-9]\d*(:\d+)?$/); // a numeric non-root uid (Kubernetes' runAsNonRoot can verify it)
      if (fn === "images/web") expect(image.Config.Entrypoint, fn).toEqual(["node", "/srv/server.mjs"]);
      else expect(image.Config.Entrypoint, fn).toEqual(["node", "/zeroscale/runner/serve.js"]);
    }
  }, 60_000);

  it("runs the pulled code and build images (host network, loopback): each answers 200, as a non-root user", async () => {
    const { images } = readMap(imagesMap);
    const hello = readMap(helloMap).images["hello/hello"] as string;
    const [api, web, greeting] = await Promise.all([
      runUntil200(images["images/api"] as string, "/api/ping"),
      runUntil200(images["images/web"] as string, "/health"),
      runUntil200(hello, "/hello?name=registry"),
    ]);
    expect(api).toEqual({ status: 200, body: { function: "api", path: "/api/ping", uid: 65532 } });
    expect(web).toEqual({ status: 200, body: { function: "web", path: "/health", uid: 65532 } });
    expect(greeting).toEqual({ status: 200, body: { message: "hello, registry" } });
  }, 60_000);

  it("rebuilding unchanged code builds and pushes nothing and keeps every digest (the tag is a hash of the inputs)", async () => {
    const before = readMap(imagesMap);
    const r = await zeroscale("build", "examples/images/app.ts", "--registry", registry, "-o", imagesMap, "--json", ...BASE);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ command: "build", ok: true, exitCode: 0, app: "images", map: before, pushed: [], unchanged: ["images/api", "images/web"], error: null });
    expect(readMap(imagesMap)).toEqual(before);
    // Another build arg is another input: a new tag, so a new build (of the build function only).
    const other = await zeroscale("build", "examples/images/app.ts", "--registry", registry, "-o", join(work, "other.json"), "--json", "--base-image", "zeroscale/node:20", "--build-arg", "BASE_IMAGE=zeroscale/node:20", "--build-arg", "EXTRA=1");
    expect(other.code).toBe(0);
    expect(JSON.parse(other.stdout)).toMatchObject({ pushed: ["images/web"], unchanged: ["images/api"] });
    console.log(`rebuild unchanged: ${r.ms} ms`);
  }, 120_000);

  it("reports a failed docker build with the last lines of its log (exit 3), and an app with nothing to build (exit 2)", async () => {
    const dir = join(work, "broken");
    mkdirSync(join(dir, "ctx"), { recursive: true });
    writeFileSync(join(dir, "ctx/Dockerfile"), "FROM zeroscale/node:20\nCOPY missing.txt /missing.txt\n");
    const lib = pathToFileURL(join(root, "dist/lib/index.js")).href;
    writeFileSync(join(dir, "app.mjs"), `import { App, ServerlessFunction } from ${JSON.stringify(lib)};\nexport const app = new App({ name: "broken" });\nnew ServerlessFunction(app, "fn", { build: { context: "ctx" } });\n`);
    writeFileSync(join(dir, "images-only.mjs"), `import { App, ServerlessFunction } from ${JSON.stringify(lib)};\nexport const app = new App({ name: "plain" });\nnew ServerlessFunction(app, "fn", { image: "nginx:1.27" });\n`);
    const r = await zeroscale("build", join(dir, "app.mjs"), "--registry", registry, "-o", join(dir, "map.json"));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("error: broken/fn: docker build of build.context ctx failed: COPY failed:");
    expect(r.stderr).toContain("missing.txt");
    expect(r.stderr).toContain("Step 2/"); // the log's last lines
    const none = await zeroscale("build", join(dir, "images-only.mjs"), "--registry", registry, "-o", join(dir, "map.json"));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("app plain has no function with `code` or `build` (it has one function, which names an `image`): there is nothing to build");
    expect(() => readFileSync(join(dir, "map.json"))).toThrow();
  }, 60_000);
});

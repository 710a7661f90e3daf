// Images of code and build functions on the Kubernetes backends: the build spec and generated
// Dockerfile, the plan's builds and their placeholders, the image map (zeroscale build writes it,
// synth --images reads it), and the CLI refusing YAML that names an image nobody pushed.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { App, type FunctionNode, ServerlessFunction, synth } from "zeroscale";
import { keda } from "zeroscale/providers/keda";
import { knative } from "zeroscale/providers/knative";
import {
  DEFAULT_IMAGE_MAP_FILE,
  type ImageMap,
  ImageMapError,
  imageMapJson,
  imageMapTarget,
  isPinned,
  isRegistry,
  parseImageMap,
  readImageMap,
  unbuiltErrors,
} from "../providers/images/image-map.js";
import { inputsTag } from "../providers/images/engine-build.js";
import { CODE_IMAGE_USER, codeDockerfile, DEFAULT_CODE_BASE_IMAGE, type ImageBuild, imageBuildOf, repositoryOf } from "../providers/images/spec.js";
import { buildInputProblem, StageError, stageBuild } from "../providers/images/stage.js";
import { UNBUILT_TAG, unbuiltImage } from "../providers/kubernetes/pod.js";
import { formatDiagnostic } from "../lib/validation/diagnostic.js";

const root = new URL("..", import.meta.url).pathname;
const DIGEST = `sha256:${"ab".repeat(32)}`;

function mixedApp(order: "forward" | "reverse" = "forward"): App {
  const app = new App({ name: "shop" });
  const make = {
    cart: () => new ServerlessFunction(app, "cart", { code: { path: "src", handler: "cart.js#handler" } }),
    api: () => new ServerlessFunction(app, "api", { build: { context: "api", args: { VERSION: "1" } } }),
    web: () => new ServerlessFunction(app, "web", { image: "registry.example.com/shop/web:1.0.0" }),
  };
  for (const k of order === "forward" ? (["cart", "api", "web"] as const) : (["web", "api", "cart"] as const)) make[k]();
  return app;
}
const fnNode = (graph: ReturnType<typeof synth>, id: string) => graph.nodes.find((n) => n.id === id) as FunctionNode;

describe("the build of a function", () => {
  const graph = synth(mixedApp());

  it("imageBuildOf: a code function builds the runner + handler on the base image, a build function its own Dockerfile, an image function nothing", () => {
    expect(imageBuildOf(fnNode(graph, "shop/cart"), "127.0.0.1:5000/zs/")).toEqual({
      fn: "shop/cart",
      repository: "127.0.0.1:5000/zs/shop-cart",
      source: { type: "code", path: "src", file: "cart.js", export: "handler", baseImage: DEFAULT_CODE_BASE_IMAGE },
    });
    expect(imageBuildOf(fnNode(graph, "shop/api"), "r.example.com/t", "ignored:1")).toEqual({
      fn: "shop/api",
      repository: "r.example.com/t/shop-api",
      source: { type: "build", context: "api", dockerfile: "Dockerfile", args: { VERSION: "1" } },
    });
    expect(imageBuildOf(fnNode(graph, "shop/web"), "r.example.com/t")).toBeUndefined();
    expect(repositoryOf("localhost:5000///", { id: "shop/cart" })).toBe("localhost:5000/shop-cart");
  });

  it("codeDockerfile: FROM the base image, the runner and the code, and runs as a non-root user", () => {
    const build = imageBuildOf(fnNode(graph, "shop/cart"), "r.example.com/t", "cgr.dev/chainguard/node:20") as { source: Parameters<typeof codeDockerfile>[0] };
    const text = codeDockerfile(build.source);
    const instructions = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    expect(instructions[0]).toBe("FROM cgr.dev/chainguard/node:20");
    expect(instructions).toContain(`USER ${CODE_IMAGE_USER}`);
    expect(CODE_IMAGE_USER).not.toMatch(/^0(:|$)|^root/);
    // USER comes after every COPY, so nothing after it runs as root, and the entrypoint is the runner.
    const user = instructions.findIndex((l) => l.startsWith("USER "));
    expect(instructions.slice(user + 1).every((l) => !l.startsWith("COPY") && !l.startsWith("RUN") && !l.startsWith("USER"))).toBe(true);
    expect(instructions.at(-1)).toBe('ENTRYPOINT ["node", "/zeroscale/runner/serve.js"]');
    expect(text).toContain('ZEROSCALE_HOST=0.0.0.0 ZEROSCALE_HANDLER="/app/code/cart.js" ZEROSCALE_EXPORT="handler"');
    expect(codeDockerfile({ ...build.source, baseImage: DEFAULT_CODE_BASE_IMAGE })).toContain(`FROM ${DEFAULT_CODE_BASE_IMAGE}\n`);
  });
});

describe("plan.builds on the Kubernetes backends", () => {
  for (const create of [knative, keda]) {
    const name = create.name;
    it(`${name}: every code/build function without an images entry, sorted by id, each container naming its placeholder`, () => {
      const plan = create({ registry: "127.0.0.1:5000/zs", baseImage: "node:20-alpine" }).compile(synth(mixedApp("reverse")));
      expect(plan.builds.map((b) => b.fn)).toEqual(["shop/api", "shop/cart"]);
      expect(plan.builds[1]?.source).toMatchObject({ type: "code", baseImage: "node:20-alpine" });
      const images = plan.resources.filter((r) => r.manifest.kind === "Service" || r.manifest.kind === "Deployment").filter((r) => r.manifest.kind !== "Service" || r.manifest.apiVersion !== "v1");
      const byOwner = Object.fromEntries(images.map((r) => [r.owner, (r.manifest as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers[0]?.image]));
      expect(byOwner).toEqual({
        "shop/api": "127.0.0.1:5000/zs/shop-api:zeroscale-unbuilt",
        "shop/cart": "127.0.0.1:5000/zs/shop-cart:zeroscale-unbuilt",
        "shop/web": "registry.example.com/shop/web:1.0.0",
      });
      for (const b of plan.builds) expect(unbuiltImage(b)).toBe(`${b.repository}:${UNBUILT_TAG}`);
      // Deterministic: construction order does not matter.
      expect(create({ registry: "127.0.0.1:5000/zs", baseImage: "node:20-alpine" }).compile(synth(mixedApp("forward"))).builds).toEqual(plan.builds);
    });

    it(`${name}: a baseImage that is not an image reference is refused before anything is built`, () => {
      let err: unknown;
      try {
        create({ registry: "127.0.0.1:5000/zs", baseImage: "node:20\nRUN curl evil" }).compile(synth(mixedApp()));
      } catch (e) {
        err = e;
      }
      const found = (err as { errors: Parameters<typeof formatDiagnostic>[0][] }).errors.map((d) => ({ code: d.code, prop: d.prop }));
      expect(found).toContainEqual({ code: name === "knative" ? "ZS-KNATIVE-IMAGE" : "ZS-KEDA-IMAGE", prop: "baseImage" });
    });

    it(`${name}: an images entry means no build; with every image known, builds is empty`, () => {
      const images = { "shop/api": `127.0.0.1:5000/zs/shop-api@${DIGEST}`, "shop/cart": `127.0.0.1:5000/zs/shop-cart@${DIGEST}` };
      const plan = create({ registry: "127.0.0.1:5000/zs", images }).compile(synth(mixedApp()));
      expect(plan.builds).toEqual([]);
      expect(JSON.stringify(plan.resources)).not.toContain(UNBUILT_TAG);
      expect(JSON.stringify(plan.resources)).toContain(images["shop/cart"]);
    });
  }

  it("unbuiltErrors: one ZS-IMAGE-UNBUILT per build, naming the function, the repository and the commands to run", () => {
    const plan = knative({ registry: "127.0.0.1:5000/zs" }).compile(synth(mixedApp()));
    expect(unbuiltErrors(plan.builds, { program: "shop.ts", registry: "127.0.0.1:5000/zs" }).map((d) => `${d.severity} ${d.code} ${formatDiagnostic(d)}`)).toEqual([
      'error ZS-IMAGE-UNBUILT shop/api: build ("127.0.0.1:5000/zs/shop-api") has no pushed image (no digest for it in --images), and the manifests must not name a tag nobody pushed; build and push it with `zeroscale build shop.ts --registry 127.0.0.1:5000/zs`, then run `zeroscale synth shop.ts --images zeroscale.images.json`.',
      'error ZS-IMAGE-UNBUILT shop/cart: code ("127.0.0.1:5000/zs/shop-cart") has no pushed image (no digest for it in --images), and the manifests must not name a tag nobody pushed; build and push it with `zeroscale build shop.ts --registry 127.0.0.1:5000/zs`, then run `zeroscale synth shop.ts --images zeroscale.images.json`.',
    ]);
  });
});

describe("staging a build's context", () => {
  const cart = (path: string): ImageBuild => ({ fn: "shop/cart", repository: "127.0.0.1:5000/zs/shop-cart", source: { type: "code", path, file: "cart.js", export: "handler", baseImage: DEFAULT_CODE_BASE_IMAGE } });
  const project = () => {
    const dir = mkdtempSync(join(tmpdir(), "zeroscale-stage-"));
    mkdirSync(join(dir, "src/node_modules/dep"), { recursive: true });
    writeFileSync(join(dir, "src/cart.js"), "export const handler = () => 'ok';\n");
    writeFileSync(join(dir, "src/node_modules/dep/index.js"), "module.exports = 1;\n");
    writeFileSync(join(dir, "shared.js"), "export const x = 1;\n");
    symlinkSync("../shared.js", join(dir, "src/shared.js"));
    return dir;
  };

  it("a code function: the runner, the code (its node_modules kept, symlinks copied as their targets) and the Dockerfile; the same tag wherever the checkout is", () => {
    const [a, b] = [project(), project()];
    const stagedA = stageBuild(cart("src"), a, join(a, ".stage"));
    const stagedB = stageBuild(cart("src"), b, join(b, ".stage"));
    expect(readdirSync(stagedA.context).sort()).toEqual(["Dockerfile", "code", "zeroscale"]);
    expect(existsSync(join(stagedA.context, "code/node_modules/dep/index.js"))).toBe(true);
    expect(lstatSync(join(stagedA.context, "code/shared.js")).isSymbolicLink()).toBe(false);
    expect(inputsTag(stagedA)).toBe(inputsTag(stagedB));
    // Staging again replaces zeroscale's own folder.
    expect(stageBuild(cart("src"), a, join(a, ".stage")).context).toBe(stagedA.context);
  });

  it("a build function: a copy of its context without node_modules and .git", () => {
    const dir = project();
    writeFileSync(join(dir, "src/Dockerfile"), "FROM scratch\n");
    const build: ImageBuild = { fn: "shop/api", repository: "127.0.0.1:5000/zs/shop-api", source: { type: "build", context: "src", dockerfile: "Dockerfile", args: { A: "1" } } };
    const staged = stageBuild(build, dir, join(dir, ".stage"));
    expect(readdirSync(staged.context).sort()).toEqual(["Dockerfile", "cart.js", "shared.js"]);
    expect(staged).toMatchObject({ dockerfile: join(staged.context, "Dockerfile"), args: { A: "1" } });
  });

  it("never replaces a folder zeroscale did not make, and names missing inputs (StageError)", () => {
    const dir = project();
    mkdirSync(join(dir, ".stage/shop-cart"), { recursive: true });
    writeFileSync(join(dir, ".stage/shop-cart/mine.txt"), "mine");
    expect(() => stageBuild(cart("src"), dir, join(dir, ".stage"))).toThrow(/refusing to replace .*shop-cart: zeroscale did not make it/);
    expect(readFileSync(join(dir, ".stage/shop-cart/mine.txt"), "utf8")).toBe("mine");
    expect(buildInputProblem(cart("nope"), dir)).toBeInstanceOf(StageError);
    expect(buildInputProblem(cart("nope"), dir)?.message).toBe(`shop/cart: code.path nope is not a folder (${join(dir, "nope")})`);
    const noDockerfile: ImageBuild = { fn: "shop/api", repository: "r.example.com/x/shop-api", source: { type: "build", context: "src", dockerfile: "Dockerfile", args: {} } };
    expect(buildInputProblem(noDockerfile, dir)?.message).toBe(`shop/api: build.dockerfile Dockerfile does not exist in ${join(dir, "src")}`);
    const outside: ImageBuild = { ...noDockerfile, source: { ...noDockerfile.source, dockerfile: "../Dockerfile" } as ImageBuild["source"] };
    expect(buildInputProblem(outside, dir)?.message).toBe("shop/api: build.dockerfile ../Dockerfile is outside build.context src; put it inside the context");
  });
});

describe("the image map", () => {
  const target = imageMapTarget(synth(mixedApp()));
  const good: ImageMap = { version: 1, app: "shop", registry: "127.0.0.1:5000/zs", images: { "shop/cart": `127.0.0.1:5000/zs/shop-cart@${DIGEST}` } };
  const text = (v: unknown) => JSON.stringify(v);
  const error = (t: string) => {
    try {
      parseImageMap(t, "zs.json", target);
    } catch (e) {
      expect(e).toBeInstanceOf(ImageMapError);
      return (e as Error).message;
    }
    throw new Error("parsed");
  };

  it("targets the app and its functions built from source", () => {
    expect(target).toEqual({ app: "shop", functions: ["shop/api", "shop/cart"] });
  });

  it("parses a good map, and imageMapJson writes it back byte-stable", () => {
    expect(parseImageMap(imageMapJson(good), "zs.json", target)).toEqual(good);
    const shuffled = { images: { "shop/cart": good.images["shop/cart"] as string, "shop/api": `127.0.0.1:5000/zs/shop-api@${DIGEST}` }, registry: good.registry, app: "shop", version: 1 } as const;
    expect(imageMapJson(shuffled)).toBe(
      `{\n  "version": 1,\n  "app": "shop",\n  "registry": "127.0.0.1:5000/zs",\n  "images": {\n    "shop/api": "127.0.0.1:5000/zs/shop-api@${DIGEST}",\n    "shop/cart": "127.0.0.1:5000/zs/shop-cart@${DIGEST}"\n  }\n}\n`,
    );
    expect(DEFAULT_IMAGE_MAP_FILE).toBe("zeroscale.images.json");
  });

  it("names the file, the key and the value of each problem", () => {
    expect(error("{")).toMatch(/^zs\.json is not valid JSON \(.+\); write it as \{ "version": 1, /);
    expect(error("[]")).toBe('zs.json holds an array, not an image map; write it as { "version": 1, "app": "<app>", "registry": "<host[:port]/path>", "images": { "<app>/<function>": "<repository>@sha256:<64 hex>" } }.');
    expect(error(text({ ...good, colour: "blue" }))).toBe('zs.json: colour ("blue") is not a key of an image map; remove it; the keys are version, app, registry, images.');
    expect(error(text({ ...good, version: 2 }))).toBe("zs.json: version (2) is not 1, the image map version this zeroscale reads; rebuild the map with this zeroscale: zeroscale build <program> --registry <registry>.");
    expect(error(text({ ...good, app: "other" }))).toBe('zs.json: app ("other") is not the program\'s app ("shop"): the map was built for another app; build this program\'s images: zeroscale build <program> --registry <registry>.');
    expect(error(text({ ...good, app: undefined }))).toBe('zs.json: app (missing) is not a string; set it to the app\'s name, "shop".');
    expect(error(text({ ...good, registry: "https://r.example.com" }))).toBe('zs.json: registry ("https://r.example.com") is not a registry ("host[:port]/path"); set it to the registry the images were pushed to, e.g. "127.0.0.1:5000/zs".');
    expect(error(text({ ...good, images: ["x"] }))).toBe('zs.json: images (["x"]) is not an object of function id -> pushed image; write it as { "version": 1, "app": "<app>", "registry": "<host[:port]/path>", "images": { "<app>/<function>": "<repository>@sha256:<64 hex>" } }.');
    expect(error(text({ ...good, images: { "shop/nope": good.images["shop/cart"] } }))).toBe(
      `zs.json: images["shop/nope"] ("127.0.0.1:5000/zs/shop-cart@${DIGEST}") names no function built from source (code or build) in app "shop"; remove it or rebuild the map; the app's are "shop/api", "shop/cart".`,
    );
    expect(error(text({ ...good, images: { "shop/web": "registry.example.com/shop/web:1.0.0" } }))).toContain('zs.json: images["shop/web"] ("registry.example.com/shop/web:1.0.0") names no function built from source');
    expect(error(text({ ...good, images: { "shop/cart": "127.0.0.1:5000/zs/shop-cart:latest" } }))).toBe(
      'zs.json: images["shop/cart"] ("127.0.0.1:5000/zs/shop-cart:latest") is not an image pinned by digest (<repository>@sha256:<64 hex>); write the digest the push returned, as zeroscale build does, never a tag.',
    );
    expect(error(text({ ...good, images: { "shop/cart": `127.0.0.1:5000/zs/shop-cart:1@${DIGEST}` } }))).toContain("is not an image pinned by digest");
    expect(error(text({ ...good, images: { "shop/cart": 7 } }))).toBe('zs.json: images["shop/cart"] (7) is not an image pinned by digest (<repository>@sha256:<64 hex>); write the digest the push returned, as zeroscale build does, never a tag.');
  });

  it("readImageMap: a missing file is named", () => {
    const missing = join(tmpdir(), "zeroscale-no-such-map.json");
    expect(() => readImageMap(missing, target)).toThrow(`${missing} does not exist; write it with zeroscale build <program> --registry <registry>.`);
  });

  it("isPinned and isRegistry follow Docker's reference grammar", () => {
    expect(isPinned(`127.0.0.1:5000/zs/shop-cart@${DIGEST}`)).toBe(true);
    expect(isPinned(`[::1]:5000/a/b@${DIGEST}`)).toBe(true);
    expect(isPinned(`Registry.Example.com/a@${DIGEST}`)).toBe(true);
    expect(isPinned(`r.example.com/A@${DIGEST}`)).toBe(false);
    expect(isPinned(`r.example.com/a@sha256:${"a".repeat(63)}`)).toBe(false);
    expect(isPinned("r.example.com/a:1")).toBe(false);
    for (const r of ["localhost:5000", "127.0.0.1:5000/zs", "r.example.com/team/sub/", "ghcr.io/acme"]) expect(isRegistry(r), r).toBe(true);
    for (const r of ["https://r.example.com", "r.example.com/Team", "r.example.com/a:1", ""]) expect(isRegistry(r), r).toBe(false);
  });
});

describe("zeroscale synth/validate --images and --registry", () => {
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(root, "bin/zeroscale.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const tmp = () => mkdtempSync(join(tmpdir(), "zeroscale-images-"));
  const helloMap = (images: Record<string, string> = { "hello/hello": `127.0.0.1:5000/zs/hello-hello@${DIGEST}` }) => {
    const file = join(tmp(), "zeroscale.images.json");
    writeFileSync(file, imageMapJson({ version: 1, app: "hello", registry: "127.0.0.1:5000/zs", images }));
    return file;
  };

  it("synth --images writes YAML that names each code function's pushed digest, on knative and keda", () => {
    const out = tmp();
    const map = helloMap();
    const r = cli("synth", "examples/hello/app.ts", "--backend", "knative,keda", "--images", map, "--out", out);
    expect(r.stderr).not.toContain("error");
    expect(r.code).toBe(0);
    for (const backend of ["knative", "keda"]) {
      const files = readdirSync(join(out, backend, "manifests"));
      const yaml = files.map((f) => readFileSync(join(out, backend, "manifests", f), "utf8")).join("");
      expect(yaml, backend).toContain(`image: "127.0.0.1:5000/zs/hello-hello@${DIGEST}"`);
      expect(yaml, backend).not.toContain(UNBUILT_TAG);
    }
    expect(cli("validate", "examples/hello/app.ts", "--backend", "keda", "--images", map).code).toBe(0);
  });

  it("a build left without a pushed digest is ZS-IMAGE-UNBUILT (exit 1), naming the function, the repository and the commands; nothing is written", () => {
    const out = tmp();
    const r = cli("synth", "examples/hello/app.ts", "--backend", "knative", "--registry", "127.0.0.1:5000/zs", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error ZS-IMAGE-UNBUILT [knative] hello/hello: code ("127.0.0.1:5000/zs/hello-hello") has no pushed image (no digest for it in --images), and the manifests must not name a tag nobody pushed; build and push it with `zeroscale build examples/hello/app.ts --registry 127.0.0.1:5000/zs`, then run `zeroscale synth examples/hello/app.ts --images zeroscale.images.json`.',
    );
    expect(r.stderr).toContain("1 unsupported use on knative");
    expect(readdirSync(out)).toEqual([]);
    const json = cli("validate", "examples/hello/app.ts", "--backend", "keda", "--registry", "127.0.0.1:5000/zs", "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).diagnostics.filter((d: { severity: string }) => d.severity === "error")).toEqual([
      {
        code: "ZS-IMAGE-UNBUILT",
        severity: "error",
        path: "hello/hello",
        prop: "code",
        value: "127.0.0.1:5000/zs/hello-hello",
        problem: "has no pushed image (no digest for it in --images), and the manifests must not name a tag nobody pushed",
        fix: "build and push it with `zeroscale build examples/hello/app.ts --registry 127.0.0.1:5000/zs`, then run `zeroscale synth examples/hello/app.ts --images zeroscale.images.json`",
        backend: "keda",
      },
    ]);
  });

  it("without --registry or --images a code function is still ZS-KNATIVE-IMAGE, whose fix names zeroscale build", () => {
    const r = cli("validate", "examples/hello/app.ts", "--backend", "knative");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error ZS-KNATIVE-IMAGE [knative] hello/hello: code (\"src/index.js\") is built from source, and knative was given no registry");
    expect(r.stderr).toContain("`zeroscale build <program> --registry <registry>`");
  });

  it("a bad image map is a flag error (exit 2, ZS-CLI-IMAGES-FILE) naming the file, the key and the value", () => {
    const map = helloMap({ "hello/other": `127.0.0.1:5000/zs/hello-hello@${DIGEST}` });
    const r = cli("synth", "examples/hello/app.ts", "--backend", "knative", "--images", map, "--out", tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error ZS-CLI-IMAGES-FILE ${map}: images["hello/other"] ("127.0.0.1:5000/zs/hello-hello@${DIGEST}") names no function built from source (code or build) in app "hello"; remove it or rebuild the map; the app's are "hello/hello".\n`,
    );
    const missing = cli("validate", "examples/hello/app.ts", "--images", "nope.json");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error ZS-CLI-IMAGES-FILE zeroscale validate: --images ("nope.json") does not exist; write it with zeroscale build <program> --registry <registry>.\n');
  });
});

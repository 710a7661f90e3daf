// examples/pulumi loads and deploys the way the Pulumi CLI runs it: Pulumi's own program runner
// (@pulumi/pulumi/cmd/run, resolved from the program directory as the nodejs language host resolves
// it) started as a child process with the arguments and environment the language host gives it,
// against an in-process engine and resource monitor (test/support/pulumi-engine.ts). There is no
// Pulumi CLI, plugin or cluster here: the engine records registrations and creates nothing.
//
// Because the program runs in a child process started from examples/pulumi, none of vitest's aliases
// apply: "zeroscale" resolves as it does for a user, through node_modules/zeroscale (the workspace
// link) and the package's exports to dist/ (built by `npm run build`, which `npm test` runs first),
// and index.ts is loaded by tsx, which Pulumi.yaml's runtime.options.nodeargs puts on node's command line.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fakeRepoDigest, isSecret, plain, type PulumiTestEngine, type Registration, SIG, startPulumiTestEngine, withoutTag } from "./support/pulumi-engine.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const programDir = join(repoRoot, "examples/pulumi");
const project = (parse(readFileSync(join(programDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
const stack = "dev";
const RUN_TIMEOUT_MS = 60_000;

/** The test's config secrets (`pulumi config set --secret ...`). */
const SECRETS = { cartDbUrl: "postgres://cart.db/cart", catalogDbUrl: "postgres://catalog.db/catalog", ordersDbUrl: "postgres://orders.db/orders" };

/**
 * The config the CLI hands the language host for stack "dev": Pulumi.yaml's defaults, then
 * Pulumi.dev.yaml, then `overrides` (as `pulumi config set` would), then the secrets
 * (`pulumi config set --secret`: SECRETS and `secrets`).
 * Returned as the language host's env vars: PULUMI_CONFIG ("<ns>:config:<key>" -> string) and
 * PULUMI_CONFIG_SECRET_KEYS (["<ns>:<key>", ...]).
 */
function configEnv(overrides: Record<string, string> = {}, secrets: Record<string, string> = {}): Record<string, string> {
  const allSecrets = { ...SECRETS, ...secrets };
  const projectFile = parse(readFileSync(join(programDir, "Pulumi.yaml"), "utf8")) as { config?: Record<string, { default?: unknown }> };
  const stackFile = parse(readFileSync(join(programDir, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  const values = new Map<string, string>();
  for (const [key, decl] of Object.entries(projectFile.config ?? {})) if (decl.default !== undefined) values.set(`${project}:${key}`, String(decl.default));
  for (const [key, value] of Object.entries(stackFile.config ?? {})) values.set(key, String(value));
  for (const [key, value] of Object.entries({ ...overrides, ...allSecrets })) values.set(`${project}:${key}`, value);
  const config: Record<string, string> = {};
  for (const [key, value] of values) {
    const i = key.indexOf(":");
    config[`${key.slice(0, i)}:config:${key.slice(i + 1)}`] = value;
  }
  return {
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(Object.keys(allSecrets).map((k) => `${project}:${k}`)),
  };
}

interface Run {
  readonly engine: PulumiTestEngine;
  readonly code: number | null;
  readonly output: string;
  readonly ms: number;
}

/** One `pulumi preview` (dryRun) or `pulumi up` program run, as pulumi-language-nodejs starts it (Run / execRuntime in 3.248). */
async function runProgram(dryRun: boolean, overrides: Record<string, string> = {}, secrets: Record<string, string> = {}): Promise<Run> {
  // The language host resolves the runner from the program directory: `require.resolve('@pulumi/pulumi/cmd/run')`.
  const runPath = createRequire(join(programDir, "package.json")).resolve("@pulumi/pulumi/cmd/run");
  const engine = await startPulumiTestEngine({ project, stack, dryRun });
  // execRuntime: `node <runtime.options.nodeargs> <runPath> <flags> <entry point>` (the host splits nodeargs with shlex; ours has no quotes).
  const runtime = (parse(readFileSync(join(programDir, "Pulumi.yaml"), "utf8")) as { runtime: { options: { typescript?: boolean; nodeargs?: string } } }).runtime.options;
  const args = [
    ...(runtime.nodeargs ?? "").split(/\s+/).filter(Boolean),
    runPath,
    "--monitor", engine.address,
    "--engine", engine.address,
    // (The host also passes --sync <dir of named pipes> for synchronous invokes; this program makes none.)
    "--organization", "organization",
    "--project", project,
    "--root-directory", programDir,
    "--stack", stack,
    "--pwd", programDir,
    ...(dryRun ? ["--dry-run"] : []),
    "--parallel", "16",
    // Pulumi.yaml's `main: index.ts`: the engine passes the program directory as --pwd and the file as the entry point.
    "index.ts",
  ];
  // The host passes its own environment plus these; none of this process's PULUMI_*, VITEST* or NODE_OPTIONS.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(PULUMI_|VITEST|NODE_OPTIONS$)/.test(k)) env[k] = v;
  Object.assign(env, configEnv(overrides, secrets));
  if (runtime.typescript !== false) env["PULUMI_NODEJS_TYPESCRIPT"] = "true"; // the host's default: typescript: true
  const started = Date.now();
  const child = spawn(process.execPath, args, { cwd: programDir, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        const errors = engine.logs.filter((l) => l.severity === "error").map((l) => l.message);
        reject(new Error(`the program run took over ${RUN_TIMEOUT_MS} ms; errors logged: ${JSON.stringify(errors)}; output:\n${output}`));
      }, RUN_TIMEOUT_MS);
      child.on("error", reject);
      child.on("exit", (c) => (clearTimeout(timer), resolve(c)));
    });
    return { engine, code, output, ms: Date.now() - started };
  } finally {
    await engine.stop();
  }
}

/** The run succeeded: exit 0 and no error logged to the engine (the message is the failure). */
function expectClean(run: Run): void {
  const errors = run.engine.logs.filter((l) => l.severity === "error").map((l) => l.message);
  expect(errors, run.output).toEqual([]);
  expect(run.code, run.output).toBe(0);
}

const ofType = (run: Run, type: string): Registration[] => run.engine.registrations.filter((r) => r.type === type);
const one = (rs: Registration[]): Registration => (expect(rs).toHaveLength(1), rs[0] as Registration);
const KSVC = "kubernetes:serving.knative.dev/v1:Service";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const SECRET = "kubernetes:core/v1:Secret";
const IMAGE = "docker:index/image:Image";
const CONTAINER = "docker:index/container:Container";

/** The Knative run's shape, shared by preview and update. */
function expectKnativeShop(run: Run): void {
  const s = one(ofType(run, "pulumi:pulumi:Stack"));
  expect(s.name).toBe(`${project}-${stack}`);
  expect(run.engine.rootUrn()).toBe(s.urn);
  const app = one(ofType(run, "zeroscale:index:App"));
  expect(app.name).toBe("shop");
  expect(app.parent).toBe(s.urn);
  const fns = ofType(run, "zeroscale:index:ServerlessFunction");
  expect(fns.map((f) => f.name.replace(/-[0-9a-f]{8}$/, "")).sort()).toEqual(["shop-cart-fn", "shop-catalog-fn", "shop-checkout-fn"]);
  for (const f of fns) expect(f.parent).toBe(app.urn);
  const fnUrns = new Set(fns.map((f) => f.urn));

  for (const type of [KSVC, ROUTE]) {
    const rs = ofType(run, type);
    expect(rs, type).toHaveLength(3);
    for (const r of rs) {
      expect(fnUrns.has(r.parent), `${r.urn} is under a ServerlessFunction`).toBe(true);
      expect(plain(r.inputs["metadata"])).toMatchObject({ namespace: "shop" });
      expect(r.version).toBe("4.34.2"); // the default kubernetes provider the engine would load
    }
  }

  // Secrets from config secrets, kept secret on the wire (so in state) and read by the Services.
  const secrets = ofType(run, SECRET);
  expect(secrets.map((r) => (plain(r.inputs["metadata"]) as { name: string }).name).sort()).toEqual(["shop-cart-db", "shop-catalog-db", "shop-orders-db"]);
  for (const r of secrets) {
    expect(r.parent).toBe(app.urn);
    expect(isSecret(r.inputs["stringData"]), `${r.name} stringData is secret`).toBe(true);
    expect(r.additionalSecretOutputs).toEqual(expect.arrayContaining(["data", "stringData"]));
  }
  const cart = secrets.find((r) => (plain(r.inputs["metadata"]) as { name: string }).name === "shop-cart-db") as Registration;
  expect(plain(cart.inputs["stringData"])).toEqual({ url: SECRETS.cartDbUrl });
  const secretUrns = new Set(secrets.map((r) => r.urn));
  for (const svc of ofType(run, KSVC)) {
    expect(JSON.stringify(svc.inputs)).not.toContain("postgres://"); // the value is only in the Secret; the pods reference it
    const spec = plain(svc.inputs["spec"]) as { template: { spec: { containers: { env: { name: string; valueFrom?: unknown }[] }[] } } };
    const db = spec.template.spec.containers[0]?.env.find((e) => e.name === "DATABASE_URL");
    expect(db?.valueFrom).toEqual({ secretKeyRef: { name: expect.stringMatching(/^shop-(cart|catalog|orders)-db$/), key: "url" } });
    expect(svc.dependencies.some((d) => secretUrns.has(d)), `${svc.name} depends on its Secret`).toBe(true);
  }

  // The stack outputs, registered on the root stack resource.
  const outputs = plain(run.engine.outputs.get(s.urn)) as { gatewayUrl: string; urls: Record<string, string> };
  expect(outputs.gatewayUrl).toBe("");
  expect(Object.keys(outputs.urls).sort()).toEqual(["shop/cart/route", "shop/catalog/route", "shop/checkout/route"]);
  expect(outputs.urls["shop/cart/route"]).toMatch(/^http:\/\/shop-cart-fn-[0-9a-f]{8}\.shop\.example\.com\/cart$/);
}

/**
 * Each code function's image is built and pushed (@pulumi/docker Image, `<registry>/<function id>`),
 * and its Knative Service runs the digest the engine reported for that push, never a tag.
 */
/** Each code function's Image and the Service that runs it; `preview`: the digest is unknown (nothing is pushed before up). */
function expectImagesByDigest(run: Run, preview = false): Registration[] {
  const images = ofType(run, IMAGE);
  const names = images.map((i) => plain(i.inputs["imageName"]) as string);
  expect(names.map(withoutTag).sort()).toEqual(["registry.example.com/shop/shop-cart-fn", "registry.example.com/shop/shop-catalog-fn", "registry.example.com/shop/shop-checkout-fn"]);
  const fns = new Map(ofType(run, "zeroscale:index:ServerlessFunction").map((f) => [f.urn, f]));
  for (const image of images) {
    expect(plain(image.inputs["skipPush"])).toBe(false);
    expect(fns.has(image.parent), `${image.urn} is under its function`).toBe(true);
    const svc = one(ofType(run, KSVC).filter((s) => s.parent === image.parent));
    const spec = plain(svc.inputs["spec"]) as { template: { spec: { containers: { image: string }[] } } };
    // plain() reads an unknown as undefined; in a preview the wire value must really be unknown (not absent).
    const runs = preview ? undefined : fakeRepoDigest(plain(image.inputs["imageName"]) as string);
    expect(JSON.stringify(spec).includes(":zeroscale-unbuilt"), "no placeholder reaches the Service").toBe(false);
    expect(spec.template.spec.containers[0]?.image).toBe(runs);
    if (preview) expect(JSON.stringify(svc.inputs["spec"])).toMatch(new RegExp(`"image":(${JSON.stringify(SIG.unknown)}|\\{"${SIG.key}":"${SIG.output}"(?![^}]*"value"))`));
    expect(svc.dependencies).toContain(image.urn);
  }
  // The stack output `images`: the digest each function runs, by function id.
  const outputs = plain(run.engine.outputs.get(run.engine.stackUrn)) as { images: Record<string, string> };
  expect(Object.keys(outputs.images).sort()).toEqual(["shop/cart/fn", "shop/catalog/fn", "shop/checkout/fn"]);
  expect(Object.values(outputs.images).sort()).toEqual(images.map((i) => (preview ? undefined : fakeRepoDigest(plain(i.inputs["imageName"]) as string))).sort());
  return images;
}

describe("examples/pulumi under Pulumi's program runner (@pulumi/pulumi/cmd/run)", () => {
  it("is a complete Pulumi project: Pulumi.yaml with main, package.json, tsconfig.json, a stack file, and what it loads installed", () => {
    for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "package.json", "tsconfig.json", "index.ts", "README.md"]) expect(existsSync(join(programDir, f)), f).toBe(true);
    const yaml = parse(readFileSync(join(programDir, "Pulumi.yaml"), "utf8")) as { runtime: { name: string; options: Record<string, unknown> }; main: string };
    expect(yaml.runtime).toEqual({ name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } });
    expect(yaml.main).toBe("index.ts");
    const pkg = JSON.parse(readFileSync(join(programDir, "package.json"), "utf8")) as { type: string; main: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.type).toBe("module");
    expect(pkg.main).toBe("index.ts");
    expect(pkg.dependencies["zeroscale"]).toBe("file:../..");
    // From the program directory, as node resolves them there: zeroscale through the workspace link
    // into dist/ (not the sources), and the tsx that `--import tsx` names.
    const req = createRequire(join(programDir, "package.json"));
    expect(existsSync(join(repoRoot, "dist/providers/pulumi/index.js")), "dist/ is built (npm run build)").toBe(true);
    expect(realpathSync(req.resolve("zeroscale/pulumi"))).toBe(join(repoRoot, "dist/providers/pulumi/index.js"));
    expect((req("tsx/package.json") as { version: string }).version).toBe(pkg.devDependencies["tsx"]);
    expect((req("@pulumi/pulumi/package.json") as { version: string }).version).toBe(pkg.dependencies["@pulumi/pulumi"]);
  });

  it("type-checks with its own tsconfig.json against the package's published types (npm run typecheck)", async () => {
    const tsc = createRequire(join(programDir, "package.json")).resolve("typescript/bin/tsc");
    const child = spawn(process.execPath, [tsc, "-p", "tsconfig.json", "--noEmit"], { cwd: programDir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(output).toBe("");
    expect(code).toBe(0);
  }, 90_000);

  it("pulumi preview (dry run), backend knative: the App, three functions, their Knative Services and routes, the Secrets and the stack outputs", async () => {
    const run = await runProgram(true);
    expectClean(run);
    expectKnativeShop(run);
    // No registryUser: Docker's own credentials push the images.
    for (const image of expectImagesByDigest(run, true)) expect(plain(image.inputs["registry"])).toEqual({ server: "registry.example.com" });
    // How the program was loaded, from the runner's own debug log:
    // (typescript: false: the runner did not look for TypeScript or ts-node; tsx loaded index.ts as an ES module.)
    const debug = run.engine.logs.filter((l) => l.severity === "debug").map((l) => l.message);
    expect(debug.filter((m) => /ts-node|typescript version/.test(m))).toEqual([]);
    expect(debug).toContain(`Running program '${join(programDir, "index.ts")}' in pwd '${programDir}' w/ args: `);
    console.log(`preview (knative): ${run.ms} ms, ${run.engine.registrations.length} registrations`);
  }, 90_000);

  it("pulumi up, backend knative: the same resources, and every RPC the runner made is one the engine serves", async () => {
    const run = await runProgram(false, { registryUser: "shop-ci" }, { registryPassword: "registry-password" });
    expectClean(run);
    expectKnativeShop(run);
    // Pushed with the credentials from config; the password stays secret.
    for (const image of expectImagesByDigest(run)) {
      const registry = image.inputs["registry"] as Record<string, unknown>;
      expect(plain(registry)).toEqual({ server: "registry.example.com", username: "shop-ci", password: "registry-password" });
      expect(isSecret(registry["password"])).toBe(true);
    }
    const warnings = run.engine.logs.filter((l) => l.severity === "warning").map((l) => l.message);
    expect(warnings.every((w) => w.startsWith("ZS-")), warnings.join("\n")).toBe(true); // only zeroscale's own diagnostics
    expect(Object.keys(run.engine.calls).sort()).toEqual([
      "Engine/Log",
      "Engine/SetRootResource",
      "ResourceMonitor/RegisterResource",
      "ResourceMonitor/RegisterResourceOutputs",
      "ResourceMonitor/SignalAndWaitForShutdown",
      "ResourceMonitor/SupportsFeature",
    ]);
    console.log(`up (knative): ${run.ms} ms, ${run.engine.registrations.length} registrations`);
  }, 90_000);

  it("pulumi up, backend docker: the gateway, the controller, each service's image and containers, secrets in the containers' env", async () => {
    const run = await runProgram(false, { backend: "docker" });
    expectClean(run);
    const s = one(ofType(run, "pulumi:pulumi:Stack"));
    const app = one(ofType(run, "zeroscale:index:App"));
    expect(app.parent).toBe(s.urn);
    expect(ofType(run, "zeroscale:index:ServerlessFunction")).toHaveLength(3);
    // each service's maxInstances containers (20 + 50 + 10), the gateway and its controller
    const containers = ofType(run, CONTAINER);
    expect(containers).toHaveLength(20 + 50 + 10 + 2);
    expect(ofType(run, IMAGE)).toHaveLength(1 + 3); // the gateway image and one per code service
    for (const r of [...containers, ...ofType(run, IMAGE)]) expect(r.version).toBe("5.2.0");
    // A container's DATABASE_URL carries the config secret's value, as a secret.
    const cart = containers.find((c) => JSON.stringify(plain(c.inputs["envs"])).includes("DATABASE_URL=postgres://cart.db/cart")) as Registration;
    expect(cart, "a cart container has DATABASE_URL from the cartDbUrl secret").toBeDefined();
    const envs = cart.inputs["envs"] as unknown[];
    const dbEnv = envs.find((e) => String(plain(e)).startsWith("DATABASE_URL="));
    expect(isSecret(dbEnv)).toBe(true);
    const outputs = plain(run.engine.outputs.get(s.urn)) as { gatewayUrl: string; urls: Record<string, string> };
    expect(outputs.gatewayUrl).toBe("http://localhost:8080");
    expect(plain(run.engine.outputs.get(s.urn))).toMatchObject({ images: {} }); // built on the Docker host, never pushed
    expect(Object.keys(outputs.urls).sort()).toEqual(["shop/cart/route", "shop/catalog/route", "shop/checkout/route"]);
    console.log(`up (docker): ${run.ms} ms, ${run.engine.registrations.length} registrations`);
  }, 90_000);
});

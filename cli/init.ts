// `zeroscale init [dir]`: scaffold a new app (a function with its handler, an HTTP trigger, a scaling
// policy, a test with zeroscale/testing, package.json and tsconfig.json) into a new or empty folder.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join, resolve } from "node:path";
import { flagError } from "./flags.js";

const require = createRequire(import.meta.url);

interface OwnPackage {
  readonly version: string;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** zeroscale's own package.json (for its version and the versions of the tools the scaffold uses). */
export function ownPackage(): OwnPackage {
  return require("zeroscale/package.json") as OwnPackage;
}

/** An app name from a folder name: a DNS-1035 label of at most 30 characters ("My App!" -> "my-app"). */
export function appNameFrom(folder: string): string {
  const name = folder.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+/, "").replace(/-+/g, "-").slice(0, 30).replace(/-+$/, "");
  return name || "app";
}

/** The files of a new app named `name`, by path. */
export function scaffold(name: string, zeroscaleSpec: string): Record<string, string> {
  const own = ownPackage();
  const dev = own.devDependencies ?? {};
  const pkg = {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      synth: "zeroscale synth app.ts",
      validate: "zeroscale validate app.ts",
      dev: "zeroscale dev app.ts",
      test: "vitest run",
      typecheck: "tsc --noEmit",
    },
    dependencies: { zeroscale: zeroscaleSpec },
    devDependencies: { "@types/node": dev["@types/node"] ?? "^20", typescript: dev["typescript"] ?? "^5", vitest: dev["vitest"] ?? "^4" },
  };
  const tsconfig = {
    compilerOptions: { target: "ES2022", lib: ["ES2023", "DOM"], module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, types: ["node"], noEmit: true, allowJs: true },
    include: ["*.ts", "src/**/*.js"],
  };
  return {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify(tsconfig, null, 2)}\n`,
    ".gitignore": "node_modules/\nzeroscale.out/\n",
    "app.ts": `// ${name}: one HTTP function that scales from zero with demand and back to zero when idle.
import { App, Duration, EventTrigger, ScalingPolicy, ServerlessFunction } from "zeroscale";

export const app = new App({ name: ${JSON.stringify(name)} });

export const api = new ServerlessFunction(app, "api", {
  // A Fetch-style handler, (request: Request) => Response; the path is relative to this file's folder.
  code: { path: "src", handler: "index.js#handler" },
  memory: "128Mi",
  cpu: "100m",
  concurrency: 50,
  env: { GREETING: "hello" },
});

new EventTrigger(app, "api-http", { target: api, http: { path: "/api" } });

new ScalingPolicy(app, "api-scaling", {
  target: api,
  minInstances: 0, // nothing runs, and nothing is paid, while idle
  maxInstances: 10,
  metric: { concurrency: 20 },
  idleTimeout: Duration.minutes(2),
});

export default app;
`,
    "src/index.js": `// The api function: a Fetch-style handler, the shape Hono, Workers and Deno use.
export async function handler(request) {
  const url = new URL(request.url);
  const name = url.searchParams.get("name") ?? "world";
  const greeting = process.env.GREETING ?? "hello";
  return new Response(JSON.stringify({ message: \`\${greeting}, \${name}\` }), {
    headers: { "content-type": "application/json" },
  });
}
`,
    "app.test.ts": `// Tests of the app's infrastructure, in memory: no cluster, no Docker (\`npm test\`).
import "zeroscale/testing/vitest";
import { expect, it } from "vitest";
import { synth } from "zeroscale";
import { Testing } from "zeroscale/testing";
import { api, app } from "./app.js";

it("synthesizes without errors", () => {
  expect(app).toSynthWithoutErrors();
});

it("serves /api and scales from zero up to 10 instances", () => {
  const graph = synth(app);
  expect(api).toHaveTrigger({ http: "/api" });
  expect(Testing.scalingOf(graph, api.node.path)).toMatchObject({ minInstances: 0, maxInstances: 10 });
});

it("is back at zero 2 minutes after the last request", () => {
  expect(api).toScaleToZeroAfter("2m");
  const trace = { rate: [{ from: 0, to: 30, rps: 20, duration: 0.2 }] };
  expect(Testing.replay(api, trace)).toBeAtZeroAfter("2m");
});
`,
    "README.md": `# ${name}

A [zeroscale](https://www.npmjs.com/package/zeroscale) app: \`app.ts\` declares it, \`app.test.ts\` tests it.

\`\`\`sh
npm install
npm test                 # the infrastructure tests
npx zeroscale dev app.ts # serve it on http://127.0.0.1:3000/api, scaling from zero
npx zeroscale synth app.ts --backend knative   # write zeroscale.out/
\`\`\`
`,
  };
}

/** Write a new app into `dir` (created if missing); refuses a folder that has anything in it. */
export function init(dir: string, opts: { readonly name?: string; readonly zeroscale?: string }): { dir: string; name: string; files: string[] } {
  const abs = resolve(dir);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw flagError("init", "[dir]", dir, "is a file, not a folder", "name a new or empty folder, e.g. zeroscale init my-app");
    const entries = readdirSync(abs).filter((e) => e !== ".git");
    if (entries.length > 0) {
      const shown = entries.slice(0, 3).join(", ") + (entries.length > 3 ? `, ... (${entries.length} entries)` : "");
      throw flagError("init", "[dir]", dir, `is not empty (it has ${shown}); init writes only into a new or empty folder and never overwrites`, "name a new folder, e.g. zeroscale init my-app", "ZS-CLI-INIT-NOT-EMPTY");
    }
  }
  const name = opts.name ?? appNameFrom(basename(abs));
  if (!/^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/.test(name)) throw flagError("init", "--name", name, "is not a DNS-1035 label of at most 30 characters", "use lowercase letters, digits and dashes, starting with a letter, e.g. --name my-app");
  const files = scaffold(name, opts.zeroscale ?? `^${ownPackage().version}`);
  for (const [path, content] of Object.entries(files)) {
    const target = join(abs, path);
    mkdirSync(join(target, ".."), { recursive: true });
    writeFileSync(target, content, { flag: "wx" }); // never overwrite: fails if something appeared meanwhile
  }
  return { dir: abs, name, files: Object.keys(files) };
}


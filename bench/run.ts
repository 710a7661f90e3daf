// `npm run bench`: runs every benchmark on this machine, side by side, and regenerates docs/performance.md.
// Flags: --quick (fewer, shorter rounds; writes /tmp/zs-performance-quick.md unless --out), --out <file>,
// --no-build (use dist/ as it is), --no-docker. Raw results also go to /tmp/zs-bench-results.json.
import { spawnSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { render } from "./report.js";
import { median } from "./stats.js";

const root = join(import.meta.dirname, "..");
const quick = process.argv.includes("--quick");
const outIdx = process.argv.indexOf("--out");
const outFile = outIdx >= 0 ? (process.argv[outIdx + 1] as string) : quick ? "/tmp/zs-performance-quick.md" : join(root, "docs/performance.md");

/** Run a part in its own node process (TypeScript through tsx's loader); its last stdout line is JSON. */
function part(script: string, args: readonly string[] = []): any {
  const t0 = performance.now();
  console.error(`bench: ${script} ${args.join(" ")}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "bench", script), ...args], { cwd: root, encoding: "utf8", maxBuffer: 2 ** 26, timeout: 900_000, stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error(`bench/${script} ${args.join(" ")} failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ""})`);
  console.error(`bench: ${script} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

function sh(cmd: string): string {
  return spawnSync("sh", ["-c", cmd], { cwd: root, encoding: "utf8" }).stdout.trim();
}

const started = performance.now();
/** Load average, and the share of time some task waited for a CPU over the last 60 s (Linux PSI), when known. */
function load(): string {
  let psi = "";
  try {
    const m = /some avg10=([\d.]+) avg60=([\d.]+)/.exec(readFileSync("/proc/pressure/cpu", "utf8"));
    if (m) psi = `; CPU pressure (PSI some, 60 s) ${m[2]} %`;
  } catch {
    /* no PSI */
  }
  return `${loadavg().map((x) => x.toFixed(2)).join(", ")}${psi}`;
}
const loadBefore = load();
if (!process.argv.includes("--no-build")) {
  console.error("bench: building (flock /tmp/zs-build.lock npm run build)");
  const b = spawnSync("flock", ["/tmp/zs-build.lock", "npm", "run", "build", "--silent"], { cwd: root, stdio: "inherit" });
  if (b.status !== 0) throw new Error("the build failed: the benchmark measures dist/, so it stops here (or pass --no-build)");
}

const sizes = quick ? [1000] : [1000, 10000, 20000];
const inprocess = (quick ? [1000] : [1000, 10000]).map((n) => part("synth-inprocess.ts", [String(n)]));
const synth = part("synth.ts", ["--sizes", sizes.join(","), "--runs", quick ? "3" : "7", "--plain-runs", quick ? "1" : "2", "--big-cdk8s-runs", "1"]);
const pulumi = part("pulumi-many.ts", [quick ? "200" : "1000"]);
const dataplane = part("dataplane.ts", quick ? ["--rounds", "2", "--seconds", "2", "--client-seconds", "2"] : ["--rounds", "5", "--seconds", "5", "--client-seconds", "5"]);
// Profile the Node data plane when it misses its target (0.65x nginx), so the page says where the time goes.
const rps = (name: string) => median((dataplane.paths[name] ?? []).map((r: { rps: number }) => r.rps));
const nodeRatio = rps("zeroscale, Node data plane") / rps("nginx, 1 worker, keep-alive upstream");
const profile = !quick && !(nodeRatio >= 0.65) ? part("profile-gateway.ts", ["--seconds", "5", "--top", "20"]) : null;
const cold = part("gateway.ts", ["--cold-runs", quick ? "5" : "20", ...(process.argv.includes("--no-docker") ? ["--no-docker"] : []), ...(quick ? ["--no-reaction"] : [])]);

const dirty = sh("git status --porcelain -- . ':!docs/performance.md' | wc -l");
const results = {
  when: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  machine: `${cpus().length} × ${cpus()[0]?.model.trim()} (${(totalmem() / 2 ** 30).toFixed(0)} GiB), Node ${process.version}, ${sh("/usr/sbin/haproxy -v | head -1 | cut -d' ' -f1-3")}, ${sh("/usr/sbin/nginx -v 2>&1 | cut -d' ' -f3")}, ${sh("wrk -v 2>&1 | head -1 | cut -d' ' -f1-2")}`,
  tree: `${sh("git rev-parse --short HEAD")}${dirty !== "0" ? ` plus ${dirty} uncommitted change${dirty === "1" ? "" : "s"}` : ""}`,
  loadBefore,
  loadAfter: load(),
  quick,
  seconds: (performance.now() - started) / 1000,
  dataplane,
  profile,
  cold,
  synth,
  inprocess,
  pulumi,
};
writeFileSync("/tmp/zs-bench-results.json", JSON.stringify(results, null, 2));
const page = render(results);
writeFileSync(outFile, page);
console.log(page);
console.error(`bench: wrote ${outFile} (raw: /tmp/zs-bench-results.json)`);

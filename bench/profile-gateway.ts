// Where the Node data plane's CPU goes: the gateway (bench/serve-gateway.ts, Node data plane) under
// node --cpu-prof while wrk -t1 -c32 loads it, then self time summed by function and by file.
//   tsx bench/profile-gateway.ts [--seconds 5] [--top 20]   -> prints one JSON object
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { startGateway, startUpstream } from "./procs.js";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const root = join(import.meta.dirname, "..");

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}
/* The profile's clock starts when the process does (close enough to its spawn). */

/** A file's short name: repo-relative, or the package under node_modules, or node's internal module. */
function place(url: string): string {
  if (url === "") return "(native/VM)";
  const path = url.replace(/^file:\/\//, "");
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) return path.slice(nm + "node_modules/".length).split("/").slice(0, path.slice(nm + 13).startsWith("@") ? 2 : 1).join("/");
  if (path.startsWith("node:")) return path;
  return relative(root, path);
}

/** Self time by function and by file, in % of all samples. */
export function summarize(p: Profile, top: number, skipMs = 0): { byFunction: { name: string; pct: number }[]; byFile: { name: string; pct: number }[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  let t = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (!n || t < skipMs * 1000) return; // start-up: before the load began
    total += dt;
    const where = place(n.callFrame.url);
    const f = `${n.callFrame.functionName || "(anonymous)"} (${where}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ""})`;
    fn.set(f, (fn.get(f) ?? 0) + dt);
    file.set(where, (file.get(where) ?? 0) + dt);
  });
  const rank = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, pct: (100 * us) / Math.max(1, total) }));
  return { byFunction: rank(fn), byFile: rank(file) };
}

async function main(): Promise<void> {
  const seconds = arg("seconds", 5);
  const dir = mkdtempSync(join(tmpdir(), "zs-prof-"));
  const upstream = await startUpstream();
  try {
    const spawned = performance.now();
    const gw = await startGateway(upstream.info.port, "node", ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
    const loadFrom = performance.now() - spawned + 500; // the first 0.5 s of load warms up
    await new Promise<void>((resolve, reject) => {
      const w = spawn("/usr/bin/wrk", ["-t1", "-c32", `-d${seconds}s`, `${gw.info.url}/`], { stdio: "ignore" });
      w.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrk exited ${code}`))));
    });
    await gw.stop(); // process.exit in its SIGTERM handler writes the profile
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("no .cpuprofile written");
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;
    console.log(JSON.stringify({ seconds, ...summarize(profile, arg("top", 20), loadFrom) }));
  } finally {
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

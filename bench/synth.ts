// Whole-process synth against cdk8s producing the same output: `zeroscale synth bench/apps/many.ts --backend
// knative --single-file` vs `node bench/apps/cdk8s-many.mjs`, alternating, under /usr/bin/time (wall s, peak
// RSS). After the first pair of each size, both outputs are diffed (`diff -r`, zeroscale's own graph.json, plan.json
// and .zeroscale-manifest.json left out); any difference fails the benchmark. Prints one JSON object.
//   tsx bench/synth.ts --sizes 1000,10000,20000 --runs 7 [--cdk8s-runs-at-20000 3] [--plain-runs 3]
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const opt = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : dflt;
};
const sizes = opt("sizes", "1000,10000,20000").split(",").map(Number);
const runs = Number(opt("runs", "7"));
/** Above this size cdk8s runs fewer times (it takes ~10x longer; its time there is context, not a target). */
const bigSize = Number(opt("big", "20000"));
const bigCdk8sRuns = Number(opt("big-cdk8s-runs", "3"));
/** Runs of cdk8s with its own formatting (same objects; sorted keys, its quoting): a reference. 0 = none. */
const plainRuns = Number(opt("plain-runs", "3"));

const ZS_OUT = "/tmp/zs-bench-synth-zs";
const CDK_OUT = "/tmp/zs-bench-synth-cdk8s";
const PLAIN_OUT = "/tmp/zs-bench-synth-cdk8s-plain";

interface Timed {
  readonly seconds: number;
  readonly rssMb: number;
}

/** Wall-clock seconds and peak RSS of a whole process, via /usr/bin/time. */
function timed(cmd: readonly string[], env: Record<string, string>): Timed {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", ...cmd], { cwd: root, encoding: "utf8", env: { ...process.env, ...env }, timeout: 600_000, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 2 ** 26 });
  if (r.status !== 0) throw new Error(`${cmd.join(" ")} failed:\n${r.stderr.slice(-3000)}`);
  const [secs, kb] = (r.stderr.trim().split("\n").pop() as string).split(" ");
  return { seconds: Number(secs), rssMb: Number(kb) / 1024 };
}

const zeroscale = (n: number) => {
  rmSync(ZS_OUT, { recursive: true, force: true });
  return timed(["node", "bin/zeroscale.js", "synth", "bench/apps/many.ts", "--backend", "knative", "--single-file", "--out", ZS_OUT], { ZS_BENCH_FUNCTIONS: String(n) });
};
const cdk8s = (n: number, plain = false) => {
  const out = plain ? PLAIN_OUT : CDK_OUT;
  rmSync(out, { recursive: true, force: true });
  return timed(["node", "bench/apps/cdk8s-many.mjs"], { ZS_BENCH_FUNCTIONS: String(n), ZS_BENCH_OUT: out, ...(plain ? { ZS_CDK8S_PLAIN: "1" } : {}) });
};

/** Byte-for-byte comparison of the two output folders; throws with the first lines of the diff. */
function sameOutput(n: number): { files: string[]; bytes: number } {
  const r = spawnSync("diff", ["-r", "-q", "-x", "graph.json", "-x", "plan.json", "-x", ".zeroscale-manifest.json", ZS_OUT, CDK_OUT], { encoding: "utf8" });
  if (r.status !== 0) {
    const detail = spawnSync("sh", ["-c", `diff -r -x graph.json -x plan.json -x .zeroscale-manifest.json ${ZS_OUT} ${CDK_OUT} | head -40`], { encoding: "utf8" }).stdout;
    throw new Error(`synth at ${n} functions: zeroscale and cdk8s outputs differ:\n${r.stdout}${detail}`);
  }
  const list = spawnSync("sh", ["-c", `cd ${CDK_OUT} && find . -type f | sort && cat $(find . -type f | sort) | wc -c`], { encoding: "utf8" }).stdout.trim().split("\n");
  return { files: list.slice(0, -1).map((f) => f.replace(/^\.\//, "")), bytes: Number(list.at(-1)) };
}

const stat = (xs: readonly Timed[]) => ({ runs: xs.length, seconds: xs.map((x) => x.seconds), rssMb: xs.map((x) => x.rssMb) });

const results = sizes.map((n) => {
  let same: { files: string[]; bytes: number } | undefined;
  const zs: Timed[] = [];
  const cdk: Timed[] = [];
  const plain: Timed[] = [];
  const cdkRuns = n >= bigSize ? bigCdk8sRuns : runs;
  const plainHere = n >= bigSize ? 0 : plainRuns;
  for (let i = 0; i < runs; i++) {
    zs.push(zeroscale(n));
    if (i < cdkRuns) cdk.push(cdk8s(n));
    if (i === 0) same = sameOutput(n); // after the first pair: both folders are there
    if (i < plainHere) plain.push(cdk8s(n, true));
  }
  return { n, output: same as { files: string[]; bytes: number }, zeroscale: stat(zs), cdk8s: stat(cdk), cdk8sPlain: stat(plain) };
});
for (const d of [ZS_OUT, CDK_OUT, PLAIN_OUT]) rmSync(d, { recursive: true, force: true });
console.log(JSON.stringify({ results }));

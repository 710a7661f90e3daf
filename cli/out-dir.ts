// The output folder of `zeroscale synth`: written only where zeroscale owns it. The folder carries a
// manifest of the files synth wrote (.zeroscale-manifest.json, with each file's hash); the next synth
// removes only files listed there that it no longer writes and that nobody changed since. A non-empty
// folder without a manifest is refused (it is not zeroscale's: `--out .` in a project, `--out src`);
// `--force` writes into it anyway, overwriting only the paths synth writes and deleting nothing.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, normalize, parse, relative, sep } from "node:path";
import type { ArtifactFile } from "../lib/backend.js";
import { flagError } from "./flags.js";

export const MANIFEST = ".zeroscale-manifest.json";

/** The manifest synth keeps in its output folder: every file it wrote, by path relative to the folder. */
export interface OutputManifest {
  readonly kind: "ZeroscaleOutput";
  readonly version: 1;
  /** Relative POSIX path -> sha256 (hex) of the content synth wrote there. */
  readonly files: Readonly<Record<string, string>>;
}

/** What a write did: paths relative to the folder. */
export interface WriteResult {
  readonly written: string[];
  /** Stale files of the previous synth, removed. */
  readonly removed: string[];
  /** Stale files of the previous synth kept (and no longer listed) because they changed since zeroscale wrote them. */
  readonly kept: string[];
}

const sha256 = (content: string | Uint8Array) => createHash("sha256").update(content).digest("hex");
const posix = (p: string) => p.split(sep).join("/");

function readManifest(outDir: string, shown: string): OutputManifest | undefined {
  const file = join(outDir, MANIFEST);
  if (!existsSync(file)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw flagError("synth", "--out", shown, `has a ${MANIFEST} that is not valid JSON (${(e as Error).message})`, `delete ${join(shown, MANIFEST)} and rerun with --force (nothing is deleted then), or pick another folder`, "ZS-CLI-OUT-MANIFEST");
  }
  const m = data as Partial<OutputManifest>;
  if (m?.kind !== "ZeroscaleOutput" || m.version !== 1 || typeof m.files !== "object" || m.files === null) {
    throw flagError("synth", "--out", shown, `has a ${MANIFEST} this zeroscale does not understand`, `delete it and rerun with --force (nothing is deleted then), or pick another folder`, "ZS-CLI-OUT-MANIFEST");
  }
  return m as OutputManifest;
}

/** Check every artifact path stays inside the folder (no absolute paths, no `..`). */
function checkPaths(files: readonly ArtifactFile[]): void {
  for (const f of files) {
    const p = normalize(f.path);
    if (isAbsolute(p) || p === ".." || p.startsWith(`..${sep}`) || posix(p) === MANIFEST) throw new Error(`internal: artifact path ${JSON.stringify(f.path)} leaves the output folder or names the manifest`);
  }
}

/**
 * Write `files` into `outDir` as synth's output: refuse a folder zeroscale does not own (unless
 * `force`), overwrite only the paths it writes, remove the previous synth's stale files, and record
 * the new manifest. `shown` is the folder as the user named it (for messages).
 */
export function writeOutput(outDir: string, files: readonly ArtifactFile[], opts: { readonly force?: boolean; readonly shown: string }): WriteResult {
  const { shown } = opts;
  checkPaths(files);
  if (outDir === parse(outDir).root || outDir === homedir()) {
    throw flagError("synth", "--out", shown, outDir === homedir() ? "is your home folder" : "is the root of the file system", "pick a folder of its own, e.g. --out zeroscale.out", "ZS-CLI-OUT-NOT-OWNED");
  }
  let previous: OutputManifest | undefined;
  if (existsSync(outDir)) {
    if (!statSync(outDir).isDirectory()) throw flagError("synth", "--out", shown, "is a file, not a folder", "pick a folder (new, empty, or one zeroscale wrote), e.g. --out zeroscale.out", "ZS-CLI-OUT-NOT-OWNED");
    previous = readManifest(outDir, shown);
    // Folders that are themselves zeroscale outputs (their own manifest) do not make it someone else's.
    const foreign = readdirSync(outDir).filter((e) => !existsSync(join(outDir, e, MANIFEST)));
    if (!previous && !opts.force && foreign.length > 0) {
      throw flagError(
        "synth",
        "--out",
        shown,
        `is a non-empty folder zeroscale did not write (it has no ${MANIFEST})`,
        "pick a new or empty folder, e.g. --out zeroscale.out, or pass --force to write into it (zeroscale then overwrites only the files it writes and deletes nothing)",
        "ZS-CLI-OUT-NOT-OWNED",
      );
    }
  }
  const next: Record<string, string> = {};
  for (const f of files) next[posix(normalize(f.path))] = sha256(f.content);
  // A path synth writes as a file must not be a folder there, and its folders must not be files.
  for (const path of Object.keys(next)) {
    const target = join(outDir, path);
    if (existsSync(target) && lstatSync(target).isDirectory()) throw flagError("synth", "--out", shown, `has a folder at ${path}, where synth writes a file`, "move it away or pick another folder", "ZS-CLI-OUT-CONFLICT");
    for (let d = dirname(path); d !== "." && d !== ""; d = dirname(d)) {
      const dir = join(outDir, d);
      if (existsSync(dir) && !lstatSync(dir).isDirectory()) throw flagError("synth", "--out", shown, `has a file at ${posix(d)}, where synth writes a folder`, "move it away or pick another folder", "ZS-CLI-OUT-CONFLICT");
    }
  }
  mkdirSync(outDir, { recursive: true });
  // Record ownership of the union first: a crash mid-write leaves every file we may have written listed.
  const prevFiles = previous?.files ?? {};
  writeManifest(outDir, { ...prevFiles, ...next });
  const written: string[] = [];
  const made = new Set<string>();
  for (const f of files) {
    const target = join(outDir, f.path);
    const dir = dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(target, f.content);
    written.push(posix(normalize(f.path)));
  }
  const removed: string[] = [];
  const kept: string[] = [];
  for (const [path, hash] of Object.entries(prevFiles)) {
    if (path in next) continue;
    const target = join(outDir, path);
    if (!target.startsWith(outDir + sep)) continue; // a tampered manifest never reaches outside the folder
    if (!existsSync(target) || !lstatSync(target).isFile()) continue;
    if (sha256(readFileSync(target)) !== hash) {
      kept.push(path); // changed since zeroscale wrote it: someone's edits; keep it, and disown it
      continue;
    }
    unlinkSync(target);
    removed.push(path);
    pruneEmptyParents(outDir, dirname(target));
  }
  writeManifest(outDir, next);
  return { written, removed: removed.sort(), kept: kept.sort() };
}

/** Remove folders left empty by removing a stale file, up to (not including) the output folder. */
function pruneEmptyParents(outDir: string, dir: string): void {
  for (let d = dir; d !== outDir && d.startsWith(outDir + sep); d = dirname(d)) {
    if (readdirSync(d).length > 0) return;
    rmdirSync(d);
  }
}

function writeManifest(outDir: string, files: Record<string, string>): void {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const manifest: OutputManifest = { kind: "ZeroscaleOutput", version: 1, files: sorted };
  const file = join(outDir, MANIFEST);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, file);
}

/** The folder as the user would write it, relative to the working directory when inside it. */
export function shownPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
}

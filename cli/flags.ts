// Flags are validated like props: each bad value is a diagnostic naming the flag, the value, what is
// wrong and how to fix it (exit 2), not a raw Node or JSON.parse message.
import { readFileSync } from "node:fs";
import { Option } from "commander";
import { parseDurationMillis } from "../lib/duration.js";
import { type ImageMap, ImageMapError, type ImageMapTarget, readImageMap } from "../providers/images/image-map.js";
import { EXIT } from "./exit-codes.js";
import { type CliDiagnostic, plainDiagnosticLine } from "./output.js";

/** A bad flag (or flag combination): its diagnostic, exit 2. */
export class FlagError extends Error {
  override readonly name = "FlagError";
  readonly exitCode = EXIT.usage;
  constructor(readonly diagnostic: CliDiagnostic) {
    super(plainDiagnosticLine(diagnostic));
  }
}

/** Make a flag diagnostic: `zeroscale <command>: --flag ("value") <problem>; <fix>.` */
export function flagError(command: string, flag: string, value: unknown, problem: string, fix: string, code = "ZS-CLI-FLAG"): FlagError {
  return new FlagError({ severity: "error", code, path: `zeroscale ${command}`, prop: flag, ...(value === undefined ? {} : { value }), problem, fix });
}

/** An argParser for commander that throws a FlagError naming the flag. */
type Parser<T> = (value: string, previous: T | undefined) => T;

export function wholeNumber(command: string, flag: string, min: number, what: string, example: string): Parser<number> {
  return (value) => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
      throw flagError(command, flag, value, `is not a whole number of ${what} >= ${min}`, `use e.g. ${flag} ${example}`);
    }
    return Number(value);
  };
}

export function port(command: string, flag: string, example: string): Parser<number> {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 65535) throw flagError(command, flag, value, "is not a TCP port (a whole number from 0 to 65535)", `use e.g. ${flag} ${example}${example === "0" ? " (any free port)" : ""}`);
    return n;
  };
}

export function duration(command: string, flag: string, examples: string): Parser<number> {
  return (value) => {
    const ms = parseDurationMillis(value);
    if (ms === undefined || ms <= 0 || !Number.isSafeInteger(ms)) throw flagError(command, flag, value, "is not a duration above 0", `use one such as ${examples}`);
    return ms;
  };
}

const SIZE_UNITS: Readonly<Record<string, number>> = { "": 1, b: 1, kb: 1e3, kib: 2 ** 10, mb: 1e6, mib: 2 ** 20, gb: 1e9, gib: 2 ** 30 };

/** A size in bytes: a whole number, or a number with B, KB, KiB, MB, MiB, GB or GiB ("10MiB", "1.5MB"); undefined if not one. */
export function bytesOf(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = SIZE_UNITS[(m?.[2] ?? "").toLowerCase()];
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  return Number.isSafeInteger(bytes) && bytes >= 1 ? bytes : undefined;
}

export function size(command: string, flag: string): Parser<number> {
  return (value) => {
    const bytes = bytesOf(value);
    if (bytes === undefined) throw flagError(command, flag, value, "is not a size of at least 1 byte", 'use one such as "10MiB", "512KiB" or "1048576" (units: B, KB, KiB, MB, MiB, GB, GiB)');
    return bytes;
  };
}

/** One of a fixed set, with "did you mean" for a near miss. */
export function choice<T extends string>(command: string, flag: string, values: readonly T[]): Parser<T> {
  return (value) => {
    if ((values as readonly string[]).includes(value)) return value as T;
    const near = closest(value, values);
    throw flagError(command, flag, value, `is not one of ${values.join(", ")}`, near ? `did you mean ${flag} ${near}? Use one of ${values.join(", ")}` : `use one of ${values.join(", ")}`);
  };
}

/** A repeatable flag that also takes comma lists: `--backend knative --backend keda` = `--backend knative,keda`. */
export function list<T extends string>(command: string, flag: string, values: readonly T[]): Parser<T[]> {
  const one = choice(command, flag, values);
  return (value, previous) => {
    const items = value.split(",").map((v) => v.trim()).filter((v) => v !== "");
    if (items.length === 0) throw flagError(command, flag, value, "names nothing", `use one of ${values.join(", ")}`);
    const next = [...(previous ?? [])];
    for (const item of items) {
      const v = one(item, undefined);
      if (!next.includes(v)) next.push(v);
    }
    return next;
  };
}

const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?)(:\d{1,5})?$/i;

export function host(command: string, flag: string): Parser<string[]> {
  return (value, previous) => {
    if (!HOST.test(value)) throw flagError(command, flag, value, "is not a host name, optionally with a port", 'use one such as "localhost", "app.test:3000" or "[::1]:3000"');
    return [...(previous ?? []), value];
  };
}

/** The closest of `values` to `input` (edit distance at most 2, or a prefix), for "did you mean". */
export function closest(input: string, values: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const v of values) {
    const [i, w] = [input.toLowerCase(), v.toLowerCase()];
    const d = (w.startsWith(i) && i.length >= 2) || (i.startsWith(w) && w.length >= 3) ? 0.5 : editDistance(i, w);
    if (d < bestDistance) [best, bestDistance] = [v, d];
  }
  return bestDistance <= Math.max(2, Math.floor((best?.length ?? 0) / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

/** The secrets of `dev --secrets <file>`: a JSON object of stores, each an object of string values. */
export function readSecretsFile(file: string): Record<string, Record<string, string>> {
  const shape = '{ "<store>": { "<key>": "<value>" } }';
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw flagError("dev", "--secrets", file, code === "ENOENT" ? "names no file" : `cannot be read (${code ?? (e as Error).message})`, `give a JSON file of secret values shaped ${shape}`, "ZS-CLI-SECRETS-FILE");
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw flagError("dev", "--secrets", file, `is not valid JSON (${(e as Error).message})`, `write it as ${shape}`, "ZS-CLI-SECRETS-FILE");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw flagError("dev", "--secrets", file, `holds ${Array.isArray(data) ? "an array" : data === null ? "null" : `a ${typeof data}`}, not an object of secret stores`, `write it as ${shape}`, "ZS-CLI-SECRETS-FILE");
  }
  for (const [store, keys] of Object.entries(data)) {
    if (typeof keys !== "object" || keys === null || Array.isArray(keys)) throw flagError("dev", "--secrets", file, `has store "${store}" that is not an object of keys`, `write it as ${shape}`, "ZS-CLI-SECRETS-FILE");
    for (const [key, v] of Object.entries(keys as Record<string, unknown>)) {
      if (typeof v !== "string") throw flagError("dev", "--secrets", file, `has ${store}.${key} = ${JSON.stringify(v)}, not a string`, `quote the value: "${key}": "${String(v)}"`, "ZS-CLI-SECRETS-FILE");
    }
  }
  return data as Record<string, Record<string, string>>;
}

/**
 * The image map of `--images <file>` (written by `zeroscale build`), checked against the program:
 * a bad file is a flag diagnostic (exit 2, ZS-CLI-IMAGES-FILE) naming the file, and for a bad entry its
 * key and value (`zeroscale.images.json: images["shop/cart"] ("...") is not an image pinned by digest ...`).
 */
export function readImagesFile(command: string, file: string, target: ImageMapTarget): ImageMap {
  try {
    return readImageMap(file, target);
  } catch (e) {
    if (!(e instanceof ImageMapError)) throw e;
    if (e.key === "") throw flagError(command, "--images", file, e.problem, e.fix, "ZS-CLI-IMAGES-FILE");
    throw new FlagError({ severity: "error", code: "ZS-CLI-IMAGES-FILE", path: file, prop: e.key, ...(e.value === undefined ? {} : { value: e.value }), problem: e.problem, fix: e.fix });
  }
}

/** A listen failure of `dev` as a flag diagnostic (a busy or forbidden port names its flag), or undefined. */
export function listenProblem(e: unknown, ports: { readonly port: number; readonly adminPort: number }): FlagError | undefined {
  const err = e as NodeJS.ErrnoException & { port?: number };
  if (err?.code !== "EADDRINUSE" && err?.code !== "EACCES") return undefined;
  const p = typeof err.port === "number" ? err.port : Number(/:(\d+)\s*$/.exec(err.message ?? "")?.[1]);
  const flag = p === ports.adminPort && p !== ports.port ? "--admin-port" : "--port";
  if (err.code === "EACCES") return flagError("dev", flag, p, "may not be listened on by this user (ports below 1024 need privileges)", `use a port from 1024 up, e.g. ${flag} ${flag === "--port" ? 3000 : 0}`, "ZS-CLI-PORT");
  return flagError("dev", flag, p, `is in use on 127.0.0.1 (another process listens there)`, `stop it (find it with \`lsof -i :${p}\`) or pick another, e.g. ${flag} ${flag === "--port" ? p + 1 : 0}`, "ZS-CLI-PORT-BUSY");
}

/** The data planes `zeroscale dev --data-plane` offers (runtime/gateway/planes.ts DATA_PLANES; not imported here, so synth loads no runtime). */
export const DEV_DATA_PLANES = ["node", "haproxy"] as const;

/** `zeroscale dev --data-plane <node|haproxy>` (default node: needs nothing installed). */
export function dataPlaneOption(command: string): Option {
  return new Option("--data-plane <plane>", "what carries requests: node (the gateway's own proxy, needs nothing installed) or haproxy (HAProxy on the route port, the gateway its activator; needs haproxy on PATH)")
    .argParser(choice(command, "--data-plane", DEV_DATA_PLANES))
    .default("node");
}

// Build and push one function's image with the local Docker engine (dockerode): the engine builds
// the staged context (./stage.ts), tags it with a hash of its inputs, pushes it and reports the
// digest the registry stored. Used by `zeroscale build` (cli/build.ts). I/O, so not in lib/.
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import type Docker from "dockerode";
import type { ImageBuild } from "./spec.js";
import type { StagedBuild } from "./stage.js";

/** A `sha256:` digest of a manifest, as registries name it. */
export const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Credentials for the registry (X-Registry-Auth); an empty object means none. */
export type RegistryAuth = Docker.AuthConfigObject;

/** The registry credentials from ZEROSCALE_REGISTRY_USERNAME / ZEROSCALE_REGISTRY_PASSWORD, or none. */
export function registryAuthFromEnv(registry: string, env: NodeJS.ProcessEnv = process.env): RegistryAuth {
  const username = env["ZEROSCALE_REGISTRY_USERNAME"];
  const password = env["ZEROSCALE_REGISTRY_PASSWORD"];
  if (!username && !password) return {};
  return { username: username ?? "", password: password ?? "", serveraddress: registryHost(registry) };
}

/** "127.0.0.1:5000" of "127.0.0.1:5000/zs". */
export function registryHost(registry: string): string {
  return registry.split("/")[0] as string;
}

/** The engine did not answer. */
export class EngineUnreachableError extends Error {
  override readonly name = "EngineUnreachableError";
}
/** The registry could not be reached from the engine (refused, unknown host, TLS, timeout). */
export class RegistryUnreachableError extends Error {
  override readonly name = "RegistryUnreachableError";
}
/** `docker build` failed: `log` holds its last lines. */
export class ImageBuildError extends Error {
  override readonly name = "ImageBuildError";
  constructor(message: string, readonly log: readonly string[]) {
    super(message);
  }
}
/** The push failed (the registry refused it, or the engine lost it). */
export class ImagePushError extends Error {
  override readonly name = "ImagePushError";
}

/** Throw {@link EngineUnreachableError} unless the engine answers a ping within `timeoutMs`. */
export async function checkEngine(docker: Docker, timeoutMs = 3000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([docker.ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))]);
  } catch (e) {
    const where = process.env["DOCKER_HOST"] ?? "/var/run/docker.sock";
    throw new EngineUnreachableError(`no Docker engine answers at ${where} (${firstLine(e)}): start one (dockerd, Docker Desktop) or set DOCKER_HOST`);
  } finally {
    clearTimeout(timer);
  }
}

/** Files of a build context as the engine gets them (folders named in `skip` left out at any depth: StagedBuild.skip), relative POSIX paths, sorted. */
export function contextFiles(root: string, skip: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (skip.includes(name)) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p).split(sep).join("/"));
    }
  };
  walk(root);
  return out.sort();
}

/**
 * The tag of a build: "zs-" + 32 hex of a SHA-256 over everything the engine is given: each context
 * file's path, mode and bytes, the Dockerfile's path and the build args (sorted). Same inputs, same
 * tag, so `zeroscale build` can ask the registry whether it already holds this exact input and skip
 * the build and the push (rebuilding unchanged code is a no-op, and the map keeps its digest).
 * It is over-inclusive rather than exact (files .dockerignore leaves out still count), so a change
 * can only cost a rebuild, never reuse a stale image. What it cannot see is what the Dockerfile pulls
 * by name (a base image tag that moved): `--rebuild` builds and pushes anyway, and pinning the base
 * image by digest makes that visible in the inputs too.
 */
export function inputsTag(staged: StagedBuild): string {
  const h = createHash("sha256").update("zeroscale-build-v1\0");
  for (const file of contextFiles(staged.context, staged.skip)) {
    const p = join(staged.context, file);
    const st = lstatSync(p);
    h.update(`${file}\0${st.isSymbolicLink() ? `link:${readlinkSync(p)}` : (st.mode & 0o777).toString(8)}\0`);
    h.update(readFileSync(p)); // follows a symlink, like the engine's tar of the context does
    h.update("\0");
  }
  h.update(`dockerfile\0${dockerfileInContext(staged)}\0`);
  for (const [k, v] of Object.entries(staged.args).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) h.update(`arg\0${k}\0${v}\0`);
  return `zs-${h.digest("hex").slice(0, 32)}`;
}

/** The Dockerfile's path relative to the context (the engine only sees the context). */
export function dockerfileInContext(staged: StagedBuild): string {
  const rel = relative(staged.context, staged.dockerfile);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) throw new ImageBuildError(`the Dockerfile ${staged.dockerfile} is not inside the build context ${staged.context}`, []);
  return rel.split(sep).join("/");
}

/** Registry errors that mean "the registry could not be asked", not "it has no such tag". */
const UNREACHABLE = /dial tcp|connection refused|no such host|i\/o timeout|timeout|tls|x509|certificate|server gave http response|connection reset|\beof\b|network is unreachable/i;

/**
 * The digest under which the registry holds `ref` ("repo:tag"), asked through the engine (so the
 * engine's view of the registry: its network, its insecure-registry rules), or undefined when the
 * registry has no such tag (or will not say without other credentials: the push then tells).
 * @throws RegistryUnreachableError when the registry cannot be reached at all
 */
export async function registryDigest(docker: Docker, ref: string, auth: RegistryAuth): Promise<string | undefined> {
  try {
    const info = await docker.getImage(ref).distribution({ authconfig: auth });
    const digest = info.Descriptor?.digest;
    return typeof digest === "string" && DIGEST.test(digest) ? digest : undefined;
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    const message = engineMessage(e);
    if (status !== undefined && status >= 500 && UNREACHABLE.test(message)) throw new RegistryUnreachableError(message);
    return undefined;
  }
}

/** What one build did. */
export interface BuiltImage {
  readonly fn: string;
  /** "repo:tag", the tag being {@link inputsTag}. */
  readonly ref: string;
  /** "repo@sha256:...": what the image map records. */
  readonly pinned: string;
  readonly digest: string;
  /** False when the registry already held this tag (nothing was built or pushed). */
  readonly pushed: boolean;
  /** Milliseconds spent building and pushing. */
  readonly buildMs: number;
  readonly pushMs: number;
}

export interface BuildAndPushOptions {
  readonly auth: RegistryAuth;
  /** Build and push even when the registry holds the tag already (and build without the engine's cache). */
  readonly rebuild?: boolean;
  /** Labels on the image. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Progress lines ("building", "pushing"). */
  readonly progress?: (line: string) => void;
}

/** Build `staged` for `build`, tag it with its inputs' hash, push it and return its digest (or the registry's, when it has that tag already). */
export async function buildAndPush(docker: Docker, build: ImageBuild, staged: StagedBuild, opts: BuildAndPushOptions): Promise<BuiltImage> {
  const tag = inputsTag(staged);
  const ref = `${build.repository}:${tag}`;
  const pin = (digest: string) => `${build.repository}@${digest}`;
  if (!opts.rebuild) {
    const existing = await registryDigest(docker, ref, opts.auth);
    if (existing) return { fn: build.fn, ref, pinned: pin(existing), digest: existing, pushed: false, buildMs: 0, pushMs: 0 };
  }
  opts.progress?.(`building ${build.fn} (${build.source.type === "code" ? `${build.source.path}/${build.source.file} on ${build.source.baseImage}` : `${build.source.context}/${build.source.dockerfile}`}) as ${ref}`);
  const t0 = performance.now();
  await buildImage(docker, build, staged, ref, opts);
  const t1 = performance.now();
  opts.progress?.(`pushing ${ref}`);
  const digest = await pushImage(docker, build.repository, tag, opts.auth);
  return { fn: build.fn, ref, pinned: pin(digest), digest, pushed: true, buildMs: Math.round(t1 - t0), pushMs: Math.round(performance.now() - t1) };
}

/** The engine's JSON progress stream, to its end: every message, or the stream's own error. */
function follow(docker: Docker, stream: NodeJS.ReadableStream, onEvent: (e: ProgressEvent) => void): Promise<ProgressEvent[]> {
  return new Promise((ok, fail) => {
    docker.modem.followProgress(stream, (err: Error | null, out: ProgressEvent[]) => (err ? fail(err) : ok(out)), onEvent);
  });
}

interface ProgressEvent {
  readonly stream?: string;
  readonly status?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
  readonly aux?: { readonly ID?: string; readonly Digest?: string; readonly Tag?: string };
}

const LOG_TAIL = 12;

/** `docker build` of the staged context as `ref` (classic builder, like the Docker driver). */
async function buildImage(docker: Docker, build: ImageBuild, staged: StagedBuild, ref: string, opts: BuildAndPushOptions): Promise<void> {
  const fn = build.fn;
  // Named as the user wrote it (the staged copy's path means nothing to them).
  const what = build.source.type === "build" ? `build.context ${build.source.context}` : `code.path ${build.source.path}`;
  const dockerfile = dockerfileInContext(staged);
  const log: string[] = [];
  const fail = (why: string) => new ImageBuildError(`${fn}: docker build of ${what} failed: ${why}`, log.slice(-LOG_TAIL));
  let out: ProgressEvent[];
  try {
    const stream = await docker.buildImage(
      { context: staged.context, src: contextFiles(staged.context, staged.skip) },
      { t: ref, dockerfile, buildargs: { ...staged.args }, labels: { ...opts.labels }, rm: true, forcerm: true, ...(opts.rebuild ? { nocache: true } : {}) },
    );
    out = await follow(docker, stream, (e) => {
      if (e.stream) log.push(...e.stream.split("\n").filter((l) => l.trim() !== ""));
    });
  } catch (e) {
    throw fail(engineMessage(e));
  }
  const error = out.find((e) => e.error || e.errorDetail?.message);
  if (error) throw fail((error.errorDetail?.message ?? error.error ?? "").trim());
  if (!out.some((e) => e.aux?.ID)) throw fail("the engine reported no image id");
}

/** Push `repository:tag`; the digest the registry stored, from the push stream's aux { Digest }. */
async function pushImage(docker: Docker, repository: string, tag: string, auth: RegistryAuth): Promise<string> {
  const ref = `${repository}:${tag}`;
  let out: ProgressEvent[];
  try {
    // Always an X-Registry-Auth header: the engine refuses a push without one, and `{}` means anonymous.
    const stream = await docker.getImage(repository).push({ tag, authconfig: auth });
    out = await follow(docker, stream, () => undefined);
  } catch (e) {
    throw pushError(ref, engineMessage(e));
  }
  const error = out.find((e) => e.error || e.errorDetail?.message);
  if (error) throw pushError(ref, (error.errorDetail?.message ?? error.error ?? "").trim());
  const digest = out.map((e) => e.aux?.Digest).find((d): d is string => typeof d === "string" && DIGEST.test(d));
  if (!digest) throw new ImagePushError(`pushing ${ref}: the engine reported no digest (${out.map((e) => e.status).filter(Boolean).slice(-3).join("; ") || "no output"})`);
  return digest;
}

function pushError(ref: string, message: string): Error {
  return UNREACHABLE.test(message) ? new RegistryUnreachableError(`pushing ${ref}: ${message}`) : new ImagePushError(`pushing ${ref} failed: ${message}`);
}

/** The engine's own message of a dockerode error ("(HTTP code 500) server error - <message>" -> "<message>"). */
function engineMessage(e: unknown): string {
  const json = (e as { json?: { message?: unknown } }).json;
  if (json && typeof json.message === "string") return json.message.trim();
  return firstLine(e).replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, "").trim();
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0] as string;
}

// The image map: the pushed image, pinned by digest, that each code/build function of one app runs.
// `zeroscale build <program> --registry <r>` writes it (cli/build.ts); `zeroscale synth|validate
// --images <file>` reads it and passes its `images` to the Kubernetes backends, so the YAML names
// `<repository>@sha256:...`, never a mutable tag nobody pushed. The file is exactly
//   { "version": 1, "app": "shop", "registry": "127.0.0.1:5000/zs",
//     "images": { "shop/cart": "127.0.0.1:5000/zs/shop-cart@sha256:<64 hex>" } }
// Pure apart from readImageMap (one file read).
import { readFileSync } from "node:fs";
import type { DeploymentGraph, Diagnostic } from "../../lib/index.js";
import { showValue } from "../../lib/validation/diagnostic.js";
import type { ImageBuild } from "./spec.js";

/** The version of the image map format this zeroscale reads and writes. */
export const IMAGE_MAP_VERSION = 1;
/** Where `zeroscale build` writes the map unless told otherwise (and what the fix texts name). */
export const DEFAULT_IMAGE_MAP_FILE = "zeroscale.images.json";

/** The contents of an image map file. */
export interface ImageMap {
  readonly version: typeof IMAGE_MAP_VERSION;
  /** The app's name (its graph's `app.name`). */
  readonly app: string;
  /** The registry the images were pushed to ("host[:port]/path"), as given to `zeroscale build --registry`. */
  readonly registry: string;
  /** The pushed image of each built function, by function id: `<repository>@sha256:<64 hex>`. */
  readonly images: Readonly<Record<string, string>>;
}

/** What a map is checked against: the program's app and the ids of its functions built from source (code/build). */
export interface ImageMapTarget {
  readonly app: string;
  readonly functions: readonly string[];
}

/** The app and built functions of a graph, for {@link parseImageMap}. */
export function imageMapTarget(graph: DeploymentGraph): ImageMapTarget {
  const functions = graph.nodes.filter((n) => n.kind === "function" && n.source.type !== "image").map((n) => n.id).sort();
  return { app: graph.app.name, functions };
}

/**
 * A problem with an image map file, naming the file, the key (`version`, `app`, `registry`, `images`,
 * `images["shop/cart"]`; empty for the file as a whole) and the value found. Its message reads
 * `<file>: <key> (<value>) <problem>; <fix>.` (`<file> <problem>; <fix>.` for the whole file).
 */
export class ImageMapError extends Error {
  override readonly name = "ImageMapError";
  constructor(
    readonly file: string,
    readonly key: string,
    readonly value: unknown,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(key === "" ? `${file} ${problem}; ${fix}.` : `${file}: ${key}${value === undefined ? " (missing)" : ` (${showValue(value)})`} ${problem}; ${fix}.`);
  }
}

// The Docker reference grammar (distribution/reference): an optional domain (host[:port], IPv6 in
// brackets), then lowercase path components joined by "/".
const DOMAIN = String.raw`(?:\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]+)?`;
const COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const REPOSITORY = String.raw`(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*`;
const REPOSITORY_RE = new RegExp(`^${REPOSITORY}$`);
const PINNED_RE = new RegExp(`^(${REPOSITORY})@sha256:[0-9a-f]{64}$`);

/** Whether `ref` is a repository name (no tag, no digest), e.g. "127.0.0.1:5000/zs/shop-cart". */
export function isRepository(ref: string): boolean {
  return REPOSITORY_RE.test(ref);
}

/** Whether `registry` is one images can be pushed under: "host[:port]" or "host[:port]/path" (trailing slashes ignored). */
export function isRegistry(registry: string): boolean {
  return REPOSITORY_RE.test(`${registry.replace(/\/+$/, "")}/x`);
}

/** Whether `ref` is pinned by digest: `<repository>@sha256:<64 hex>` (no tag). */
export function isPinned(ref: string): boolean {
  return PINNED_RE.test(ref);
}

const SHAPE = `{ "version": 1, "app": "<app>", "registry": "<host[:port]/path>", "images": { "<app>/<function>": "<repository>@sha256:<64 hex>" } }`;
const KEYS = ["version", "app", "registry", "images"] as const;

/**
 * Parse and check an image map: its shape, every value pinned by digest, its app the program's, and
 * every key a function of the program built from source. `file` is only used in messages. Throws an
 * {@link ImageMapError} for the first problem.
 */
export function parseImageMap(text: string, file: string, target: ImageMapTarget): ImageMap {
  const fail = (key: string, value: unknown, problem: string, fix: string): never => {
    throw new ImageMapError(file, key, value, problem, fix);
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail("", undefined, `is not valid JSON (${(e as Error).message})`, `write it as ${SHAPE}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail("", undefined, `holds ${Array.isArray(data) ? "an array" : data === null ? "null" : `a ${typeof data}`}, not an image map`, `write it as ${SHAPE}`);
  }
  const obj = data as Record<string, unknown>;
  for (const key of Object.keys(obj).sort()) {
    if (!(KEYS as readonly string[]).includes(key)) fail(key, obj[key], "is not a key of an image map", `remove it; the keys are ${KEYS.join(", ")}`);
  }
  if (obj["version"] !== IMAGE_MAP_VERSION) fail("version", obj["version"], `is not ${IMAGE_MAP_VERSION}, the image map version this zeroscale reads`, `rebuild the map with this zeroscale: zeroscale build <program> --registry <registry>`);
  const app = obj["app"];
  if (typeof app !== "string") return fail("app", app, "is not a string", `set it to the app's name, "${target.app}"`);
  if (app !== target.app) fail("app", app, `is not the program's app ("${target.app}"): the map was built for another app`, `build this program's images: zeroscale build <program> --registry <registry>`);
  const registry = obj["registry"];
  if (typeof registry !== "string" || !isRegistry(registry)) {
    fail("registry", registry, 'is not a registry ("host[:port]/path")', 'set it to the registry the images were pushed to, e.g. "127.0.0.1:5000/zs"');
  }
  const images = obj["images"];
  if (typeof images !== "object" || images === null || Array.isArray(images)) return fail("images", images, "is not an object of function id -> pushed image", `write it as ${SHAPE}`);
  const known = new Set(target.functions);
  const out: Record<string, string> = {};
  for (const id of Object.keys(images).sort()) {
    const key = `images[${JSON.stringify(id)}]`;
    const ref = (images as Record<string, unknown>)[id];
    if (!known.has(id)) {
      const list = target.functions.length ? `the app's are ${target.functions.map((f) => JSON.stringify(f)).join(", ")}` : "the app has none";
      fail(key, ref, `names no function built from source (code or build) in app "${target.app}"`, `remove it or rebuild the map; ${list}`);
    }
    if (typeof ref !== "string" || !isPinned(ref)) {
      fail(key, ref, "is not an image pinned by digest (<repository>@sha256:<64 hex>)", "write the digest the push returned, as zeroscale build does, never a tag");
    }
    out[id] = ref as string;
  }
  return { version: IMAGE_MAP_VERSION, app, registry: registry as string, images: out };
}

/** Read and check the image map at `file` (see {@link parseImageMap}); a missing or unreadable file is an {@link ImageMapError} too. */
export function readImageMap(file: string, target: ImageMapTarget): ImageMap {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImageMapError(file, "", undefined, code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (e as Error).message})`, "write it with zeroscale build <program> --registry <registry>");
  }
  return parseImageMap(text, file, target);
}

/** An image map as its file holds it: keys in a fixed order, images sorted by function id, a final newline (stable bytes). */
export function imageMapJson(map: ImageMap): string {
  const images = Object.fromEntries(Object.keys(map.images).sort().map((k) => [k, map.images[k] as string]));
  return `${JSON.stringify({ version: map.version, app: map.app, registry: map.registry, images }, null, 2)}\n`;
}

/**
 * One ZS-IMAGE-UNBUILT error per build a plan still needs (no pushed digest for it): what
 * `zeroscale synth` and `validate` report instead of writing YAML that names an image nobody pushed.
 * `program` and `registry` appear in the fix (the commands to run).
 */
export function unbuiltErrors(builds: readonly ImageBuild[], how: { readonly program: string; readonly registry: string; readonly imagesFile?: string }): Diagnostic[] {
  return builds.map((b) => ({
    severity: "error" as const,
    code: "ZS-IMAGE-UNBUILT" as const,
    path: b.fn,
    prop: b.source.type,
    value: b.repository,
    problem: "has no pushed image (no digest for it in --images), and the manifests must not name a tag nobody pushed",
    fix: `build and push it with \`zeroscale build ${how.program} --registry ${how.registry}\`, then run \`zeroscale synth ${how.program} --images ${how.imagesFile ?? DEFAULT_IMAGE_MAP_FILE}\``,
  }));
}

import { closest, distance } from "fastest-levenshtein";
import { Duration } from "../duration.js";
import type { Diagnostic } from "./diagnostic.js";
import * as generated from "./shape-validators.generated.js";
import type { SchemaError, StandaloneValidator } from "./shape-validators.generated.js";

/** The construct kinds whose props have a shape schema. */
export type ShapeKind = "function" | "trigger" | "scalingPolicy";

/** Compiled shape validators for construct props (types and unknown props; ranges are checked in code). */
export interface ShapeChecker {
  /** Diagnostics for every shape problem of `props` (a construct's raw props). */
  check(kind: ShapeKind, path: string, props: unknown): Diagnostic[];
}

/** The precompiled validators of one kind: the fast one (first error), and the full one (all errors, verbose) for messages. */
const VALIDATORS: Record<ShapeKind, { readonly fast: StandaloneValidator; readonly full: StandaloneValidator }> = {
  function: { fast: generated.functionFast, full: generated.functionFull },
  trigger: { fast: generated.triggerFast, full: generated.triggerFull },
  scalingPolicy: { fast: generated.scalingPolicyFast, full: generated.scalingPolicyFull },
};

/**
 * The shape checker of `validation/shape-schemas.ts`. Its validators are ajv standalone code
 * generated at build time (scripts/build-validators.mjs), so nothing is compiled at run time: the
 * fast validator (no allErrors) runs first, and only when it fails does the full one (allErrors,
 * verbose) run to report every problem.
 */
export function createShapeChecker(): ShapeChecker {
  return {
    check(kind, path, props) {
      if (typeof props !== "object" || props === null || Array.isArray(props)) {
        return [toDiagnostic(path, { keyword: "type", instancePath: "", schemaPath: "#/type", params: { type: "object" }, data: props })];
      }
      const plain = toPlain(props);
      const { fast, full } = VALIDATORS[kind];
      if (fast(plain)) return [];
      if (full(plain)) return []; // cannot happen: the same schema
      return (full.errors ?? []).map((e) => toDiagnostic(path, e));
    },
  };
}

/** Replace Durations (at any depth) by their strings and drop construct references so the schema sees plain data. */
function toPlain(props: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === "target") continue; // a construct, checked in code
    out[k] = plainValue(v, 0);
  }
  return out;
}

function plainValue(v: unknown, depth: number): unknown {
  if (Duration.isDuration(v)) return v.toString();
  if (depth > 32 || typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.some((x) => Duration.isDuration(x) || (typeof x === "object" && x !== null)) ? v.map((x) => plainValue(x, depth + 1)) : v;
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = plainValue(x, depth + 1);
  return out;
}

/** The known name closest to `name` when it is close enough to be a typo, else undefined. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = name.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  const best = closest(lower, known.map((k) => k.toLowerCase()));
  const match = known.find((k) => k.toLowerCase() === best) as string;
  return distance(lower, best) <= Math.max(1, Math.floor(Math.min(name.length, match.length) / 3)) ? match : undefined;
}

function toDiagnostic(path: string, e: SchemaError): Diagnostic {
  const base = e.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
  const join = (name: string) => (base ? `${base}.${name}` : name);
  const parent = (e.parentSchema ?? {}) as { "x-fix"?: string; properties?: Record<string, { "x-fix"?: string }> };
  switch (e.keyword) {
    case "additionalProperties": {
      const name = String(e.params["additionalProperty"]);
      const allowed = Object.keys(parent.properties ?? {});
      const data = e.data as Record<string, unknown>;
      const guess = didYouMean(name, allowed);
      const fix = guess ? `did you mean ${join(guess)}? Otherwise remove it (known props: ${allowed.join(", ")})` : `remove it or use one of: ${allowed.join(", ")}`;
      return diag(path, join(name), data[name], "is not a known prop", fix);
    }
    case "required": {
      const name = String(e.params["missingProperty"]);
      const fix = parent.properties?.[name]?.["x-fix"] ?? `set ${name}`;
      return diag(path, join(name), undefined, "is required", fix);
    }
    case "type": {
      const raw = e.params["type"];
      const types = (Array.isArray(raw) ? raw.map(String) : String(raw).split(",")).map(typeWords);
      const words = types.length > 1 ? `${types.slice(0, -1).join(", ")} or ${types.at(-1)}` : (types[0] ?? "");
      return diag(path, base || "(props)", e.data, `must be ${words}`, parent["x-fix"] ?? `pass ${words}`);
    }
    case "enum": {
      const values = e.params["allowedValues"] as unknown[];
      const allowed = values.map((v) => JSON.stringify(v)).join(", ");
      const guess = typeof e.data === "string" ? didYouMean(e.data, values.filter((v): v is string => typeof v === "string")) : undefined;
      return diag(path, base, e.data, "is not an allowed value", guess ? `did you mean ${JSON.stringify(guess)}? Use one of: ${allowed}` : `use one of: ${allowed}`);
    }
    default:
      return diag(path, base || "(props)", e.data, String(e.message), parent["x-fix"] ?? "see docs/constructs.md");
  }
}

function diag(path: string, prop: string, value: unknown, problem: string, fix: string): Diagnostic {
  const d: Diagnostic = { severity: "error", code: "ZS-SHAPE", path, prop, problem, fix };
  return value === undefined ? d : { ...d, value };
}

/** A JSON Schema type in words: "a whole number", "an object", "true or false", "null". */
function typeWords(type: string): string {
  switch (type) {
    case "integer":
      return "a whole number";
    case "object":
      return "an object";
    case "array":
      return "an array";
    case "boolean":
      return "true or false";
    case "null":
      return "null";
    default:
      return `a ${type}`;
  }
}

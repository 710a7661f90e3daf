import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Duration } from "../duration.js";
import type { Diagnostic } from "./diagnostic.js";
import { FUNCTION_PROPS_SCHEMA, POLICY_PROPS_SCHEMA, TRIGGER_PROPS_SCHEMA } from "./shape-schemas.js";

/** The construct kinds whose props have a shape schema. */
export type ShapeKind = "function" | "trigger" | "scalingPolicy";

/** Compiled shape validators for construct props (types and unknown props; ranges are checked in code). */
export interface ShapeChecker {
  /** Diagnostics for every shape problem of `props` (a construct's raw props). */
  check(kind: ShapeKind, path: string, props: unknown): Diagnostic[];
}

/** Compile the shape schemas (ajv, all errors). */
export function createShapeChecker(): ShapeChecker {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  ajv.addKeyword({ keyword: "x-fix", schemaType: "string" });
  const validators: Record<ShapeKind, ValidateFunction> = {
    function: ajv.compile(FUNCTION_PROPS_SCHEMA),
    trigger: ajv.compile(TRIGGER_PROPS_SCHEMA),
    scalingPolicy: ajv.compile(POLICY_PROPS_SCHEMA),
  };
  return {
    check(kind, path, props) {
      const validate = validators[kind];
      if (typeof props !== "object" || props === null || Array.isArray(props)) {
        return [toDiagnostic(path, { keyword: "type", instancePath: "", schemaPath: "#/type", params: { type: "object" }, data: props })];
      }
      const plain = toPlain(props);
      if (validate(plain)) return [];
      return (validate.errors ?? []).map((e) => toDiagnostic(path, e));
    },
  };
}

/** Replace Durations by their strings and drop construct references so the schema sees plain data. */
function toPlain(props: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === "target") continue; // a construct, checked in code
    out[k] = Duration.isDuration(v) ? v.toString() : v;
  }
  return out;
}

function toDiagnostic(path: string, e: ErrorObject): Diagnostic {
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
      return diag(path, join(name), data[name], "is not a known prop", `remove it or use one of: ${allowed.join(", ")}`);
    }
    case "required": {
      const name = String(e.params["missingProperty"]);
      const fix = parent.properties?.[name]?.["x-fix"] ?? `set ${name}`;
      return diag(path, join(name), undefined, "is required", fix);
    }
    case "type": {
      const type = String(e.params["type"]);
      return diag(path, base || "(props)", e.data, `must be ${article(type)}`, parent["x-fix"] ?? `pass ${article(type)}`);
    }
    case "enum": {
      const allowed = (e.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ");
      return diag(path, base, e.data, "is not an allowed value", `use one of: ${allowed}`);
    }
    default:
      return diag(path, base || "(props)", e.data, String(e.message), parent["x-fix"] ?? "see docs/constructs.md");
  }
}

function diag(path: string, prop: string, value: unknown, problem: string, fix: string): Diagnostic {
  const d: Diagnostic = { severity: "error", code: "ZS-SHAPE", path, prop, problem, fix };
  return value === undefined ? d : { ...d, value };
}

function article(type: string): string {
  if (type === "object") return "an object";
  if (type === "array") return "an array";
  if (type === "integer") return "an integer";
  return `a ${type}`;
}

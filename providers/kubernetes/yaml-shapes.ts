/**
 * Typed YAML emitters: a {@link Shape} says what an object looks like (its fields in order, each
 * field's shape), and {@link compileDocument} generates one JavaScript function per shape (as ajv
 * and fast-json-stringify do) that writes a matching value with every key prefix and indent a
 * constant and every property read a direct one, BYTE-IDENTICAL to the generic `toYaml` of
 * ./emit-yaml.ts (it calls the same scalar/key/leaf functions, and `any` is the generic emitter
 * itself). A value that does not match its shape (an unknown or out-of-order key, another type, a
 * non-plain object) makes the function return `undefined`, and the caller falls back to `toYaml` for
 * that document: a shape only ever makes emission faster, never different. The generated source is
 * built from the shape alone (field names are embedded as JSON string literals), never from data.
 */
import { emit, emitInline, key, leaf, scalar } from "./emit-yaml.js";

/** What a value looks like. */
export type Shape =
  | { readonly t: "string" | "number" | "boolean" | "any" }
  | { readonly t: "object"; readonly fields: readonly (readonly [string, Shape])[] }
  | { readonly t: "map"; readonly values: Shape }
  | { readonly t: "array"; readonly items: Shape };

/** A string. */
export const str: Shape = { t: "string" };
/** A number (written as `leaf` writes it). */
export const num: Shape = { t: "number" };
/** A boolean. */
export const bool: Shape = { t: "boolean" };
/** Anything: written by the generic emitter. */
export const any: Shape = { t: "any" };
/** An object with these fields, in this order; any field may be absent (or undefined), none may be extra. */
export const obj = (fields: Readonly<Record<string, Shape>>): Shape => ({ t: "object", fields: Object.entries(fields) });
/** An object with any keys, every value of one shape (labels, annotations). */
export const mapOf = (values: Shape): Shape => ({ t: "map", values });
/** An array of one shape. */
export const arr = (items: Shape): Shape => ({ t: "array", items });
/** A map of strings. */
export const strings: Shape = mapOf(str);

/** A compiled document emitter: the YAML of `doc`, or undefined when `doc` does not match the shape. */
export type DocumentEmitter = (doc: unknown) => string | undefined;

const lit = (s: string) => JSON.stringify(s);

/**
 * Generates one small function per container shape (object, map, array) and indent, each pushing
 * its YAML lines onto `out` and returning false on a mismatch; shapes used in many places (metadata,
 * a container) are one function, called with objects of one hidden class, so each stays small and
 * quick to optimize. Leaf lines are cached per site (the last value and its line), so a value that
 * repeats ("zeroscale", the image, "RuntimeDefault") skips the quoting rules.
 */
class Generator {
  private n = 0;
  private readonly functions: string[] = [];
  private readonly memo = new Map<Shape, Map<string, string>>();
  /** Declarations of the generated functions' caches. */
  private readonly state: string[] = [];

  private fresh(prefix: string): string {
    return `${prefix}${this.n++}`;
  }

  /** Statements appending the YAML of `expr` (already known !== undefined) to `out` after "key:" (block) or "- " (inline). */
  private value(shape: Shape, expr: string, indent: string, inline: boolean): string {
    switch (shape.t) {
      case "string": {
        // A one-entry cache per site: most sites repeat a value ("zeroscale", the image, "RuntimeDefault"), which then skips the quoting rules.
        const last = this.fresh("s");
        this.state.push(`let ${last} = "", ${last}o = " \\"\\"\\n";`);
        return `if (typeof ${expr} !== "string") return undefined; if (${expr} !== ${last}) { ${last} = ${expr}; ${last}o = " " + scalar(${expr}) + "\\n"; } out.push(${last}o);`;
      }
      case "number":
        return `if (typeof ${expr} !== "number") return undefined; out.push(" " + leaf(${expr}) + "\\n");`;
      case "boolean":
        return `if (typeof ${expr} !== "boolean") return undefined; out.push(${expr} ? " true\\n" : " false\\n");`;
      case "any":
        return `${inline ? "emitInline" : "emit"}(${expr}, ${lit(indent)}, out);`;
      default: {
        return `if (!${this.function(shape, indent, inline)}(${expr}, out)) return undefined;`;
      }
    }
  }

  /** The name of the generated function writing a container shape at `indent`. */
  private function(shape: Shape, indent: string, inline: boolean): string {
    const variant = `${inline ? "i" : "b"}${indent.length}`;
    let byVariant = this.memo.get(shape);
    if (!byVariant) this.memo.set(shape, (byVariant = new Map()));
    const known = byVariant.get(variant);
    if (known) return known;
    const name = this.fresh("F");
    byVariant.set(variant, name);
    this.functions.push(`function ${name}(v, out) { ${this.body(shape, indent, inline)} return true; }`);
    return name;
  }

  private body(shape: Shape, indent: string, inline: boolean): string {
    switch (shape.t) {
      case "array": // an array after "- " is written as after "key:", at the same indent (the generic emitter's rule)
        return `if (!Array.isArray(v)) return false; if (v.length === 0) { out.push(" []\\n"); return true; } out.push("\\n");
for (let i = 0; i < v.length; i++) { const x = v[i]; out.push(${lit(`${indent}-`)}); ${this.value(shape.items, "x", `${indent}  `, true)} }`;
      case "map": {
        // The empty map is written " {}": the entries go after a mark, dropped when there are none.
        const prefix = inline ? `(c === 0 ? " " : ${lit(indent)})` : lit(indent);
        const open = `if (!isPlain(v)) return false; const mark = out.length; ${inline ? "" : `out.push("\\n");`} let c = 0;`;
        const close = `if (c === 0) { out.length = mark; out.push(" {}\\n"); }`;
        if (shape.values.t === "string") {
          // Maps of strings (labels, annotations): per key, how it is written and its last value as written.
          const seen = this.fresh("M");
          this.state.push(`const ${seen} = new Map();`);
          return `${open}
for (const k in v) { const x = v[k]; if (x === undefined) continue; if (typeof x !== "string") return false;
let e = ${seen}.get(k); if (e === undefined) { e = { k: key(k) + ":", v: "", o: " \\"\\"\\n" }; if (${seen}.size < 10000) ${seen}.set(k, e); }
if (e.v !== x) { e.v = x; e.o = " " + scalar(x) + "\\n"; } out.push(${prefix} + e.k + e.o); c++; }
${close}`;
        }
        return `${open}
for (const k in v) { const x = v[k]; if (x === undefined) continue; out.push(${prefix} + key(k) + ":"); ${this.value(shape.values, "x", `${indent}  `, false)} c++; }
${close}`;
      }
      case "object": {
        // The object's own keys must be a subsequence of the shape's fields (known, in order).
        const cases = shape.fields.map(([name], idx) => `case ${lit(name)}: if (j > ${idx}) return false; j = ${idx + 1}; break;`).join(" ");
        const fields = shape.fields
          .map(([name, s]) => {
            const x = this.fresh("x");
            const first = lit(` ${key(name)}:`);
            const prefix = lit(`${indent}${key(name)}:`);
            if (s.t === "string" || s.t === "number") {
              // A leaf field is one line, key and value: cached whole per site (strings), else built at once.
              const write = s.t === "string" ? "scalar" : "leaf";
              const check = `if (typeof ${x} !== ${lit(s.t)}) return false;`;
              if (inline) return `{ const ${x} = v[${lit(name)}]; if (${x} !== undefined) { ${check} out.push((f ? ${first} : ${prefix}) + " " + ${write}(${x}) + "\\n"); f = false; } }`;
              if (s.t === "number") return `{ const ${x} = v[${lit(name)}]; if (${x} !== undefined) { ${check} out.push(${prefix} + " " + leaf(${x}) + "\\n"); } }`;
              const last = this.fresh("L");
              this.state.push(`let ${last} = undefined, ${last}o = "";`);
              return `{ const ${x} = v[${lit(name)}]; if (${x} !== undefined) { ${check} if (${x} !== ${last}) { ${last} = ${x}; ${last}o = ${prefix} + " " + scalar(${x}) + "\\n"; } out.push(${last}o); } }`;
            }
            const head = inline ? `out.push(f ? ${first} : ${prefix}); f = false;` : `out.push(${prefix});`;
            return `{ const ${x} = v[${lit(name)}]; if (${x} !== undefined) { ${head} ${this.value(s, x, `${indent}  `, false)} } }`;
          })
          .join("\n");
        return `if (!isPlain(v)) return false; let j = 0, c = 0;
for (const k in v) { if (v[k] === undefined) continue; switch (k) { ${cases} default: return false; } c++; }
if (c === 0) { out.push(" {}\\n"); return true; } ${inline ? "let f = true;" : `out.push("\\n");`}
${fields}`;
      }
      default:
        throw new Error(`zeroscale bug: ${shape.t} is not a container shape`);
    }
  }

  /** The source of a document function: the top level is written like toYaml (keys at column 0, no leading newline, `{}` when empty). */
  document(shape: Shape & { t: "object" }): string {
    const cases = shape.fields.map(([name], idx) => `case ${lit(name)}: if (j > ${idx}) return undefined; j = ${idx + 1}; break;`).join(" ");
    const fields = shape.fields
      .map(([name, s]) => {
        const x = this.fresh("x");
        return `{ const ${x} = v[${lit(name)}]; if (${x} !== undefined) { out.push(${lit(`${key(name)}:`)}); ${this.value(s, x, "  ", false)} } }`;
      })
      .join("\n");
    const doc = `function document(v) {
if (!isPlain(v)) return undefined; let j = 0, c = 0;
for (const k in v) { if (v[k] === undefined) continue; switch (k) { ${cases} default: return undefined; } c++; }
if (c === 0) return "{}\\n";
const out = [];
${fields}
return out.join(""); }`;
    return `${this.state.join("\n")}\n${this.functions.join("\n")}\n${doc}\nreturn document;`;
  }
}

/** True for a plain object (what the generic emitter walks with Object.entries; for-in then sees the same keys). */
function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Compile a top-level object shape into a {@link DocumentEmitter} (the same bytes as `toYaml(doc)`). */
export function compileDocument(shape: Shape & { t: "object" }): DocumentEmitter {
  const source = new Generator().document(shape);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the shape only (see the module comment)
  const make = new Function("scalar", "leaf", "key", "emit", "emitInline", "isPlain", source) as (...deps: unknown[]) => DocumentEmitter;
  return make(scalar, leaf, key, emit, emitInline, isPlain);
}

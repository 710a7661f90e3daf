/**
 * A small, fast YAML emitter for plain JSON data (what manifests are): block style, keys and strings
 * plain when unambiguous under both YAML 1.1 (kubectl) and 1.2, double-quoted (JSON escapes, which
 * YAML accepts) otherwise. About 10x faster than a general YAML library at 10,000 manifests, and the
 * round trip is property-tested against the `yaml` parser.
 */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const AMBIGUOUS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|[eE][-+0-9_.].*|_[-+0-9_.].*)$/;

/** A string as a YAML scalar: plain when unambiguous under YAML 1.1 and 1.2, else double-quoted. */
export function scalar(s: string): string {
  return PLAIN.test(s) && !AMBIGUOUS.test(s) ? s : JSON.stringify(s);
}

/** Keys repeat in every manifest: remember how each is written (bounded, so memory stays flat). */
const keyCache = new Map<string, string>();
/** A mapping key as written (cached). */
export function key(k: string): string {
  let out = keyCache.get(k);
  if (out === undefined) {
    out = scalar(k);
    if (keyCache.size < 10_000) keyCache.set(k, out);
  }
  return out;
}

/** Emit `value` after "key:" (block position); `indent` is the indent of its own keys or items. */
export function emit(value: unknown, indent: string, out: string[]): void {
  // Called for a value that starts a new line (after "key:" or "- ").
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(" []\n");
      return;
    }
    out.push("\n");
    for (const item of value) {
      out.push(`${indent}-`);
      emitInline(item, `${indent}  `, out);
    }
    return;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      out.push(" {}\n");
      return;
    }
    out.push("\n");
    for (const [k, v] of entries) {
      out.push(`${indent}${key(k)}:`);
      emit(v, `${indent}  `, out);
    }
    return;
  }
  out.push(` ${leaf(value)}\n`);
}

/** After "- ": objects continue on the same line, with their first key. */
export function emitInline(value: unknown, indent: string, out: string[]): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      out.push(" {}\n");
      return;
    }
    entries.forEach(([k, v], i) => {
      out.push(i === 0 ? ` ${key(k)}:` : `${indent}${key(k)}:`);
      emit(v, `${indent}  `, out);
    });
    return;
  }
  if (Array.isArray(value)) {
    emit(value, indent, out);
    return;
  }
  out.push(` ${leaf(value)}\n`);
}

/** A non-container value as YAML. */
export function leaf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return scalar(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "null";
    const s = String(value);
    return /e/i.test(s) && !s.includes(".") ? s.replace(/e/i, ".0e") : s; // YAML 1.1 floats need a dot
  }
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** One YAML document for a JSON object. */
export function toYaml(doc: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (v === undefined) continue;
    out.push(`${key(k)}:`);
    emit(v, "  ", out);
  }
  return out.length > 0 ? out.join("") : "{}\n";
}

import type { Checker } from "../validation/checker.js";
import { isLabelValue, labelKeyProblem } from "../validation/patterns.js";

/** Copy of a string map with keys sorted, so output never depends on insertion order. */
export function sortedRecord<T>(record: Readonly<Record<string, T>> | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  if (!record) return out;
  for (const key of Object.keys(record).sort()) out[key] = record[key] as T;
  return out;
}

/** Check a label map; returns it sorted. */
export function checkLabels(c: Checker, prop: string, labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const sorted = sortedRecord(labels);
  for (const [key, value] of Object.entries(sorted)) {
    const problem = labelKeyProblem(key);
    if (problem) c.error("ZS-LABEL-KEY", `${prop}.${key}`, key, problem, 'use a key such as "team" or "example.com/team"');
    else if (!isLabelValue(value))
      c.error("ZS-LABEL-VALUE", `${prop}.${key}`, value, "is not a valid label value", "use at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric");
  }
  return sorted;
}

/** True when `p` is a non-empty relative path (absolute paths would make the graph machine-specific). */
export function isPortableRelativePath(p: string): boolean {
  return p.length > 0 && !p.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(p);
}

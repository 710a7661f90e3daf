import { Duration, describeDurationProblem } from "../duration.js";
import type { Diagnostics } from "./diagnostic.js";

/**
 * Report every invalid Duration (`Duration.seconds(-5)`, `Duration.parse("5 m")`) anywhere in a
 * construct's props as ZS-DURATION, at the construct path and the dotted prop that received it.
 * The factories never throw, so a mistake is reported with every other error instead of aborting
 * the program; the resolvers treat an invalid Duration as already reported.
 */
export function checkDurations(diags: Diagnostics, path: string, props: unknown): void {
  walk(props, "", 0, (prop, d) => {
    const problem = d.problem;
    if (!problem) return;
    const words = describeDurationProblem(problem);
    diags.error("ZS-DURATION", path, prop || "(props)", problem.input, words.problem, words.fix);
  });
}

function walk(v: unknown, prop: string, depth: number, visit: (prop: string, d: Duration) => void): void {
  if (Duration.isDuration(v)) return visit(prop, v);
  if (depth > 32 || typeof v !== "object" || v === null) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => walk(x, prop ? `${prop}.${i}` : String(i), depth + 1, visit));
    return;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype && depth > 0) return; // constructs and class instances
  for (const [k, x] of Object.entries(v)) {
    if (depth === 0 && k === "target") continue;
    walk(x, prop ? `${prop}.${k}` : k, depth + 1, visit);
  }
}

/** True when `actual` contains `expected`: objects by their listed keys (recursively), arrays element-wise, RegExps by test, the rest by Object.is. */
export function matchesSubset(actual: unknown, expected: unknown): boolean {
  if (expected instanceof RegExp) return typeof actual === "string" && expected.test(actual);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matchesSubset(actual[i], e));
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null) return false;
    return Object.entries(expected).every(([k, v]) => matchesSubset((actual as Record<string, unknown>)[k], v));
  }
  return Object.is(actual, expected);
}

/** How much of `expected` `actual` matches (to pick the closest candidate for a failure diff). */
export function subsetScore(actual: unknown, expected: unknown): number {
  if (typeof expected !== "object" || expected === null || expected instanceof RegExp) return matchesSubset(actual, expected) ? 1 : 0;
  if (typeof actual !== "object" || actual === null) return 0;
  let score = 0;
  for (const [k, v] of Object.entries(expected)) score += subsetScore((actual as Record<string, unknown>)[k], v);
  return score;
}

/** `actual` reduced to the keys `expected` names (recursively): a readable left side for diffs. */
export function pick(actual: unknown, expected: unknown): unknown {
  if (typeof expected !== "object" || expected === null || expected instanceof RegExp || typeof actual !== "object" || actual === null) return actual;
  if (Array.isArray(expected)) return Array.isArray(actual) ? actual.map((a, i) => pick(a, expected[i])) : actual;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(expected)) out[k] = pick((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]);
  return out;
}

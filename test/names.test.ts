import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveName, MAX_WORKLOAD_NAME } from "zeroscale";
import { DNS1035_LABEL, sanitizeLabel } from "../lib/names.js";

const pathArb = fc.array(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes("/")), { minLength: 1, maxLength: 8 }).map((parts) => parts.join("/"));

describe("deriveName", () => {
  it("reads as the path plus a short hash", () => {
    expect(deriveName("shop/api")).toMatch(/^shop-api-[0-9a-f]{8}$/);
    expect(deriveName("Shop/API_v2")).toMatch(/^shop-api-v2-[0-9a-f]{8}$/);
  });

  it("keeps the most specific end of long paths", () => {
    const name = deriveName(`${"platform/".repeat(10)}checkout-api`);
    expect(name.length).toBeLessThanOrEqual(MAX_WORKLOAD_NAME);
    expect(name).toMatch(/checkout-api-[0-9a-f]{8}$/);
  });

  it("never starts with a digit", () => {
    expect(deriveName("1st/fn")).toMatch(/^z1st-fn-/);
    expect(deriveName("///")).toMatch(/^z[0-9a-f]{8}$/);
  });

  it("is always a DNS-1035 label within the limit (property)", () => {
    fc.assert(
      fc.property(pathArb, fc.integer({ min: 12, max: 63 }), (path, max) => {
        const name = deriveName(path, max);
        expect(name).toMatch(DNS1035_LABEL);
        expect(name.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 500 },
    );
  });

  it("is stable and tells distinct paths apart, even ones that sanitize alike (property)", () => {
    expect(sanitizeLabel("a-b/c")).toBe(sanitizeLabel("a/b-c"));
    expect(deriveName("a-b/c")).not.toBe(deriveName("a/b-c"));
    fc.assert(
      fc.property(pathArb, pathArb, (a, b) => {
        expect(deriveName(a)).toBe(deriveName(a));
        if (a !== b) expect(deriveName(a)).not.toBe(deriveName(b));
      }),
      { numRuns: 500 },
    );
  });
});

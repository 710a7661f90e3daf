import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { toYaml } from "../providers/kubernetes/emit-yaml.js";

const normalize = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("the manifest YAML emitter", () => {
  it("round-trips any JSON object through YAML 1.2 and YAML 1.1 (kubectl) parsers (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (doc) => {
        const text = toYaml(doc);
        expect(normalize(parse(text))).toEqual(normalize(doc));
        expect(normalize(parse(text, { version: "1.1" }))).toEqual(normalize(doc));
      }),
      { numRuns: 3000 },
    );
  });

  it("quotes what YAML 1.1 would misread, and leaves names plain", () => {
    expect(toYaml({ a: "on", b: "yes", c: "8080", d: "1e3", e: "app.kubernetes.io/name", f: "/hello", g: 0.5, h: 1e-7 })).toBe(
      'a: "on"\nb: "yes"\nc: "8080"\nd: "1e3"\ne: app.kubernetes.io/name\nf: /hello\ng: 0.5\nh: 1.0e-7\n',
    );
    expect(toYaml({ list: [{ x: 1, y: [] }, [1, 2], {}], empty: {} })).toBe("list:\n  - x: 1\n    \"y\": []\n  -\n    - 1\n    - 2\n  - {}\nempty: {}\n");
  });
});

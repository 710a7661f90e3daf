// Regenerates the docs that are rendered from code: `npm run docs`.
import { writeFileSync } from "node:fs";
import { renderBackendsDoc } from "../providers/capabilities-doc.js";
import { renderPolicyDoc } from "../lib/policy/render.js";

writeFileSync(new URL("../docs/policy.md", import.meta.url), renderPolicyDoc());
writeFileSync(new URL("../docs/backends/README.md", import.meta.url), renderBackendsDoc());
console.log("wrote docs/policy.md and docs/backends/README.md");

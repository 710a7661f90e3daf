// Regenerates the docs that are rendered from code: `npm run docs`.
import { writeFileSync } from "node:fs";
import { renderCliDoc } from "../cli/reference.js";
import { renderBackendsDoc } from "../providers/capabilities-doc.js";
import { renderEventsDoc } from "../lib/events/render.js";
import { renderPolicyDoc } from "../lib/policy/render.js";

writeFileSync(new URL("../docs/policy.md", import.meta.url), renderPolicyDoc());
writeFileSync(new URL("../docs/backends/README.md", import.meta.url), renderBackendsDoc());
writeFileSync(new URL("../docs/cli.md", import.meta.url), renderCliDoc());
writeFileSync(new URL("../docs/events.md", import.meta.url), renderEventsDoc());
console.log("wrote docs/policy.md, docs/backends/README.md, docs/cli.md and docs/events.md");

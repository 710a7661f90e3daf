import { renderCapabilityTable } from "../lib/index.js";
import { BACKEND_NAMES, BACKENDS } from "./registry.js";

/** docs/backends/README.md, rendered from each registered backend's capability table (a test keeps it in sync). */
export function renderBackendsDoc(): string {
  const backends = BACKEND_NAMES.map((name) => ({ name, ...BACKENDS[name] }));
  const links = backends.map((b) => `[${b.title}](${b.doc})`).join(", ");
  return `# Backends

<!-- Generated from the backends' capability tables by \`npm run docs\`; test/docs-generated.test.ts fails when it drifts. -->

One app, every backend: ${links}, and the local
runtime ([zeroscale dev](../local-runtime.md)). Each backend states, for every capability, whether it
honours it, maps it approximately, or cannot do it. Synth reports each approximate use as a warning
and each unsupported one as an error, naming the construct path (codes in [policy.md](../policy.md)).

${renderCapabilityTable(backends)}
`;
}

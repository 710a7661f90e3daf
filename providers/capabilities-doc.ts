import { renderCapabilityTable } from "../lib/index.js";
import { docker } from "./docker/index.js";
import { keda } from "./keda/index.js";
import { knative } from "./knative/index.js";

/** docs/backends/README.md, rendered from each backend's capability table (a test keeps it in sync). */
export function renderBackendsDoc(): string {
  return `# Backends

<!-- Generated from the backends' capability tables by \`npm run docs\`; test/docs-generated.test.ts fails when it drifts. -->

One app, every backend: [Knative](knative.md), [KEDA](keda.md), [Docker](docker.md), and the local
runtime ([zeroscale dev](../local-runtime.md)). Each backend states, for every capability, whether it
honours it, maps it approximately, or cannot do it. Synth reports each approximate use as a warning
and each unsupported one as an error, naming the construct path (codes in [policy.md](../policy.md)).

${renderCapabilityTable([knative(), keda(), docker()])}
`;
}

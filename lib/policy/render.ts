import { CHECKS } from "./catalog.js";

/** docs/policy.md, rendered from the check catalog (a test keeps the file in sync). */
export function renderPolicyDoc(): string {
  const rows = CHECKS.map((c) => `| \`${c.code}\` | ${c.severity} | ${c.scope} | ${c.doc.replace(/\|/g, "\\|")} |`);
  return `# Policy and validation checks

<!-- Generated from lib/policy/catalog.ts by \`npm run docs\`; test/docs-generated.test.ts fails when it drifts. -->

zeroscale checks at synth, on your machine, what engines only check at apply time. Every finding
names the construct path, the prop, the value and a fix:

\`\`\`
shop/api/scaling: maxInstances (2) is below minInstances (5); set maxInstances >= 5 or lower minInstances.
\`\`\`

- **Errors** stop synth (\`ValidationError\`, or \`BackendError\` for what a backend cannot honour).
- **Warnings** are reported and kept in the graph (\`graph.warnings\`) and the plans.
  \`zeroscale synth --strict\` and \`zeroscale validate --strict\` turn them into errors.
- **Suppressions**: \`suppress(construct, "ZS-POLICY-IMAGE-LATEST", "pinned by the release pipeline")\`
  silences one check on a construct and everything under it. The reason is required and appears in
  the output (\`graph.suppressed\`, the synth summary). Warnings and \`ZS-POLICY-*\` checks can be
  suppressed; validation errors cannot (\`ZS-SUPPRESS-NOT-ALLOWED\`).
- Opt-in checks: \`new App({ name, policy: { requireImageDigest: true } })\`.

Security defaults that cannot be turned off, so have no check: every pod and container zeroscale emits
has resource requests and limits, is never privileged and never uses the host network on Kubernetes.

| id | severity | applies to | what it catches |
|---|---|---|---|
${rows.join("\n")}
`;
}

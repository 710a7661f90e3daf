import { Cron } from "croner";
import type { GraphNode, ScalingPolicyNode } from "../graph/types.js";
import type { Diagnostics } from "../validation/diagnostic.js";

/** App-level policy switches. */
export interface PolicyOptions {
  /** Require every image to be pinned by digest (`@sha256:...`). @default false */
  readonly requireImageDigest?: boolean;
}

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|ACCESS_?KEY)/i;
const CREDENTIAL_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

/** Synth-time policy checks over resolved nodes (validation has already checked each prop). */
export function runPolicyChecks(diags: Diagnostics, nodes: readonly GraphNode[], options: PolicyOptions = {}): void {
  // A function whose source is already an error (two sources, a bad reference) gets no image advice.
  const badSource = new Set(diags.list("error").filter((d) => d.code === "ZS-FN-SOURCE" || d.code === "ZS-FN-IMAGE").map((d) => d.path));
  for (const n of nodes) {
    if (n.kind === "function") {
      if (n.source.type === "image" && !badSource.has(n.id)) {
        const ref = n.source.image;
        const lastPart = ref.split("/").pop() ?? ref;
        const tag = lastPart.includes("@") ? undefined : lastPart.split(":")[1];
        if (!ref.includes("@") && (tag === undefined || tag === "latest")) {
          diags.warn("ZS-POLICY-IMAGE-LATEST", n.id, "image", ref, tag ? "uses the mutable latest tag" : "has no tag (it means latest)", "pin a version tag, e.g. :1.4.2, or a digest");
        }
        if (options.requireImageDigest && !ref.includes("@sha256:")) {
          diags.warn("ZS-POLICY-IMAGE-DIGEST", n.id, "image", ref, "is not pinned by digest", "append @sha256:<digest> (the app's policy.requireImageDigest asks for it)");
        }
      }
      for (const [name, value] of Object.entries(n.env)) {
        if (CREDENTIAL_URL.test(value) || (SECRET_NAME.test(name) && value.length > 0)) {
          const shown = CREDENTIAL_URL.test(value) ? value.replace(/\/\/[^@]*@/, "//***@") : "***";
          diags.error("ZS-POLICY-SECRET-IN-ENV", n.id, `env.${name}`, shown, "looks like a secret passed as a plain value, which would be written into every manifest and plan", `move it to secrets: { ${name}: { secret: "<store>", key: "<key>" } }`);
        }
      }
      for (const setting of n.security.relaxed) {
        diags.warn("ZS-POLICY-SECURITY-RELAXED", n.id, `security.${setting}`, setting === "allowPrivilegeEscalation", `relaxes the Pod Security Standards "restricted" profile`, "keep the default, or suppress this check with the reason");
      }
    } else if (n.kind === "scalingPolicy" && n.schedule.length > 1) {
      checkBaselines(diags, n);
    }
  }
}

/** Baselines whose active periods overlap within the next week with different minimums. */
function checkBaselines(diags: Diagnostics, p: ScalingPolicyNode): void {
  const from = new Date(Date.UTC(2030, 0, 7)); // a fixed Monday: the check must not depend on today
  const to = new Date(from.getTime() + 7 * 86_400_000);
  const periods = p.schedule.map((b) => activePeriods(b.start, b.end, b.timezone, from, to));
  for (let i = 0; i < p.schedule.length; i++) {
    for (let j = i + 1; j < p.schedule.length; j++) {
      const a = p.schedule[i] as ScalingPolicyNode["schedule"][number];
      const b = p.schedule[j] as ScalingPolicyNode["schedule"][number];
      if (a.minInstances === b.minInstances) continue;
      const overlap = (periods[i] ?? []).some(([s1, e1]) => (periods[j] ?? []).some(([s2, e2]) => s1 < e2 && s2 < e1));
      if (overlap) {
        diags.warn("ZS-POLICY-BASELINE-OVERLAP", p.id, `schedule.${j}`, { start: b.start, end: b.end, minInstances: b.minInstances }, `overlaps schedule.${i} (minInstances ${a.minInstances}) with a different minimum; the higher one wins while both are on`, "make the periods disjoint, or give them the same minInstances");
      }
    }
  }
}

function activePeriods(start: string, end: string, timezone: string, from: Date, to: Date): [number, number][] {
  const starts = new Cron(start, { paused: true, timezone }).nextRuns(200, from).filter((d) => d < to);
  const ender = new Cron(end, { paused: true, timezone });
  return starts.map((s) => [s.getTime(), (ender.nextRun(s) ?? to).getTime()]);
}

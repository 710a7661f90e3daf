// The data planes the fault suite runs against: the Node data plane always; HAProxy when haproxy is on
// this machine (a laptop without it skips that half; under CI=true a missing haproxy fails loudly).
import { findHaproxy } from "../../runtime/gateway/planes.js";

export const hasHaproxy = findHaproxy() !== undefined;
if (process.env["CI"] === "true" && !hasHaproxy) {
  throw new Error("CI=true but haproxy is not installed: .ci/run must apt-get install haproxy (the HAProxy data plane's fault suite)");
}

/** Each data plane of the suite, and whether it runs here. */
export const PLANES = [
  { plane: "node", runs: true },
  { plane: "haproxy", runs: hasHaproxy },
] as const;

export type PlaneName = (typeof PLANES)[number]["plane"];

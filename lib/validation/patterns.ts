/** Patterns of names the engines accept, each with the words used in messages. */

/** A Kubernetes object name (DNS-1123 subdomain), e.g. a Secret's. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A key inside a Secret. */
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** An environment variable name (C identifier). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The name part of a label key, and a non-empty label value. */
export const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** A container image reference: [host[:port]/]path[:tag][@digest]. */
export const IMAGE_REF =
  /^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;
/** A URL path: starts with "/", no spaces, no "//". */
export const URL_PATH = /^\/(?:[A-Za-z0-9._~!$&'()*+,;=:@%-]+(?:\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*)?$/;
/** A host name, lowercase. */
export const HOST_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Environment variables the platforms set themselves. */
export const RESERVED_ENV = ["PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION"] as const;
/** Ports Knative's queue-proxy and its metrics use inside every pod. */
export const RESERVED_PORTS = [8012, 8013, 8022, 9090, 9091] as const;

/** Why a label key is invalid, or undefined when it is valid. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return "has a prefix that is not a DNS subdomain";
  if (prefix === "zeroscale.dev" || prefix?.endsWith(".zeroscale.dev")) return "uses the reserved zeroscale.dev prefix";
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) return "is not a valid label name (63 characters at most: alphanumerics, '-', '_', '.')";
  return undefined;
}

/** True for a valid label value. */
export function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && LABEL_NAME.test(value));
}

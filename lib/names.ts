import { createHash } from "node:crypto";

/** Longest name zeroscale derives for a workload: Knative appends `-00001` style revision suffixes (and more) to a Service name, keeping the result under 63. */
export const MAX_WORKLOAD_NAME = 49;
/** A DNS-1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS-1035 label (what a Kubernetes Service name must be): a DNS-1123 label that starts with a letter. */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const HASH_LEN = 8;

/** First `HASH_LEN` hex digits of the SHA-256 of `text`. */
export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, HASH_LEN);
}

/** Lowercase, non-alphanumerics to '-', runs collapsed, no leading or trailing '-'. */
export function sanitizeLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * The stable DNS-1123 name of the construct at `path` ("shop/api" -> "shop-api-1a2b3c4d").
 *
 * The readable part is the sanitized path, cut from the front so the most specific part stays; the
 * hash of the full path keeps distinct paths distinct even when they sanitize alike ("a-b/c" and
 * "a/b-c"). The result is always a DNS-1035 label (so also DNS-1123) of at most `maxLength`
 * characters; a path that would start with a digit gets a leading "z".
 */
export function deriveName(path: string, maxLength: number = MAX_WORKLOAD_NAME): string {
  const hash = shortHash(path);
  const room = maxLength - HASH_LEN - 1;
  let readable = sanitizeLabel(path);
  if (readable.length > room) readable = readable.slice(readable.length - room).replace(/^-+/, "");
  if (/^[0-9]/.test(readable)) readable = `z${readable.slice(0, room - 1)}`.replace(/-+$/, "");
  return readable.length > 0 ? `${readable}-${hash}` : `z${hash}`;
}

import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

/**
 * Hop-by-hop headers (RFC 9110 7.6.1): they describe one connection, so a proxy never forwards
 * them, neither to the instance nor back to the client. Any header a Connection (or the obsolete
 * Proxy-Connection) header names is hop-by-hop too.
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];

const HOP = new Set(HOP_BY_HOP_HEADERS);

/** The header names a Connection header value lists (lower case), e.g. "keep-alive, x-foo" -> keep-alive, x-foo. */
export function connectionTokens(value: string | readonly string[] | number | undefined): string[] {
  if (value === undefined || typeof value === "number") return [];
  const values = typeof value === "string" ? [value] : value;
  return values.flatMap((v) => v.split(",")).map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0);
}

/** `headers` without the hop-by-hop ones (the fixed list plus every name Connection / Proxy-Connection lists). */
export function stripHopByHop(headers: IncomingHttpHeaders | Readonly<Record<string, string | string[] | number | undefined>>): Record<string, string | string[]> {
  const named = new Set([...connectionTokens(headers["connection"]), ...connectionTokens(headers["proxy-connection"])]);
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const k = key.toLowerCase();
    if (HOP.has(k) || named.has(k)) continue;
    out[key] = typeof value === "number" ? String(value) : value;
  }
  return out;
}

/** Whether the client asked to close the connection after this response (`Connection: close`, or HTTP/1.0 without keep-alive). */
export function wantsClose(req: IncomingMessage): boolean {
  const tokens = connectionTokens(req.headers.connection);
  if (tokens.includes("close")) return true;
  return req.httpVersion === "1.0" && !tokens.includes("keep-alive");
}

/**
 * Request-smuggling checks on the parsed header block, as defence in depth: Node's parser (llhttp,
 * strict mode) already refuses Content-Length together with Transfer-Encoding, a duplicate or
 * malformed Content-Length, a Transfer-Encoding other than a final `chunked`, and obs-fold
 * (continuation) lines before a request reaches the gateway (test/edge.process.test.ts proves each
 * with a raw socket). What it lets through and is checked here: more than one Host header. Returns
 * the problem, or undefined when the headers are acceptable.
 */
export function headerProblem(req: IncomingMessage): string | undefined {
  let host = 0;
  let length = 0;
  let encoding = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    if (name === "host") host++;
    else if (name === "content-length") length++;
    else if (name === "transfer-encoding") encoding++;
  }
  if (host > 1) return "more than one Host header";
  if (length > 1) return "more than one Content-Length header";
  if (length > 0 && encoding > 0) return "both Content-Length and Transfer-Encoding";
  return undefined;
}

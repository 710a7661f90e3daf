import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** HTTP helpers of the gateway's edge: JSON answers, bounded body reads, free loopback ports. */

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

const EMPTY = Buffer.alloc(0);

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large" | "aborted"> {
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) {
    req.resume(); // no body (the common GET): nothing to wait for
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      req.resume();
      resolve("too-large");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve("too-large");
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("aborted", () => resolve("aborted"));
    req.on("error", () => resolve("aborted"));
  });
}

/**
 * The total of request bodies the gateway holds in memory at once (bodies are buffered so a request
 * can wait at zero and be retried): each request reserves its bytes as they arrive and gives them
 * back when its response is done.
 */
export class BodyBudget {
  private used = 0;
  private readonly held = new WeakMap<object, number>();

  constructor(readonly limit: number) {}

  /** Bytes reserved now. */
  get bytes(): number {
    return this.used;
  }

  /** Reserve `n` more bytes for `owner`; false (nothing reserved) when that would pass the limit. */
  reserve(owner: object, n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    this.held.set(owner, (this.held.get(owner) ?? 0) + n);
    return true;
  }

  /** Give back everything `owner` holds (idempotent). */
  release(owner: object): void {
    const n = this.held.get(owner) ?? 0;
    this.used -= n;
    this.held.delete(owner);
  }
}

/** A body read under the limits, or why not: over the per-request limit, over the total budget, or the client went away. */
export type BoundedBody = Buffer | "too-large" | "over-budget" | "aborted";

/**
 * Read a request body of at most `limit` bytes, reserving each chunk in `budget` (released by the
 * caller with `budget.release(req)` once the request is done). On "too-large" / "over-budget" the
 * rest of the body is left unread: drain it with {@link drainBody} before answering.
 */
export function readBoundedBody(req: IncomingMessage, limit: number, budget: BodyBudget): Promise<BoundedBody> {
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) {
    req.resume();
    return Promise.resolve(EMPTY);
  }
  const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
  if (declared !== undefined && declared > limit) return Promise.resolve("too-large");
  // A declared length is reserved whole, up front (so concurrent uploads cannot all start and pass
  // the budget together) and read into one buffer of that size (no second copy); a chunked body
  // reserves each chunk as it arrives.
  if (declared !== undefined && !budget.reserve(req, declared)) return Promise.resolve("over-budget");
  return new Promise((resolve) => {
    const whole = declared !== undefined ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (result: BoundedBody) => {
      req.off("data", onData);
      req.pause();
      resolve(result);
    };
    const onData = (c: Buffer) => {
      if (size + c.length > limit) return stop("too-large");
      if (whole) {
        if (size + c.length > whole.length) return stop("too-large"); // more than declared: the parser forbids it
        c.copy(whole, size);
      } else if (budget.reserve(req, c.length)) chunks.push(c);
      else return stop("over-budget");
      size += c.length;
    };
    req.on("data", onData);
    req.on("end", () => resolve(whole ? whole.subarray(0, size) : Buffer.concat(chunks, size)));
    req.on("aborted", () => resolve("aborted"));
    req.on("error", () => resolve("aborted"));
  });
}

/**
 * Read and discard the rest of a request body, up to `maxBytes` (the request timeout bounds the
 * time): true when the body ended, so the answer can be read by a client still uploading and the
 * connection could be kept; false when it was longer (the caller answers and closes).
 */
export function drainBody(req: IncomingMessage, maxBytes: number): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  const declared = Number(req.headers["content-length"] ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(false);
  return new Promise((resolve) => {
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        req.off("data", onData);
        req.pause();
        resolve(false);
      }
    };
    req.on("data", onData);
    req.on("end", () => resolve(true));
    req.on("aborted", () => resolve(false));
    req.on("error", () => resolve(false));
    req.resume();
  });
}

/** A free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

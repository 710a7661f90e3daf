// The events example's worker: the same handler on every backend. The runner passes the event,
// normalised (zeroscale/events), as the second argument: `type`, `source`, `id` (the idempotency key),
// `data` decoded the same way whatever delivered it. An image function would call parseEvent(request).
import { appendFileSync } from "node:fs";

/** Ids already done: a real worker keeps these next to its side effect (a database row, a unique key). */
const done = new Set();

/**
 * @param {Request} request
 * @param {import("zeroscale/events").EventContext} context
 * @returns {Promise<Response>}
 */
export async function handler(request, { event }) {
  if (request.method === "GET") return new Response("ok\n"); // readiness (GET /)
  if (!event) return new Response("expected an event\n", { status: 400 });
  const order = event.data;
  if (order?.fail === "always") return new Response(`cannot process order ${order.order}\n`, { status: 500 });
  const duplicate = done.has(event.idempotencyKey);
  done.add(event.idempotencyKey);
  if (process.env.SEEN_FILE) appendFileSync(process.env.SEEN_FILE, `${JSON.stringify({ id: event.id, kind: event.kind, broker: event.broker, type: event.type, source: event.source, subject: event.subject, data: order, duplicate, failure: event.failure })}\n`);
  return new Response(null, { status: 204 });
}

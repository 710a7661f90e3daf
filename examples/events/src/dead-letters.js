// Receives the events the worker failed on every attempt, with the failure (event.failure).
import { appendFileSync } from "node:fs";

/**
 * @param {Request} request
 * @param {import("zeroscale/events").EventContext} context
 * @returns {Promise<Response>}
 */
export async function handler(request, { event }) {
  if (request.method === "GET") return new Response("ok\n"); // readiness (GET /)
  if (!event) return new Response("expected an event\n", { status: 400 });
  if (process.env.SEEN_FILE) appendFileSync(process.env.SEEN_FILE, `${JSON.stringify({ deadLetter: true, id: event.id, data: event.data, failure: event.failure })}\n`);
  return new Response(null, { status: 204 });
}

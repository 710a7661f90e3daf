// The orders API: POST /orders appends the order to a Redis stream (XADD) with a tiny RESP client,
// GET /orders reports the stream length; the nightly schedule arrives as a CloudEvent.
import { connect } from "node:net";

function resp(args) {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** Send one command to Redis and return its first reply line. */
function redis(url, args) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    let data = "";
    socket.setTimeout(5000, () => socket.destroy(new Error("redis timeout")));
    socket.on("connect", () => socket.write(resp(args)));
    socket.on("data", (chunk) => {
      data += chunk;
      const end = data.indexOf("\r\n", data.startsWith("$") ? data.indexOf("\r\n") + 2 : 0);
      if (end >= 0) {
        socket.end();
        if (data.startsWith("-")) reject(new Error(data.slice(1, data.indexOf("\r\n"))));
        else resolve(data.startsWith("$") ? data.split("\r\n")[1] : data.slice(1, data.indexOf("\r\n")));
      }
    });
    socket.on("error", reject);
  });
}

export async function handler(request) {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const stream = process.env.ORDERS_STREAM ?? "orders";
  if (request.headers.get("ce-type") === "dev.zeroscale.schedule" || request.headers.get("ce-type") === "dev.knative.sources.ping") {
    const length = await redis(url, ["XLEN", stream]);
    return Response.json({ task: "reconcile", pending: Number(length) });
  }
  if (request.method === "GET") return Response.json({ stream, length: Number(await redis(url, ["XLEN", stream])) });
  const order = await request.json().catch(() => undefined);
  if (!order || typeof order !== "object") return Response.json({ error: "send a JSON order" }, { status: 400 });
  const id = await redis(url, ["XADD", stream, "*", "data", JSON.stringify(order)]);
  return Response.json({ queued: id }, { status: 202 });
}

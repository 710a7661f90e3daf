// The orders worker: each stream entry arrives as a binary-mode CloudEvent (ce-* headers, body = data).
export async function handler(request) {
  if (request.method !== "POST") return new Response("send CloudEvents with POST\n", { status: 405 });
  const type = request.headers.get("ce-type");
  const id = request.headers.get("ce-id");
  if (!type || !id) return new Response("not a CloudEvent: ce-type and ce-id are required\n", { status: 400 });
  const order = await request.json();
  // Real work would go here: charge, reserve stock, notify.
  console.log(JSON.stringify({ msg: "order processed", id, type, order }));
  return new Response(null, { status: 204 });
}

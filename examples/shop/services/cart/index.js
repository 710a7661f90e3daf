// The cart service: a Fetch-style handler. DATABASE_URL comes from a secret store, never from the code.
export async function handler(request) {
  const url = new URL(request.url);
  return Response.json({ service: process.env.SERVICE ?? "cart", path: url.pathname, database: process.env.DATABASE_URL ? "configured" : "missing" });
}

// The hello function: a Fetch-style handler, the shape Hono, Workers and Deno use.
export async function handler(request) {
  const url = new URL(request.url);
  const name = url.searchParams.get("name") ?? "world";
  const greeting = process.env.GREETING ?? "hello";
  return new Response(JSON.stringify({ message: `${greeting}, ${name}` }), {
    headers: { "content-type": "application/json" },
  });
}

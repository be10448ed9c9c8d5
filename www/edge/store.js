// A KV namespace for workerd: the service a `kvNamespace` binding sends its requests to (GET, PUT and DELETE
// on /<key>?urlencoded=true, GET /?prefix=&cursor= to list), kept in memory and seeded from the SEED binding
// (profiles.json). The edge Workers share it, as the isolates of a deployment share a KV namespace; its
// socket lets tests and the demo write profiles with the same protocol.

/** @type {Map<string, string> | null} */
let map = null;
const PAGE = 1000;

export default {
  /** @param {Request} request @param {{ SEED?: Record<string, unknown> }} env */
  async fetch(request, env) {
    map ??= new Map(Object.entries(env.SEED ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const url = new URL(request.url);
    const key = url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : "";
    if (request.method === "GET" && key === "") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const names = [...map.keys()].filter((k) => k.startsWith(prefix)).sort();
      const start = Number(url.searchParams.get("cursor") ?? 0) || 0;
      const page = names.slice(start, start + PAGE);
      const complete = start + PAGE >= names.length;
      return Response.json({ keys: page.map((name) => ({ name })), list_complete: complete, ...(complete ? {} : { cursor: String(start + PAGE) }) });
    }
    if (!key) return new Response("a key is required\n", { status: 400 });
    switch (request.method) {
      case "GET": {
        const value = map.get(key);
        return value === undefined ? new Response(null, { status: 404 }) : new Response(value);
      }
      case "PUT":
        map.set(key, await request.text());
        return new Response(null, { status: 200 });
      case "DELETE":
        map.delete(key);
        return new Response(null, { status: 200 });
      default:
        return new Response("method not allowed\n", { status: 405 });
    }
  },
};

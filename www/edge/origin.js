// The origin of the demo: a static shop page with offer slots and their fallback content. A second workerd
// service, so that the edge Worker fetches its pages through a service binding, as it would fetch a real
// origin, with no network.
import page from "demo.html";

export default {
  /** @param {Request} request */
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/" || pathname === "/index.html") {
      return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    if (pathname === "/robots.txt") return new Response("User-agent: *\nDisallow:\n", { headers: { "content-type": "text/plain" } });
    return new Response("not found\n", { status: 404, headers: { "content-type": "text/plain" } });
  },
};

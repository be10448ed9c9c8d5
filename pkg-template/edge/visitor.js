// What a page request says about its visitor: the customer id (a cookie or a header) and the device.

/**
 * The customer id of a page request: the `nextoffer_id` cookie, else the `x-nextoffer-customer` header.
 * @param {Request} request
 * @returns {string | null}
 */
export function defaultIdentify(request) {
  const cookie = request.headers.get("cookie") ?? "";
  const match = /(?:^|;\s*)nextoffer_id=([^;]+)/.exec(cookie);
  if (match?.[1]) {
    try {
      return decodeURIComponent(match[1]);
    } catch {
      return null;
    }
  }
  return request.headers.get("x-nextoffer-customer");
}

/** @param {Request} request */
export function deviceOf(request) {
  const hint = request.headers.get("sec-ch-ua-mobile");
  if (hint === "?1") return "mobile";
  return /Mobi|Android|iPhone/i.test(request.headers.get("user-agent") ?? "") ? "mobile" : "desktop";
}


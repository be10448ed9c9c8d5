// HTTP plumbing of the edge handler: JSON bodies read under a size limit, and every failure answered as
// `{ "error": { "code", "message", "path" } }` with a 4xx for what the client sent and a 5xx for ours.

/** An error with the HTTP status and the stable code it is answered with. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string} [path] the JSON path of the offending field, when there is one
   */
  constructor(status, code, message, path) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.path = path;
    /** @type {Record<string, unknown> | undefined} more fields of the error body */
    this.extra = undefined;
  }
}

/**
 * @param {number} status
 * @param {unknown} body
 * @param {HeadersInit} [headers]
 */
export function json(status, body, headers) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** @param {HttpError} err */
export function errorResponse(err) {
  const error = { code: err.code, message: err.message, ...(err.path !== undefined ? { path: err.path } : {}) };
  const headers = err.status === 405 ? { allow: "POST" } : undefined;
  return json(err.status, { error, ...err.extra }, headers);
}

/**
 * The request body parsed as JSON, refusing bodies over `maxBytes` before reading them when the length is
 * declared, and while reading them when it is not (a chunked body cannot lie its way past the limit).
 * @param {Request} request
 * @param {number} maxBytes
 * @returns {Promise<any>}
 */
export async function readJson(request, maxBytes) {
  const type = request.headers.get("content-type");
  if (type && !/^application\/([\w.+-]*\+)?json\b/i.test(type) && !/^text\/plain\b/i.test(type)) {
    throw new HttpError(415, "unsupported-media-type", `expected application/json, got ${type}`);
  }
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) throw new HttpError(400, "invalid-json", "the body is empty");
  // A declared length within the limit: the runtime's own reader (native in workerd) is the fast path.
  // (The HTTP layer holds the body to its declared length; the check after reading covers a Request built in
  // process with a wrong header.)
  if (Number.isInteger(declared) && declared >= 0) {
    const text = await request.text();
    if (text.length > maxBytes) throw tooLarge(maxBytes);
    return parse(text);
  }
  const reader = request.body.getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "invalid-json", "the body is not UTF-8");
  }
  return parse(text);
}

/** @param {string} text */
function parse(text) {
  if (text.trim() === "") throw new HttpError(400, "invalid-json", "the body is empty");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "invalid-json", `the body is not JSON: ${err instanceof Error ? err.message : err}`);
  }
}

/** @param {number} maxBytes */
function tooLarge(maxBytes) {
  return new HttpError(413, "body-too-large", `the body is larger than ${maxBytes} bytes`);
}

/**
 * The HTTP error for a failure of a decide or record call: the engine's own errors (an `Error` with a `code`
 * and a `path`) are the client's fault, except a trap; an unknown placement gets its own code.
 * @param {unknown} err
 * @returns {HttpError}
 */
export function engineError(err) {
  if (err instanceof HttpError) return err;
  const e = /** @type {{ code?: unknown, path?: unknown, message?: unknown }} */ (err);
  if (err instanceof Error && typeof e.code === "string") {
    const path = typeof e.path === "string" ? e.path : undefined;
    const code = e.code === "invalid-request" && path === "context.placement" ? "unknown-placement" : e.code;
    return new HttpError(400, code, err.message, path);
  }
  return new HttpError(500, "internal", err instanceof Error ? err.message : String(err));
}

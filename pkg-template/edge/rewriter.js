// Slot personalization of an HTML stream, in two implementations with one behaviour: Cloudflare's
// HTMLRewriter where the runtime has it (workerd, Workers), and elsewhere (Node, Deno, Vercel edge) a small
// streaming tokenizer that recognises tags, comments and raw-text elements well enough to find
// `<tag data-nextoffer-slot="name">` and its matching end tag. Either way, the content of a slot is replaced
// only when `fill` resolves markup; when it resolves `null` or throws, the origin's fallback content stays.

/**
 * Resolves the markup of a slot, or `null` to keep its fallback content.
 * @typedef {(slot: string, attributes: Record<string, string>) => Promise<string | null>} FillSlot
 */

/** Elements whose content is text to the tokenizer: a `<div` inside a script is not a tag. */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"]);
const SLOT_ATTRIBUTE = "data-nextoffer-slot";
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/**
 * Rewrites the slots of an HTML response, with HTMLRewriter when the runtime provides it.
 * @param {Response} response an HTML response (UTF-8)
 * @param {FillSlot} fill
 * @returns {Response}
 */
export function rewriteSlots(response, fill) {
  const Rewriter = /** @type {any} */ (globalThis).HTMLRewriter;
  if (typeof Rewriter === "function") {
    return new Rewriter()
      .on(`[${SLOT_ATTRIBUTE}]`, {
        /** @param {any} element */
        async element(element) {
          /** @type {Record<string, string>} */
          const attributes = {};
          for (const [name, value] of element.attributes) attributes[name] = value;
          const markup = await fill(attributes[SLOT_ATTRIBUTE] ?? "", attributes).catch(() => null);
          if (markup !== null) element.setInnerContent(markup, { html: true });
        },
      })
      .transform(response);
  }
  if (!response.body) return response;
  const body = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(slotTransform(fill))
    .pipeThrough(new TextEncoderStream());
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * The streaming fallback: a TransformStream of HTML text that fills the slots.
 * @param {FillSlot} fill
 * @returns {TransformStream<string, string>}
 */
export function slotTransform(fill) {
  let pending = "";
  /** Inside a raw-text element: the end tag that closes it. */
  let rawEnd = "";
  /** Inside a replaced slot: its tag name and how deep the same tag nests. */
  let skip = /** @type {{ tag: string, depth: number } | null} */ (null);

  /**
   * Consumes as much of `pending` as is complete; with `final`, the rest too.
   * @param {(text: string) => void} emit
   * @param {boolean} final
   */
  async function pump(emit, final) {
    let i = 0;
    const out = (/** @type {string} */ text) => {
      if (!skip && text) emit(text);
    };
    while (i < pending.length) {
      if (rawEnd) {
        const end = pending.toLowerCase().indexOf(rawEnd, i);
        if (end < 0) {
          // Keep a tail that could be the start of the end tag.
          const keep = final ? pending.length : Math.max(i, pending.length - rawEnd.length);
          out(pending.slice(i, keep));
          i = keep;
          break;
        }
        out(pending.slice(i, end));
        i = end;
        rawEnd = "";
        continue;
      }
      const lt = pending.indexOf("<", i);
      if (lt < 0) {
        out(pending.slice(i));
        i = pending.length;
        break;
      }
      out(pending.slice(i, lt));
      i = lt;
      const token = readToken(pending, lt);
      if (token === null) {
        if (final) {
          out(pending.slice(lt));
          i = pending.length;
        }
        break;
      }
      const text = pending.slice(lt, token.end);
      i = token.end;
      if (token.kind !== "start" && token.kind !== "end") {
        out(text);
        continue;
      }
      if (skip) {
        if (token.name === skip.tag && token.kind === "start" && !token.selfClosing) skip.depth++;
        if (token.name === skip.tag && token.kind === "end" && --skip.depth === 0) {
          skip = null;
          out(text);
        } else if (token.kind === "start" && RAW_TEXT.has(token.name) && !token.selfClosing) {
          rawEnd = `</${token.name}`;
        }
        continue;
      }
      out(text);
      if (token.kind === "end") continue;
      if (RAW_TEXT.has(token.name) && !token.selfClosing) {
        rawEnd = `</${token.name}`;
        continue;
      }
      const slot = token.attributes[SLOT_ATTRIBUTE];
      if (slot === undefined || token.selfClosing) continue;
      const markup = await fill(slot, token.attributes).catch(() => null);
      if (markup !== null) {
        out(markup);
        skip = { tag: token.name, depth: 1 };
      }
    }
    pending = pending.slice(i);
  }

  return new TransformStream({
    async transform(chunk, controller) {
      pending += chunk;
      await pump((text) => controller.enqueue(text), false);
    },
    async flush(controller) {
      await pump((text) => controller.enqueue(text), true);
      // A slot left open by a truncated page: its replaced content was already sent, nothing more to close.
    },
  });
}

/**
 * @typedef {object} Token
 * @property {"start" | "end" | "comment" | "other"} kind
 * @property {number} end the index after the token
 * @property {string} name the tag name, lower case
 * @property {boolean} selfClosing
 * @property {Record<string, string>} attributes
 */

/**
 * Reads the markup token that starts at `text[at] === "<"`, or `null` when it is not complete yet.
 * @param {string} text
 * @param {number} at
 * @returns {Token | null}
 */
function readToken(text, at) {
  const none = { name: "", selfClosing: false, attributes: {} };
  if (text.startsWith("<!--", at)) {
    const close = text.indexOf("-->", at + 4);
    return close < 0 ? null : { kind: "comment", end: close + 3, ...none };
  }
  if (at + 1 >= text.length) return null;
  const next = text[at + 1] ?? "";
  if (next === "!" || next === "?") {
    const close = text.indexOf(">", at);
    return close < 0 ? null : { kind: "other", end: close + 1, ...none };
  }
  const isEnd = next === "/";
  const nameStart = isEnd ? at + 2 : at + 1;
  if (nameStart >= text.length) return null;
  if (!/[a-zA-Z]/.test(text[nameStart] ?? "")) return { kind: "other", end: at + 1, ...none }; // a lone "<"
  // The end of the tag: the first ">" outside a quoted attribute value.
  let quote = "";
  let end = -1;
  for (let j = nameStart; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ">") {
      end = j;
      break;
    }
  }
  if (end < 0) return null;
  const inner = text.slice(nameStart, end);
  const name = (/^[^\s/>]+/.exec(inner)?.[0] ?? "").toLowerCase();
  /** @type {Record<string, string>} */
  const attributes = {};
  if (!isEnd) {
    for (const match of inner.slice(name.length).matchAll(ATTRIBUTE)) {
      const key = (match[1] ?? "").toLowerCase();
      if (key && !(key in attributes)) attributes[key] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? "");
    }
  }
  return { kind: isEnd ? "end" : "start", end: end + 1, name, selfClosing: !isEnd && inner.endsWith("/"), attributes };
}

/** The few character references an attribute value of a slot would use. */
function decodeEntities(/** @type {string} */ value) {
  if (!value.includes("&")) return value;
  return value
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

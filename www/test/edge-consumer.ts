// A TypeScript consumer of `nextoffer/edge`, type-checked in strict mode by `tsc --noEmit -p www/test` (never
// run): a complete Worker, a Node store, and the type-level checks that the hand-written declarations are exact.

import { createHandler, escapeHtml, keys, memoryStore, rewriteSlots, type EdgeErrorBody, type EdgeHandler, type ProfileStore } from "nextoffer/edge";
import type { Decision } from "nextoffer";
import { preinitialize, withMemory } from "nextoffer/edge/preinit";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

interface Env {
  PROFILES: ProfileStore;
  MODEL: string;
}

const handler: EdgeHandler = createHandler({
  model: (env) => (env as Env).MODEL,
  profiles: "PROFILES",
  origin: "https://shop.example",
  slots: { hero: { placement: "home", limit: 1 } },
  render: (decision: Decision, where) => (decision.offers[0] ? `<b>${escapeHtml(decision.offers[0].title)}</b> in ${where.slot}` : null),
  limits: { bodyBytes: 32_768, events: 50 },
  state: { flushEveryMs: 5_000, syncEveryMs: 30_000 },
});

export default { fetch: (request: Request, env: Env, ctx: { waitUntil(p: Promise<unknown>): void }) => handler.fetch(request, env, ctx) };

const store = memoryStore([[keys.profile("c-1"), JSON.stringify({ attributes: { plan: "pro" } })]]);
export const local = createHandler({ model: { offers: [] }, profiles: store, state: false });
export const rewritten: Response = rewriteSlots(new Response("<div data-nextoffer-slot=\"hero\"></div>"), async (slot) => (slot === "hero" ? "<b>x</b>" : null));

export type Checks = [
  Assert<Equal<ReturnType<EdgeHandler["fetch"]>, Promise<Response>>>,
  Assert<Equal<Awaited<ReturnType<ProfileStore["get"]>>, string | null>>,
  Assert<Equal<EdgeErrorBody["error"]["path"], string | undefined>>,
];

// The build step that pre-initializes the engine's module with a static model (Node, at build time).
export const preinitialized: Promise<Uint8Array> = preinitialize(new Uint8Array(0), { wasm: new Uint8Array(0) });
export const rewrittenModule: Uint8Array = withMemory(new Uint8Array(0), new Uint8Array(0));

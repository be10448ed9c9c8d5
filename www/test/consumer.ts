// A TypeScript consumer of the package, type-checked in strict mode by `tsc --noEmit -p www/test` (never run).
// It resolves `nextoffer` through the package's exports map like an installed copy, and proves that the
// generated declarations carry the domain types: every call below is checked, and the type-level assertions
// fail to compile if a result were `any` or a wrong shape.

import initNode, {
  Engine,
  evalCondition,
  hash,
  version,
  type Customer,
  type Decision,
  type DecideForRequest,
  type DecideRequest,
  type FeedbackEvent,
  type LearnedState,
  type Model,
  type NextofferError,
  type RankedOffer,
} from "nextoffer";
import init, { Engine as WebEngine } from "nextoffer/web";
import { Engine as FullEngine } from "nextoffer/full";

type IsAny<T> = 0 extends 1 & T ? true : false;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

export type Checks = [
  Assert<Equal<IsAny<ReturnType<Engine["decide"]>>, false>>,
  Assert<Equal<ReturnType<Engine["decide"]>, Decision>>,
  Assert<Equal<ReturnType<Engine["decideJson"]>, string>>,
  Assert<Equal<ReturnType<Engine["exportState"]>, LearnedState>>,
  Assert<Equal<Parameters<Engine["decide"]>[0], DecideRequest>>,
  Assert<Equal<ReturnType<typeof evalCondition>, boolean>>,
  Assert<Equal<ReturnType<typeof hash>, number | undefined>>,
  Assert<Equal<IsAny<Decision["offers"][number]["factors"]>, false>>,
  Assert<Equal<NextofferError["path"], string>>,
];

const model: Model = {
  version: 1,
  currency: "JPY",
  savedGroups: { vip: ["c1", "c2"] },
  contextWeights: { placement: { cart: 1.2 }, channel: { email: 0.8 }, device: { mobile: 1.1 } },
  priors: { accepts: 1, impressions: 20 },
  policies: [
    { id: "offer-cap", scope: "offer", max: 3, periodDays: 7 },
    { id: "pause-after-ignores", scope: "ignores", ignores: 2, windowDays: 14, pauseDays: 30 },
  ],
  controlGroup: { share: 0.05, seed: "control" },
  offers: [
    {
      id: "o1",
      title: "Barista grinder",
      kind: "upsell",
      category: "coffee",
      productId: "p42",
      price: 32000,
      value: 8000,
      placements: ["cart", "product"],
      startDate: "2026-01-01",
      endDate: "2026-12-31",
      condition: { plan: { $in: ["pro", "team"] }, visits: { $gte: 3 } },
      lever: 1,
      requires: ["p1"],
    },
  ],
};

const request: DecideRequest = {
  customer: {
    id: "c1",
    attributes: { plan: "pro", visits: 5 },
    purchases: [{ productId: "p1", category: "coffee", date: "2026-01-02", amount: 1200 }],
    owned: ["p1"],
    contacts: [{ offerId: "o1", event: "impression", at: "2026-11-20T10:00:00Z", placement: "cart" }],
  },
  context: { placement: "cart", now: "2026-11-23T10:00:00Z", device: "mobile", locale: "ja-JP" },
  limit: 3,
  seed: 42,
};

export function topOffer(engine: Engine): { id: string; score: number; propensity: number } | undefined {
  const decision: Decision = engine.decide(request);
  const first: RankedOffer | undefined = decision.offers[0];
  if (first === undefined) return undefined;
  return { id: first.id, score: first.score, propensity: first.factors.propensity };
}

// A prepared customer: the profile read once, each call carrying the context and the contacts.
export function prepared(engine: Engine): string[] {
  using customer: Customer = engine.customer({ id: "c1", attributes: { plan: "pro" }, owned: ["p1"] });
  const perCall: DecideForRequest = { customer: { contacts: [] }, context: request.context, limit: 3 };
  return engine.decideFor(customer, perCall).offers.map((o) => o.id);
}

export function learn(engine: Engine, decision: Decision): LearnedState {
  const event: FeedbackEvent = { type: "click", offerId: "o1", decisionId: decision.decisionId };
  engine.record(event);
  const state = engine.exportState();
  engine.importState(state);
  return state;
}

export function describeError(err: unknown): string {
  if (err instanceof Error && "code" in err) {
    const e = err as NextofferError;
    const code: "invalid-json" | "invalid-model" | "invalid-request" | "invalid-event" | "invalid-state" | "unknown-offer" =
      e.code;
    return `${code} at ${e.path}: ${e.message}`;
  }
  return String(err);
}

export function scoped(): number {
  using engine = new Engine(JSON.stringify(model));
  const answer: string = engine.decideJson(JSON.stringify(request));
  return answer.length + engine.offerCount;
}

export const audience: boolean = evalCondition({ plan: { $in: ["pro"] } }, { plan: "pro" }, {});
export const audienceWithoutGroups: boolean = evalCondition({ plan: "pro" }, { plan: "pro" });
export const grouped: boolean = evalCondition({ id: { $inGroup: "vip" } }, { id: "c1" }, { vip: ["c1"] });
export const bucket: number | undefined = hash("seed", "c1", 2);
export const packageVersion: string = version();

// Code written for the browser (`await init()` first) type-checks against the Node entry too.
export async function anywhere(): Promise<WebAssembly.Memory> {
  const exports = await initNode();
  return exports.memory;
}

// The web entry needs its Wasm fetched first; then it is the same API.
export async function inBrowser(): Promise<number> {
  await init();
  const engine = new WebEngine(model);
  return engine.decide(request).offers.length;
}

// Wrong inputs do not compile.
export function rejected(engine: Engine): void {
  // @ts-expect-error: a decide request needs a context with `now`
  engine.decide({ customer: { id: "c1" } });
  // @ts-expect-error: an offer kind is one of the six kinds
  const wrongKind: Model = { offers: [{ id: "x", kind: "discount" }] };
  // @ts-expect-error: hash takes a numeric version
  hash("seed", "c1", "2");
  void wrongKind;
}

export { model, request };

// Recommendations (nextoffer/insight): results are typed, sources and reason codes are unions.
import { Recommender, lift, type RecommendedItem, type OfferLift } from "nextoffer/insight";

export function recommendations(csv: string): [RecommendedItem[], OfferLift[]] {
  const rec = Recommender.fromOrders(csv, { basket: "order", neighbours: 20, ladder: { maxJump: 3 } });
  const items = rec.recommend({ cart: ["kettle"], history: ["filter", { item: "mug", date: "2025-01-01" }], limit: 5 });
  const source: "cross_sell" | "upsell" | "affinity" | "popular" | undefined = items[0]?.source;
  const together: number | undefined = rec.similar("kettle", 5)[0]?.together;
  const conviction: number | null | undefined = rec.rules({ minSupport: 0.01, maxLength: 2 })[0]?.conviction;
  const bytes: Uint8Array = rec.save();
  const again = Recommender.load(bytes);
  again.free();
  rec.free();
  void source, together, conviction;
  // @ts-expect-error: a source is one of four
  const wrong: RecommendedItem["source"] = "bundle";
  void wrong;
  return [items, lift([{ offerId: "o1", variant: "treatment", event: "exposure" }])];
}

// The widget (nextoffer/widget): the element's properties, typed events and the script tag's command queue.
import {
  configure,
  define,
  WidgetStore,
  type ErrorEventDetail,
  type NextofferCommand,
  type NextofferOffers,
  type OfferEventDetail,
} from "nextoffer/widget";

export type WidgetChecks = [
  Assert<Equal<HTMLElementTagNameMap["nextoffer-offers"], NextofferOffers>>,
  Assert<Equal<NextofferOffers["decision"], Decision | null>>,
  Assert<Equal<ReturnType<WidgetStore["load"]>, { learned: LearnedState | null; contacts: { offerId: string; event: "impression" | "click" | "accept" | "dismiss" | "purchase"; at: string; placement?: string; decisionId?: string }[] } | null>>,
];

export function widget(host: HTMLElement): NextofferOffers {
  define();
  const el = document.createElement("nextoffer-offers");
  el.placement = "cart";
  el.limit = 3;
  el.model = model;
  el.customer = { id: "c1", attributes: { segment: "gold" } };
  el.cart = ["kettle"];
  el.consent = true;
  el.addEventListener("nextoffer-click", (event) => {
    const detail: OfferEventDetail = event.detail;
    if (detail.offer.link?.startsWith("/")) event.preventDefault();
  });
  el.addEventListener("nextoffer-error", (event) => {
    const code: ErrorEventDetail["code"] = event.detail.code;
    void code;
  });
  // @ts-expect-error: limit is a number
  el.limit = "3";
  configure({ consent: true, locale: "ja-JP", model: "/demo/model.json" });
  const queue: NextofferCommand[] = [["consent", true], ["cart", ["mug"]], (api) => void api.version];
  window.nextoffer = queue;
  // @ts-expect-error: an unknown command does not compile
  const wrongCommand: NextofferCommand = ["discount", 10];
  void wrongCommand;
  host.append(el);
  return el;
}

// A saved recommender attached to the engine (the full build: the browser build leaves it out for size):
// options are typed, the answer is the item count.
export function attach(engine: FullEngine, web: WebEngine, bytes: Uint8Array): number {
  // @ts-expect-error: the browser build has no attachRecommender
  web.attachRecommender(bytes);
  const items: number = engine.attachRecommender(bytes, { crossSellWeight: 1, upsellOffers: 2, placements: ["cart"] });
  // @ts-expect-error: placements are names
  engine.attachRecommender(bytes, { placements: "cart" });
  return items;
}

// The demo shop: a product page and a cart around the <nextoffer-offers> widget, with the shop's own cart and
// consent choice in localStorage (the host's storage, not the widget's). The catalog is the demo model's
// offers (www/demo/model.json). Loaded with `defer`, before or after the widget's script: the commands go
// through the `window.nextoffer` queue either way.

const CART_KEY = "coffee-shop:cart";
const CONSENT_KEY = "coffee-shop:consent";
// Made at the first price shown, once the catalog has arrived: the page's first Intl formatter costs the
// renderer ICU's start-up (20 to 60 ms on the busy test machine), which need not hold up this script's run.
/** @type {Intl.NumberFormat | null} */
let yenFormat = null;
const yen = (amount) => (yenFormat ??= new Intl.NumberFormat("ja-JP", { style: "currency", currency: "JPY" })).format(amount);

window.nextoffer = window.nextoffer || [];
const queue = (...command) => window.nextoffer.push(command);

function readCart() {
  try {
    const cart = JSON.parse(localStorage.getItem(CART_KEY) ?? "[]");
    return Array.isArray(cart) ? cart.filter((id) => typeof id === "string") : [];
  } catch {
    return [];
  }
}
function writeCart(cart) {
  localStorage.setItem(CART_KEY, JSON.stringify(cart));
  renderCartCount(cart);
}
function renderCartCount(cart) {
  const count = document.getElementById("cart-count");
  if (count) count.textContent = String(cart.length);
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

async function catalog() {
  // Without credentials, this request never takes the page's preload of the model, which is there for the
  // widget: whichever script runs first, the widget gets the preloaded copy and need not wait for a second.
  const model = await (await fetch("/demo/model.json", { credentials: "omit" })).json();
  return new Map(model.offers.map((offer) => [offer.id, offer]));
}

function consentBanner() {
  // A stored "granted" was already sent by shop-queue.js.
  if (localStorage.getItem(CONSENT_KEY) !== null) return;
  const banner = el(
    "section",
    { class: "consent", "aria-label": "データ利用への同意" },
    el("p", {}, "おすすめを良くするため、閲覧とクリックの記録をこの端末にだけ保存します。送信はしません。"),
    el("button", { class: "primary", type: "button", onclick: () => decide("granted") }, "同意する"),
    el("button", { class: "secondary", type: "button", onclick: () => decide("denied") }, "同意しない"),
  );
  function decide(value) {
    localStorage.setItem(CONSENT_KEY, value);
    if (value === "granted") queue("consent", true);
    banner.remove();
  }
  document.body.append(banner);
}

// What the engine has learned, from the decision each widget renders: impressions, clicks, estimated rate.
function learnedPanel() {
  const body = document.getElementById("learned-rows");
  if (!body) return;
  const show = (decision) => {
    const rows = decision.offers.map((offer) =>
      el(
        "tr",
        {},
        el("td", {}, offer.title),
        el("td", { class: "num" }, String(offer.propensity.impressions)),
        el("td", { class: "num" }, String(offer.propensity.successes)),
        el("td", { class: "num" }, `${(offer.propensity.posterior * 100).toFixed(1)}%`),
        el("td", { class: "num" }, offer.score.toFixed(0)),
      ),
    );
    body.replaceChildren(...rows);
  };
  document.addEventListener("nextoffer-render", (event) => show(event.detail.decision));
  // The widget's script is async and fetched first, so the widget may have rendered before this deferred
  // script ran: show the decision it has on display.
  const widget = document.querySelector("nextoffer-offers");
  if (widget?.decision) show(widget.decision);
}

async function productPage(products) {
  const id = new URLSearchParams(location.search).get("id") ?? "espresso-machine";
  const product = products.get(id) ?? products.get("espresso-machine");
  const slot = document.getElementById("product");
  document.title = `${product.title} | 珈琲舎 nextoffer`;
  slot.replaceChildren(
    el("img", { src: product.image, alt: product.title, width: "240", height: "240" }),
    el(
      "div",
      {},
      el("h1", {}, product.title),
      el("p", { class: "muted" }, product.description ?? ""),
      el("p", { class: "price" }, yen(product.price)),
      el("button", {
        class: "primary",
        type: "button",
        onclick: (event) => {
          const cart = readCart();
          cart.push(product.id);
          writeCart(cart);
          queue("cart", [...cart, product.id]);
          event.target.textContent = "カートに追加しました";
        },
      }, "カートに入れる"),
    ),
  );
}

function cartPage(products) {
  const list = document.getElementById("cart-lines");
  const total = document.getElementById("cart-total");
  const render = () => {
    const cart = readCart();
    if (!cart.length) {
      list.replaceChildren(el("li", {}, el("span", {}, ""), el("span", {}, "カートは空です"), el("span"), el("span")));
      total.textContent = "";
      return;
    }
    list.replaceChildren(
      ...cart.map((id, index) => {
        const product = products.get(id);
        return el(
          "li",
          {},
          el("img", { src: product?.image ?? "", alt: "", width: "64", height: "64" }),
          el("a", { href: `/shop/product.html?id=${encodeURIComponent(id)}` }, product?.title ?? id),
          el("span", {}, yen(product?.price ?? 0)),
          el("button", {
            class: "secondary",
            type: "button",
            "aria-label": `${product?.title ?? id}を削除`,
            onclick: () => {
              cart.splice(index, 1);
              writeCart(cart);
              queue("cart", cart);
              render();
            },
          }, "削除"),
        );
      }),
    );
    total.textContent = `合計 ${yen(cart.reduce((sum, id) => sum + (products.get(id)?.price ?? 0), 0))}`;
  };
  document.getElementById("checkout").addEventListener("click", () => {
    const cart = readCart();
    if (!cart.length) return;
    queue("purchase", cart);
    writeCart([]);
    queue("cart", []);
    render();
    document.getElementById("thanks").hidden = false;
  });
  render();
}

// Consent withdrawn: the widget removes what it stored, and the banner asks again on the next page.
function forgetButton() {
  document.getElementById("forget")?.addEventListener("click", () => {
    queue("forget");
    localStorage.removeItem(CONSENT_KEY);
    location.reload();
  });
}

async function main() {
  renderCartCount(readCart());
  forgetButton();
  learnedPanel();
  consentBanner();
  const products = await catalog();
  if (document.getElementById("product")) await productPage(products);
  if (document.getElementById("cart-lines")) cartPage(products);
}

main().catch((err) => console.error("shop:", err));

// The demo shop's first commands to the widget, run synchronously in <head> before the widget's script can
// load, so the very first decision already has the visitor's consent and cart: the cart (the shop's own, in
// localStorage) plus, on a product page, the product in view, which is then not offered, while its accessories
// (offers that require it) become eligible.
window.nextoffer = window.nextoffer || [];
(function () {
  var cart = [];
  try {
    var stored = JSON.parse(localStorage.getItem("coffee-shop:cart") || "[]");
    if (Array.isArray(stored)) cart = stored.filter(function (id) { return typeof id === "string"; });
    if (localStorage.getItem("coffee-shop:consent") === "granted") window.nextoffer.push(["consent", true]);
  } catch (err) {
    // storage blocked: no cart, no consent
  }
  if (location.pathname.endsWith("/product.html")) {
    cart.push(new URLSearchParams(location.search).get("id") || "espresso-machine");
  }
  window.nextoffer.push(["cart", cart]);
})();

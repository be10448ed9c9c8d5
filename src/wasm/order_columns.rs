//! `Recommender.fromOrders` on an array of order objects: a JavaScript walk reads the objects once and hands
//! Wasm their columns ([`crate::recommend::OrderColumns`]) instead of their `JSON.stringify` text.
//!
//! On MovieLens' 55,375 order objects the text cost about 21 ms to write and as long again to read back in
//! Wasm. The walk takes only what the JSON text would hold, read the way `JSON.stringify` reads it: own
//! enumerable keys of plain objects (one read each), `undefined`, functions and symbols dropped, NaN and
//! ±Infinity as `null`. Whatever it cannot carry with that certainty it leaves to the JSON text path,
//! which then behaves exactly as before: not an array, an element that is not a plain object, a `toJSON`
//! method, a known key holding a boolean, an object or a BigInt, another key holding an object or a BigInt
//! (only the text can say whether it serialises), or anything that throws (a getter, a proxy trap). So the
//! rows, and every error with its path, are those of the text; the Rust side validates them with the same
//! code (`www/test/recommend.test.mjs` compares both paths on generated hostile orders).

use js_sys::{Float64Array, JsString, Uint32Array};
use wasm_bindgen::prelude::*;

use super::convert::{error, utf8};
use crate::recommend::OrderColumns;

#[wasm_bindgen(inline_js = r#"
// Field order and reference codes: src/recommend/order_columns.rs.
const FIELDS = 7;
const NO_VALUE = 0xffffffff;
const NUMBER = 0x80000000;
// The JSON text of more rows would be longer than V8's longest string: the text path reports that.
const MAX_ROWS = 1 << 27;

export function orderColumns(orders) {
  try {
    return walk(orders);
  } catch {
    // A getter or a proxy trap threw: the text path calls it again and reports what it throws.
    return undefined;
  }
}

// JSON.stringify drops these values (and the key with them).
const dropped = (v) => v === undefined || typeof v === "function" || typeof v === "symbol";

function walk(orders) {
  if (!Array.isArray(orders) || typeof orders.toJSON === "function") return undefined;
  // for-in, which reads keys without allocating an array per object, also lists inherited enumerable keys.
  for (const _ in Object.prototype) return undefined;
  const n = orders.length;
  if (n > MAX_ROWS) return undefined;
  // Room grows with the rows walked: a sparse array of a huge length, whose first element already sends
  // it to the text path, costs no more than a small one.
  let refs = new Uint32Array(Math.min(n, 1024) * FIELDS).fill(NO_VALUE);
  const numbers = [];
  const names = [];
  // A dictionary object: about 15% less time than a Map over the whole walk (MovieLens, Node 20).
  const index = Object.create(null);
  // The last string of each field and its name: exports repeat a date or a customer row after row.
  const lastText = new Array(FIELDS).fill(undefined);
  const lastRef = new Array(FIELDS).fill(0);
  const name = (field, v) => {
    if (v === lastText[field]) return lastRef[field];
    let ref = index[v];
    if (ref === undefined) {
      ref = names.length;
      names.push(v);
      index[v] = ref;
    }
    lastText[field] = v;
    lastRef[field] = ref;
    return ref;
  };
  // A field stays NO_VALUE when absent, null, or a number JSON writes as null; -0 written as JSON is 0.
  const put = (at, field, v) => {
    if (typeof v === "string") refs[at + field] = name(field, v);
    else if (typeof v === "number" && Number.isFinite(v)) refs[at + field] = NUMBER + numbers.push(v + 0) - 1;
  };
  for (let i = 0; i < n; i++) {
    const o = orders[i];
    if (typeof o !== "object" || o === null || Array.isArray(o) || typeof o.toJSON === "function") return undefined;
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) return undefined;
    let customerId, customer_id, date, productId, product_id, orderId, order_id, quantity, amount, category;
    for (const key in o) {
      const v = o[key];
      switch (key) {
        case "customerId": customerId = v; break;
        case "customer_id": customer_id = v; break;
        case "date": date = v; break;
        case "productId": productId = v; break;
        case "product_id": product_id = v; break;
        case "orderId": orderId = v; break;
        case "order_id": order_id = v; break;
        case "quantity": quantity = v; break;
        case "amount": amount = v; break;
        case "category": category = v; break;
        default:
          if (typeof v === "bigint" || (typeof v === "object" && v !== null)) return undefined;
          continue;
      }
      // The columns carry a known key's string, number, null or dropped value; anything else is the text's.
      const type = typeof v;
      if (type === "boolean" || type === "bigint" || (type === "object" && v !== null)) return undefined;
    }
    // A camelCase key the text would hold, even null, hides its snake_case twin.
    const at = i * FIELDS;
    if (at === refs.length) {
      const grown = new Uint32Array(Math.min(n, 2 * i) * FIELDS).fill(NO_VALUE);
      grown.set(refs);
      refs = grown;
    }
    put(at, 0, dropped(customerId) ? customer_id : customerId);
    if (date !== undefined) put(at, 1, date);
    put(at, 2, dropped(productId) ? product_id : productId);
    if (orderId !== undefined || order_id !== undefined) put(at, 3, dropped(orderId) ? order_id : orderId);
    if (quantity !== undefined) put(at, 4, quantity);
    if (amount !== undefined) put(at, 5, amount);
    if (category !== undefined) put(at, 6, category);
  }
  return { names: names.join(","), lengths: Uint32Array.from(names, (s) => s.length), refs, numbers: new Float64Array(numbers) };
}
"#)]
extern "C" {
    /// What the walk hands over.
    type Columns;

    #[wasm_bindgen(js_name = orderColumns)]
    fn walk(orders: &JsValue) -> JsValue;

    #[wasm_bindgen(method, getter)]
    fn names(this: &Columns) -> JsString;

    #[wasm_bindgen(method, getter)]
    fn lengths(this: &Columns) -> Uint32Array;

    #[wasm_bindgen(method, getter)]
    fn refs(this: &Columns) -> Uint32Array;

    #[wasm_bindgen(method, getter)]
    fn numbers(this: &Columns) -> Float64Array;
}

/// `orders` as columns, or `None` when the walk leaves them to the JSON text path (see the module docs).
pub fn order_columns(orders: &JsValue) -> Result<Option<OrderColumns>, JsValue> {
    let columns = walk(orders);
    if columns.is_undefined() {
        return Ok(None);
    }
    let columns: Columns = columns.unchecked_into();
    OrderColumns::new(
        utf8(&columns.names())?,
        &columns.lengths().to_vec(),
        columns.refs().to_vec(),
        columns.numbers().to_vec(),
    )
    .map(Some)
    .map_err(|e| error("invalid-orders", "orders", &e.to_string()))
}

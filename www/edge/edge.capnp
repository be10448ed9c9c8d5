# workerd config of the demo edge Worker (`make run`, the tests and the load benchmark start it through
# launch.mjs, which bundles worker.js into dist/ first and can move the sockets and swap the model):
#
#   http     127.0.0.1:8787  the edge Worker: /v1/decide, /v1/events, and the origin's pages personalized
#   http-b   127.0.0.1:8788  a second instance of the same Worker (its own isolate), sharing the KV namespace
#   store    127.0.0.1:8789  the KV namespace itself (KV's HTTP protocol), to write profiles
#
#   node www/edge/launch.mjs         (or: node www/edge/build.mjs && workerd serve www/edge/edge.capnp)
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "edge", worker = .edgeWorker),
    (name = "edge-b", worker = .edgeWorker),
    (name = "origin", worker = .originWorker),
    (name = "store", worker = .storeWorker),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:8787", http = (), service = "edge"),
    (name = "http-b", address = "127.0.0.1:8788", http = (), service = "edge-b"),
    (name = "store", address = "127.0.0.1:8789", http = (), service = "store"),
  ],
);

const edgeWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "dist/worker.js"),
    (name = "nextoffer_bg.wasm", wasm = embed "dist/nextoffer_bg.wasm"),
    (name = "demo-model.json", data = embed "../../tests/spec/models/coffee-shop.json"),
  ],
  compatibilityDate = "2025-09-01",
  bindings = [
    (name = "STORE", kvNamespace = "store"),
    (name = "ORIGIN", service = "origin"),
    (name = "ADMIN_TOKEN", fromEnvironment = "NEXTOFFER_ADMIN_TOKEN"),
  ],
);

const originWorker :Workerd.Worker = (
  modules = [
    (name = "origin.js", esModule = embed "origin.js"),
    (name = "demo.html", text = embed "demo.html"),
  ],
  compatibilityDate = "2025-09-01",
);

const storeWorker :Workerd.Worker = (
  modules = [(name = "store.js", esModule = embed "store.js")],
  compatibilityDate = "2025-09-01",
  bindings = [(name = "SEED", json = embed "profiles.json")],
);

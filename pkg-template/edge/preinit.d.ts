// `nextoffer/edge/preinit`: pre-initializes the engine's Wasm module with a model at build time (Node).

/**
 * The workerd entry's Wasm module (`server/nextoffer_bg.wasm`) with `model` loaded into its memory: written over
 * the bundle's copy of that file, every isolate starts with the engine loaded and the handler of
 * `nextoffer/edge`, given the same bytes as its `model`, takes it instead of parsing the model. Throws what
 * `Engine.fromBytes` throws for a model it rejects.
 * @param model the model's JSON as UTF-8 bytes, exactly the bytes the Worker passes as `model`
 * @param options `wasm`: another module to pre-initialize (its glue must be the package's server glue)
 */
export function preinitialize(model: Uint8Array, options?: { wasm?: Uint8Array }): Promise<Uint8Array>;

/**
 * `wasm` with its data segments replaced by the non-zero runs of `memory`, and its memory's minimum size by
 * `memory`'s. Throws for a module with passive data segments or more than one memory.
 */
export function withMemory(wasm: Uint8Array, memory: Uint8Array): Uint8Array;

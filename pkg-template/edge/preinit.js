// `nextoffer/edge/preinit`: a build step (Node) that pre-initializes the engine's Wasm module with a model, as
// Wizer does for Wasm programs. It instantiates the module, loads the model into it (`preloadModel`), and
// writes the instance's memory back into the module as its data segments. Every isolate instantiated from the
// result starts with the engine loaded: `Engine.preloaded(modelBytes)` hands it out (the handler of
// `nextoffer/edge` asks for it first), where `Engine.fromBytes` would parse the model again.
//
// Why: in a fresh isolate V8 runs new Wasm on its baseline compiler, compiling each function on its first call,
// and optimizes hot functions in background threads that compete with the first request on a small machine.
// Loading the 500-offer bench model is then about 45 ms of an 84 ms cold start (8 ms once optimized); with the
// model preloaded, the isolate skips that work. The price is size: the module carries the loaded model's heap
// (for the bench model 1.1 MB raw, 0.26 MB gzipped, against 0.13 MB for the module alone), and it must be
// rebuilt when the model changes (a different model is detected and loaded the usual way).
//
//   import { preinitialize } from "nextoffer/edge/preinit";
//   writeFileSync("dist/nextoffer_bg.wasm", await preinitialize(readFileSync("model.json")));
//
// The module is the workerd entry's (`server/nextoffer_bg.wasm`); esbuild or wrangler copy it into the bundle,
// and the pre-initialized file replaces that copy.

import { readFileSync } from "node:fs";

const SERVER_WASM = new URL("../server/nextoffer_bg.wasm", import.meta.url);
const SERVER_GLUE = new URL("../server/nextoffer.js", import.meta.url);
const PAGE = 65_536;
/** Zero runs at least this long end a data segment (a segment's header costs about 8 bytes). */
const MIN_GAP = 16;
const SECTION = { memory: 5, data: 11, dataCount: 12 };

let instances = 0;

/**
 * The engine's module with `model` loaded into its memory.
 * @param {Uint8Array} model the model's JSON as UTF-8 bytes (exactly the bytes the Worker will pass to the handler)
 * @param {{ wasm?: Uint8Array }} [options] the module to pre-initialize (default: the package's server build,
 *   which the workerd entry loads); its wasm-bindgen glue must be the package's `server/nextoffer.js`
 * @returns {Promise<Uint8Array>} the pre-initialized module
 */
export async function preinitialize(model, options = {}) {
  const wasm = options.wasm ?? new Uint8Array(readFileSync(SERVER_WASM));
  // A module instance of its own: the glue keeps one instance per module record, and the caller's may be in use.
  const glue = await import(`${SERVER_GLUE.href}?preinit=${++instances}`);
  const exports = glue.initSync({ module: new WebAssembly.Module(wasm) });
  glue.preloadModel(model);
  const memory = new Uint8Array(exports.memory.buffer);
  const result = withMemory(wasm, memory);
  // The result must compile and hand the engine out (a fresh glue instance, as an isolate would use it).
  const check = await import(`${SERVER_GLUE.href}?preinit=${++instances}`);
  check.initSync({ module: new WebAssembly.Module(result) });
  const engine = check.Engine.preloaded(model);
  if (!engine) throw new Error("preinitialize: the pre-initialized module does not hold the model");
  engine.free();
  return result;
}

/**
 * `wasm` with its data segments replaced by the non-zero runs of `memory` and its memory's minimum size by
 * `memory`'s. Only for modules whose segments are all active (no `memory.init` refers to them by index).
 * @param {Uint8Array} wasm
 * @param {Uint8Array} memory
 * @returns {Uint8Array}
 */
export function withMemory(wasm, memory) {
  const sections = readSections(wasm);
  const parts = [wasm.subarray(0, 8)];
  const runs = nonZeroRuns(memory);
  for (const section of sections) {
    const body = wasm.subarray(section.body, section.end);
    if (section.id === SECTION.memory) parts.push(sectionBytes(section.id, memorySection(body, memory.length / PAGE)));
    else if (section.id === SECTION.data) {
      checkActiveSegments(body);
      parts.push(sectionBytes(section.id, dataSection(memory, runs)));
    } else if (section.id === SECTION.dataCount) parts.push(sectionBytes(section.id, Uint8Array.from(uleb(runs.length))));
    else parts.push(wasm.subarray(section.start, section.end));
  }
  if (!sections.some((s) => s.id === SECTION.memory)) throw new Error("preinitialize: the module defines no memory");
  return concat(parts);
}

/** @param {Uint8Array} wasm */
function readSections(wasm) {
  if (wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) throw new Error("preinitialize: not a Wasm module");
  const sections = [];
  let at = 8;
  while (at < wasm.length) {
    const [size, body] = readUleb(wasm, at + 1);
    sections.push({ id: wasm[at], start: at, body, end: body + size });
    at = body + size;
  }
  return sections;
}

/** The memory section with one memory whose minimum is `pages` (its flags and maximum kept). */
function memorySection(body, pages) {
  const [count, flagsAt] = readUleb(body, 0);
  if (count !== 1) throw new Error(`preinitialize: the module defines ${count} memories, not one`);
  const flags = body[flagsAt];
  if (flags !== 0 && flags !== 1) throw new Error(`preinitialize: unsupported memory flags ${flags}`);
  const [, rest] = readUleb(body, flagsAt + 1);
  if (flags === 1 && readUleb(body, rest)[0] < pages) throw new Error("preinitialize: the memory grew past its maximum");
  return concat([Uint8Array.of(...uleb(1), flags, ...uleb(pages)), body.subarray(rest)]);
}

/** Throws unless every data segment is active in memory 0 (flag 0): then no instruction names one by index. */
function checkActiveSegments(body) {
  let [count, at] = readUleb(body, 0);
  for (let i = 0; i < count; i++) {
    if (body[at] !== 0) throw new Error(`preinitialize: data segment ${i} is not an active segment of memory 0`);
    at += 1;
    // i32.const <sleb> end
    if (body[at] !== 0x41) throw new Error(`preinitialize: data segment ${i} has a non-constant offset`);
    at = skipLeb(body, at + 1);
    if (body[at] !== 0x0b) throw new Error(`preinitialize: data segment ${i} has a non-constant offset`);
    const [size, data] = readUleb(body, at + 1);
    at = data + size;
  }
}

/** @param {Uint8Array} memory @param {[number, number][]} runs */
function dataSection(memory, runs) {
  const parts = [Uint8Array.from(uleb(runs.length))];
  for (const [from, to] of runs) {
    parts.push(Uint8Array.of(0, 0x41, ...sleb(from), 0x0b, ...uleb(to - from)), memory.subarray(from, to));
  }
  return concat(parts);
}

/** The [from, to) ranges of `memory` that are not zero, split at zero runs of `MIN_GAP` bytes or more. */
function nonZeroRuns(memory) {
  /** @type {[number, number][]} */
  const runs = [];
  let at = 0;
  while (at < memory.length) {
    while (at < memory.length && memory[at] === 0) at++;
    if (at >= memory.length) break;
    const from = at;
    let last = at; // the last non-zero byte of the run so far
    while (at < memory.length && at - last <= MIN_GAP) {
      if (memory[at] !== 0) last = at;
      at++;
    }
    runs.push([from, last + 1]);
    at = last + 1;
  }
  return runs;
}

function sectionBytes(id, body) {
  return concat([Uint8Array.of(id, ...uleb(body.length)), body]);
}

/** @param {Uint8Array[]} parts */
function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** @param {number} value unsigned, below 2^32 */
function uleb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

/** @param {number} value an i32 offset (non-negative here) */
function sleb(value) {
  const out = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** @param {Uint8Array} bytes @param {number} at @returns {[number, number]} the value and the offset after it */
function readUleb(bytes, at) {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new Error("preinitialize: truncated module");
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (!(byte & 0x80)) return [value, at];
  }
}

/** @param {Uint8Array} bytes @param {number} at */
function skipLeb(bytes, at) {
  while ((bytes[at] ?? 0) & 0x80) at++;
  return at + 1;
}

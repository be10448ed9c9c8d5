//! A model loaded at build time: pre-initialization of the module for edge runtimes (as Wizer does for
//! Wasm programs).
//!
//! In a fresh isolate V8 runs new Wasm on its baseline compiler and optimizes hot functions in background
//! threads; loading the 500-offer bench model is about 45 ms of an 84 ms cold start there, against 8 ms warm.
//! A build step (`nextoffer/edge/preinit`) therefore loads the model once in Node with [`preload`], takes a
//! copy of the module's memory and writes it into the module's data segments: every isolate instantiated from
//! that module starts with the engine already loaded and takes it with `Engine.preloaded(bytes)`, without
//! parsing the model again. The bytes are checked against a fingerprint of the preloaded model, so a module
//! built for another model (or none) answers `undefined` and the caller loads the model as usual.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::convert::{engine_error, error};
use super::WasmEngine;

/// The preloaded engine and the fingerprint of the model bytes it was loaded from.
struct Preloaded {
    engine: crate::Engine,
    fingerprint: Fingerprint,
}

/// The length of the model bytes and a 64-bit FNV-1a-style hash of them, taken 8 bytes at a time: enough to
/// tell a module built for one model from the same module given another (both come from the deployer, so no
/// adversary chooses a collision).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    len: usize,
    hash: u64,
}

impl Fingerprint {
    fn of(bytes: &[u8]) -> Self {
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        // Whole words: a fresh isolate runs this on V8's baseline compiler, where a loop over single bytes of a
        // 257 KB model costs about a millisecond; over words, an eighth of that.
        let words = bytes.chunks_exact(8);
        let tail = words.remainder();
        let mut hash = words.fold(0xcbf2_9ce4_8422_2325_u64, |hash, word| {
            let mut le = [0u8; 8];
            le.copy_from_slice(word);
            (hash ^ u64::from_le_bytes(le)).wrapping_mul(PRIME)
        });
        for &byte in tail {
            hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
        }
        Fingerprint {
            len: bytes.len(),
            hash,
        }
    }
}

thread_local! {
    // Wasm without threads has one thread: this is a plain static in linear memory, which is what the
    // build step copies into the module.
    static PRELOADED: RefCell<Option<Preloaded>> = const { RefCell::new(None) };
}

/// Loads a model into this instance's memory for a pre-initialized module (build time, in Node): the next
/// `Engine.preloaded(bytes)` with the same bytes, in this instance or in one instantiated from a copy of its
/// memory, returns this engine. Throws `invalid-json` or `invalid-model` as `Engine.fromBytes` does.
#[wasm_bindgen(js_name = preloadModel)]
pub fn preload(bytes: Vec<u8>) -> Result<(), JsValue> {
    let fingerprint = Fingerprint::of(&bytes);
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = core::str::from_utf8(body)
        .map_err(|_| error("invalid-json", "", "model: is not UTF-8 text"))?;
    let engine = crate::Engine::from_json(text).map_err(engine_error)?;
    PRELOADED.with(|slot| {
        slot.replace(Some(Preloaded {
            engine,
            fingerprint,
        }))
    });
    drop(bytes);
    clear_free_memory();
    Ok(())
}

/// Overwrites the heap's free memory with zeros: what the model's parse left behind (its text, its JSON tree)
/// would otherwise be copied into the module with the live engine, and zeros are left out of its data
/// segments (for the 500-offer bench model the pre-initialized module shrinks from 505 KB to 264 KB gzipped).
/// It takes zero-filled blocks from the allocator, a page first and then halving, each size until a block comes
/// from beyond the memory's end at the start (fresh pages, zero already: the memory grows by at most about two
/// pages in all), then gives them all back.
fn clear_free_memory() {
    const PAGE: usize = 65_536;
    const SLOTS: usize = 1 << 14;
    let end = core::arch::wasm32::memory_size::<0>() * PAGE;
    // Filled with empty vectors at once, so that no leftover bytes stay in the list's own allocation.
    let mut blocks = vec![Vec::<u8>::new(); SLOTS];
    let mut size = PAGE;
    for slot in blocks.iter_mut() {
        if size < 8 {
            break;
        }
        let block = vec![0u8; size];
        if block.as_ptr() as usize + size > end {
            size /= 2;
        }
        *slot = block;
    }
    for slot in blocks.iter_mut() {
        *slot = Vec::new();
    }
}

#[wasm_bindgen(js_class = Engine)]
impl WasmEngine {
    /// The engine loaded into this module at build time (`nextoffer/edge/preinit`), if it was loaded from
    /// exactly these model bytes; `undefined` otherwise (no preloaded model, another model, or already taken:
    /// it is handed out once). Hashes the bytes (about 0.5 ms for a 257 KB model in a fresh isolate) instead
    /// of parsing them (about 45 ms there).
    pub fn preloaded(bytes: &[u8]) -> Option<WasmEngine> {
        let fingerprint = Fingerprint::of(bytes);
        PRELOADED.with(|slot| {
            let mut slot = slot.borrow_mut();
            match slot.take() {
                Some(found) if found.fingerprint == fingerprint => Some(WasmEngine {
                    inner: found.engine,
                }),
                other => {
                    *slot = other;
                    None
                }
            }
        })
    }
}

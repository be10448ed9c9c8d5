//! A decision written as a tape of operations, which the Wasm binding turns into JavaScript objects.
//!
//! A result crosses to JavaScript either as JSON text (`decideJson`) or as objects (`decide`). Building the
//! objects with `JSON.parse` meant writing the text (number formatting, escaping) and then scanning it again
//! in JavaScript. The tape skips both: numbers stay `f64`, strings are concatenated unescaped into one text,
//! and a small JavaScript loop (`src/wasm/objects.rs`) builds the same objects `JSON.parse` would, with the
//! same keys in the same order. On the bench decision (3 ranked offers, 26 suppressed) that is the main part
//! of what `decideFor` with objects cost over `decideForJson`.
//!
//! [`Sink`] is what a decision is written into: the JSON [`Writer`] or a [`Tape`]. Both receive the same calls,
//! so the two forms cannot drift apart.

use crate::json::Writer;

/// Where a decision's JSON form is written: text or tape.
pub(crate) trait Sink {
    /// Opens an object.
    fn begin_object(&mut self);
    /// Closes the current object.
    fn end_object(&mut self);
    /// Opens an array.
    fn begin_array(&mut self);
    /// Closes the current array.
    fn end_array(&mut self);
    /// A key of the current object. Keys are the result's own field names, never input: the tape knows a key
    /// it has seen by its address.
    fn key(&mut self, key: &'static str);
    /// A string value.
    fn string(&mut self, s: &str);
    /// A number value (`null` when not finite, as `JSON.stringify` writes it).
    fn number(&mut self, n: f64);
}

impl Sink for Writer {
    fn begin_object(&mut self) {
        Writer::begin_object(self);
    }
    fn end_object(&mut self) {
        Writer::end_object(self);
    }
    fn begin_array(&mut self) {
        Writer::begin_array(self);
    }
    fn end_array(&mut self) {
        Writer::end_array(self);
    }
    fn key(&mut self, key: &'static str) {
        Writer::key(self, key);
    }
    fn string(&mut self, s: &str) {
        Writer::string(self, s);
    }
    fn number(&mut self, n: f64) {
        Writer::number(self, n);
    }
}

/// Operation codes of a tape; `src/wasm/objects.rs` reads the same numbers.
pub(crate) mod op {
    /// `{`; members follow as `KEY`/`NEW_KEY` and a value, until `END_OBJECT`.
    pub const OBJECT: u32 = 0;
    /// `}`
    pub const END_OBJECT: u32 = 1;
    /// `[`; values follow until `END_ARRAY`.
    pub const ARRAY: u32 = 2;
    /// `]`
    pub const END_ARRAY: u32 = 3;
    /// A key seen before in this tape: its number follows.
    pub const KEY: u32 = 4;
    /// A new key: its start and length in the text follow (UTF-16 units); it gets the next key number.
    pub const NEW_KEY: u32 = 5;
    /// A string: its start and length in the text follow (UTF-16 units).
    pub const STRING: u32 = 6;
    /// The next number of the numbers.
    pub const NUMBER: u32 = 7;
    /// `null`
    pub const NULL: u32 = 8;
}

/// Slots of the key table: twice the result's distinct field names (about 40), so probes stay short.
const KEY_SLOTS: usize = 128;

/// A decision as operations, numbers and one text of every string.
#[derive(Debug)]
pub(crate) struct Tape {
    /// The operations and their operands.
    pub ops: Vec<u32>,
    /// The numbers, in order.
    pub numbers: Vec<f64>,
    /// Every string and new key, concatenated.
    pub text: String,
    /// The text's length in UTF-16 units (JavaScript's string offsets).
    units: u32,
    /// Keys seen, by address: (address, length, key number); address 0 is an empty slot.
    keys: Vec<(usize, usize, u32)>,
    key_count: u32,
}

impl Tape {
    /// An empty tape sized for a decision of `offers` ranked and `suppressed` left-out offers.
    pub(crate) fn with_capacity(offers: usize, suppressed: usize) -> Tape {
        Tape {
            ops: Vec::with_capacity(64 + 180 * offers + 12 * suppressed),
            numbers: Vec::with_capacity(4 + 16 * offers),
            text: String::with_capacity(128 + 700 * offers + 50 * suppressed),
            units: 0,
            keys: vec![(0, 0, 0); KEY_SLOTS],
            key_count: 0,
        }
    }

    /// Appends `s` to the text; answers its start and length in UTF-16 units.
    fn push_text(&mut self, s: &str) -> (u32, u32) {
        let units = if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        } as u32;
        let start = self.units;
        self.text.push_str(s);
        self.units += units;
        (start, units)
    }
}

impl Sink for Tape {
    fn begin_object(&mut self) {
        self.ops.push(op::OBJECT);
    }
    fn end_object(&mut self) {
        self.ops.push(op::END_OBJECT);
    }
    fn begin_array(&mut self) {
        self.ops.push(op::ARRAY);
    }
    fn end_array(&mut self) {
        self.ops.push(op::END_ARRAY);
    }
    fn key(&mut self, key: &'static str) {
        let address = key.as_ptr() as usize;
        let mut slot = address.wrapping_mul(0x9E37_79B9) >> 7;
        for _ in 0..KEY_SLOTS / 2 {
            slot %= KEY_SLOTS;
            match self.keys.get(slot).copied() {
                Some((a, len, number)) if a == address && len == key.len() => {
                    self.ops.extend_from_slice(&[op::KEY, number]);
                    return;
                }
                Some((0, _, _)) => {
                    if let Some(entry) = self.keys.get_mut(slot) {
                        *entry = (address, key.len(), self.key_count);
                    }
                    break;
                }
                _ => slot += 1,
            }
        }
        // A new key (or, were the table ever full, a key written out again: correct, only longer).
        self.key_count += 1;
        let (start, units) = self.push_text(key);
        self.ops.extend_from_slice(&[op::NEW_KEY, start, units]);
    }
    fn string(&mut self, s: &str) {
        let (start, units) = self.push_text(s);
        self.ops.extend_from_slice(&[op::STRING, start, units]);
    }
    fn number(&mut self, n: f64) {
        if n.is_finite() {
            // JSON text writes -0 as 0, which JSON.parse reads as +0.
            self.numbers.push(if n == 0.0 { 0.0 } else { n });
            self.ops.push(op::NUMBER);
        } else {
            self.ops.push(op::NULL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Object, Value};

    /// Reads a tape back into a JSON value, as the JavaScript builder does.
    pub(crate) fn tape_to_value(tape: &Tape) -> Value {
        let units: Vec<u16> = tape.text.encode_utf16().collect();
        let slice = |start: u32, len: u32| {
            String::from_utf16(&units[start as usize..(start + len) as usize]).unwrap()
        };
        let mut keys = Vec::new();
        let (mut i, mut n) = (0, 0);
        fn value(
            tape: &Tape,
            i: &mut usize,
            n: &mut usize,
            keys: &mut Vec<String>,
            slice: &dyn Fn(u32, u32) -> String,
        ) -> Value {
            let code = tape.ops[*i];
            *i += 1;
            match code {
                op::OBJECT => {
                    let mut object = Object::new();
                    loop {
                        let key = match tape.ops[*i] {
                            op::END_OBJECT => {
                                *i += 1;
                                return Value::Object(object);
                            }
                            op::KEY => {
                                *i += 2;
                                keys[tape.ops[*i - 1] as usize].clone()
                            }
                            _ => {
                                *i += 3;
                                let key = slice(tape.ops[*i - 2], tape.ops[*i - 1]);
                                keys.push(key.clone());
                                key
                            }
                        };
                        object.insert(key, value(tape, i, n, keys, slice));
                    }
                }
                op::ARRAY => {
                    let mut items = Vec::new();
                    while tape.ops[*i] != op::END_ARRAY {
                        items.push(value(tape, i, n, keys, slice));
                    }
                    *i += 1;
                    Value::Array(items)
                }
                op::STRING => {
                    *i += 2;
                    Value::String(slice(tape.ops[*i - 2], tape.ops[*i - 1]))
                }
                op::NUMBER => {
                    *n += 1;
                    Value::Number(tape.numbers[*n - 1])
                }
                _ => Value::Null,
            }
        }
        let v = value(tape, &mut i, &mut n, &mut keys, &slice);
        assert_eq!(i, tape.ops.len(), "the whole tape is one value");
        v
    }

    #[test]
    fn a_tape_reads_back_as_the_json_text_parses() {
        let mut tape = Tape::with_capacity(1, 1);
        let mut text = Writer::new();
        fn write<S: Sink>(w: &mut S) {
            w.begin_object();
            w.key("a");
            w.string("h\u{e9}llo \u{1F600} \"q\"");
            w.key("n");
            w.begin_array();
            for x in [1.5, -0.0, f64::NAN, 1e300, f64::INFINITY] {
                w.number(x);
            }
            w.end_array();
            w.key("a2");
            w.begin_object();
            w.key("a");
            w.string("");
            w.end_object();
            w.end_object();
        }
        write(&mut tape);
        write(&mut text);
        let parsed = crate::json::parse(&text.finish()).unwrap();
        assert_eq!(tape_to_value(&tape), parsed);
        assert_eq!(tape.key_count, 3, "the key \"a\" is written out once");
    }

    #[test]
    fn every_golden_decision_reads_back_from_its_tape_as_from_its_json_text() {
        let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec");
        let mut decided = 0;
        for entry in std::fs::read_dir(spec.join("decide")).unwrap() {
            let case = crate::json::parse(&std::fs::read_to_string(entry.unwrap().path()).unwrap())
                .unwrap();
            let name = case.get("model").and_then(Value::as_str).unwrap();
            let model = std::fs::read_to_string(spec.join(format!("models/{name}.json"))).unwrap();
            let engine = crate::Engine::from_json(&model).unwrap();
            let request = case.get("request").unwrap().to_json();
            for explain in [false, true] {
                let request = if explain {
                    request.replacen('{', "{\"explain\":true,", 1)
                } else {
                    request.clone()
                };
                if let Ok(decision) = engine.decide_text(&request) {
                    let text = crate::json::parse(&decision.to_json()).unwrap();
                    assert_eq!(tape_to_value(&decision.to_tape()), text);
                    decided += 1;
                }
            }
        }
        assert!(decided > 10, "the golden cases decided ({decided})");
    }

    #[test]
    fn negative_zero_reads_back_as_positive_zero_as_from_json_text() {
        let mut tape = Tape::with_capacity(0, 0);
        tape.number(-0.0);
        assert!(tape.numbers[0].is_sign_positive());
    }
}

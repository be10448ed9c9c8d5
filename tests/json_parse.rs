//! The JSON value: strict parsing with positioned errors, `JSON.stringify`-compatible output, and the
//! JavaScript coercions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use nextoffer::json::{
    js_to_number, js_to_string, number_to_js_string, parse, Object, ParseErrorKind, Value,
    MAX_DEPTH,
};

fn error(text: &str) -> (usize, usize, ParseErrorKind) {
    let e = parse(text).unwrap_err();
    (e.line, e.column, e.kind.clone())
}

#[test]
fn compact_json_round_trips_unchanged() {
    for text in [
        "null",
        "true",
        "false",
        "0",
        "-1",
        "3.25",
        r#""""#,
        r#""plain""#,
        "[]",
        "{}",
        r#"{"b":1,"a":[1,2,{"c":null}],"d":"x\"y\\z\n"}"#,
        r#"[[[[]]],{"":{}}]"#,
        "[1e+21,1e-7,123456789012345680000,0.1,-5e-324]",
    ] {
        assert_eq!(parse(text).unwrap().to_json(), text, "{text}");
    }
}

#[test]
fn whitespace_between_tokens_is_dropped_on_output() {
    let v = parse(" \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } }\n").unwrap();
    assert_eq!(v.to_json(), r#"{"a":[1,2],"b":{}}"#);
}

#[test]
fn object_keys_keep_their_insertion_order() {
    let v = parse(r#"{"z":1,"a":2,"m":3}"#).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["z", "a", "m"]);
}

#[test]
fn numbers_are_written_as_javascript_writes_them() {
    let cases = [
        (1.0, "1"),
        (-0.0, "0"),
        (1.5, "1.5"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (123.456, "123.456"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-2.5e-10, "-2.5e-10"),
        (f64::MAX, "1.7976931348623157e+308"),
    ];
    for (n, expected) in cases {
        assert_eq!(Value::from(n).to_json(), expected);
        assert_eq!(number_to_js_string(n), expected);
    }
    assert_eq!(Value::from(f64::NAN).to_json(), "null");
    assert_eq!(Value::from(f64::INFINITY).to_json(), "null");
    assert_eq!(number_to_js_string(f64::NEG_INFINITY), "-Infinity");
}

#[test]
fn parsed_numbers_are_exact_doubles() {
    let v = parse("[0, -0, 12345678901234567890, 1.7976931348623157e308, 5e-324, 0.1, 1E2, 1e-2]")
        .unwrap();
    let n: Vec<f64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(n[0], 0.0);
    assert!(n[1] == 0.0 && n[1].is_sign_negative());
    assert_eq!(n[2], 12345678901234567890.0);
    assert_eq!(n[3], f64::MAX);
    assert_eq!(n[4], 5e-324);
    assert_eq!(n[5], 0.1);
    assert_eq!(n[6], 100.0);
    assert_eq!(n[7], 0.01);
}

#[test]
fn strings_are_escaped_as_json_stringify_does() {
    let s = "q\"b\\s/\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}é\u{2028}😀";
    assert_eq!(
        Value::from(s).to_json(),
        "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0000\\u001f\u{7f}é\u{2028}😀\""
    );
    assert_eq!(parse(&Value::from(s).to_json()).unwrap().as_str(), Some(s));
}

#[test]
fn escapes_decode_including_surrogate_pairs() {
    let v = parse(r#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00""#).unwrap();
    assert_eq!(v.as_str(), Some("\"\\/\u{8}\u{c}\n\r\t\u{41}é€😀"));
}

#[test]
fn lone_surrogates_become_replacement_characters() {
    assert_eq!(parse(r#""a\ud83db""#).unwrap().as_str(), Some("a\u{FFFD}b"));
    assert_eq!(parse(r#""\ude00""#).unwrap().as_str(), Some("\u{FFFD}"));
    assert_eq!(
        parse(r#""\ud83d\u0041""#).unwrap().as_str(),
        Some("\u{FFFD}A")
    );
    assert_eq!(
        parse(r#""\ud83d\ud83d\ude00""#).unwrap().as_str(),
        Some("\u{FFFD}😀")
    );
}

#[test]
fn raw_unicode_passes_through() {
    let v = parse("{\"名前\":\"ünïcødé 😀\"}").unwrap();
    assert_eq!(v.get("名前").unwrap().as_str(), Some("ünïcødé 😀"));
}

#[test]
fn trailing_commas_are_rejected_with_their_position() {
    assert_eq!(
        error("[1,2,]"),
        (
            1,
            6,
            ParseErrorKind::UnexpectedCharacter {
                found: ']',
                expected: "a value"
            }
        )
    );
    assert_eq!(
        error("{\n  \"a\": 1,\n}"),
        (
            3,
            1,
            ParseErrorKind::UnexpectedCharacter {
                found: '}',
                expected: "a string key"
            }
        )
    );
}

#[test]
fn non_json_literals_and_comments_are_rejected() {
    assert_eq!(
        error("NaN"),
        (
            1,
            1,
            ParseErrorKind::UnexpectedCharacter {
                found: 'N',
                expected: "a value"
            }
        )
    );
    assert_eq!(
        error("[Infinity]"),
        (
            1,
            2,
            ParseErrorKind::UnexpectedCharacter {
                found: 'I',
                expected: "a value"
            }
        )
    );
    assert_eq!(
        error("[-Infinity]"),
        (
            1,
            3,
            ParseErrorKind::UnexpectedCharacter {
                found: 'I',
                expected: "a digit"
            }
        )
    );
    assert_eq!(
        error("[1 // one\n]"),
        (
            1,
            4,
            ParseErrorKind::UnexpectedCharacter {
                found: '/',
                expected: "',' or ']'"
            }
        )
    );
    assert_eq!(
        error("tru"),
        (1, 4, ParseErrorKind::UnexpectedEnd { expected: "true" })
    );
    assert_eq!(
        error("nul!"),
        (
            1,
            4,
            ParseErrorKind::UnexpectedCharacter {
                found: '!',
                expected: "null"
            }
        )
    );
    assert_eq!(
        error("{'a':1}"),
        (
            1,
            2,
            ParseErrorKind::UnexpectedCharacter {
                found: '\'',
                expected: "a string key"
            }
        )
    );
}

#[test]
fn malformed_numbers_are_rejected() {
    assert_eq!(
        error("01"),
        (1, 2, ParseErrorKind::LeadingZero { text: "01".into() })
    );
    assert_eq!(
        error("[-012]"),
        (1, 4, ParseErrorKind::LeadingZero { text: "-01".into() })
    );
    assert_eq!(
        error("1."),
        (
            1,
            3,
            ParseErrorKind::UnexpectedEnd {
                expected: "a digit after the decimal point"
            }
        )
    );
    assert_eq!(
        error(".5"),
        (
            1,
            1,
            ParseErrorKind::UnexpectedCharacter {
                found: '.',
                expected: "a value"
            }
        )
    );
    assert_eq!(
        error("1e+"),
        (
            1,
            4,
            ParseErrorKind::UnexpectedEnd {
                expected: "a digit in the exponent"
            }
        )
    );
    assert_eq!(
        error("+1"),
        (
            1,
            1,
            ParseErrorKind::UnexpectedCharacter {
                found: '+',
                expected: "a value"
            }
        )
    );
    assert_eq!(
        error("[1e400]"),
        (
            1,
            2,
            ParseErrorKind::NumberOutOfRange {
                text: "1e400".into()
            }
        )
    );
}

#[test]
fn string_errors_name_their_position() {
    assert_eq!(
        error("\"abc"),
        (
            1,
            5,
            ParseErrorKind::UnexpectedEnd {
                expected: "'\"' closing the string"
            }
        )
    );
    assert_eq!(
        error("\"a\tb\""),
        (1, 3, ParseErrorKind::ControlCharacter { code: 9 })
    );
    assert_eq!(
        error("[\"ok\",\n \"é\\x\"]"),
        (2, 4, ParseErrorKind::InvalidEscape { found: 'x' })
    );
    assert_eq!(
        error(r#""\u12G4""#),
        (
            1,
            6,
            ParseErrorKind::UnexpectedCharacter {
                found: 'G',
                expected: "four hex digits after \\u"
            }
        )
    );
}

#[test]
fn structural_errors_say_what_was_expected() {
    assert_eq!(
        error(""),
        (
            1,
            1,
            ParseErrorKind::UnexpectedEnd {
                expected: "a value"
            }
        )
    );
    assert_eq!(
        error("   \n  "),
        (
            2,
            3,
            ParseErrorKind::UnexpectedEnd {
                expected: "a value"
            }
        )
    );
    assert_eq!(
        error("{\"a\" 1}"),
        (
            1,
            6,
            ParseErrorKind::UnexpectedCharacter {
                found: '1',
                expected: "':'"
            }
        )
    );
    assert_eq!(
        error("{\"a\":1 \"b\":2}"),
        (
            1,
            8,
            ParseErrorKind::UnexpectedCharacter {
                found: '"',
                expected: "',' or '}'"
            }
        )
    );
    assert_eq!(
        error("[1"),
        (
            1,
            3,
            ParseErrorKind::UnexpectedEnd {
                expected: "',' or ']'"
            }
        )
    );
    assert_eq!(
        error("{} {}"),
        (
            1,
            4,
            ParseErrorKind::UnexpectedCharacter {
                found: '{',
                expected: "end of input"
            }
        )
    );
}

#[test]
fn error_columns_count_characters_not_bytes() {
    assert_eq!(
        error("[\"éé😀\", x]"),
        (
            1,
            9,
            ParseErrorKind::UnexpectedCharacter {
                found: 'x',
                expected: "a value"
            }
        )
    );
}

#[test]
fn duplicate_keys_are_rejected_by_name() {
    let e = parse("{\"a\":1,\n \"b\":2, \"a\":3}").unwrap_err();
    assert_eq!((e.line, e.column), (2, 9));
    assert_eq!(e.kind, ParseErrorKind::DuplicateKey { key: "a".into() });
    assert_eq!(e.to_string(), "line 2, column 9: duplicate key \"a\"");
    // Large objects check with a hash set; same answer.
    let mut text = String::from("{");
    for i in 0..40 {
        text.push_str(&format!("\"k{i}\":{i},"));
    }
    let big = text.clone();
    text.push_str("\"k7\":0}");
    let e = parse(&text).unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::DuplicateKey { key: "k7".into() });
    assert_eq!((e.line, e.column), (1, text.rfind("\"k7\"").unwrap() + 1));
    // Of two repeated keys, the one repeated first in the text is reported.
    let two = format!("{big}\"k30\":0,\"k3\":0}}");
    let e = parse(&two).unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::DuplicateKey { key: "k30".into() });
    assert_eq!(e.column, two.rfind("\"k30\"").unwrap() + 1);
    // Escaped and raw spellings of one key are the same key.
    assert_eq!(
        parse(r#"{"a":1,"\u0061":2}"#).unwrap_err().kind,
        ParseErrorKind::DuplicateKey { key: "a".into() }
    );
}

#[test]
fn nesting_up_to_the_limit_parses_and_deeper_is_an_error() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert_eq!(parse(&ok).unwrap().to_json(), ok);
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(error(&deep), (1, MAX_DEPTH + 1, ParseErrorKind::TooDeep));
    let objects = "{\"a\":".repeat(MAX_DEPTH + 1);
    assert_eq!(parse(&objects).unwrap_err().kind, ParseErrorKind::TooDeep);
}

#[test]
fn hostile_depth_is_an_error_not_a_stack_overflow() {
    let text = "[".repeat(1_000_000);
    assert_eq!(parse(&text).unwrap_err().kind, ParseErrorKind::TooDeep);
}

#[test]
fn error_messages_read_line_column_and_expectation() {
    assert_eq!(
        parse("[1,]").unwrap_err().to_string(),
        "line 1, column 4: unexpected character ']', expected a value"
    );
    assert_eq!(
        parse("{\"a\":\"\\q\"}").unwrap_err().to_string(),
        "line 1, column 7: invalid escape \\q in string, expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"
    );
}

#[test]
fn object_insert_replaces_in_place_and_remove_keeps_order() {
    let mut o = Object::with_capacity(3);
    assert!(o.is_empty());
    o.insert("a", 1.0);
    o.insert("b", true);
    o.insert("c", "x");
    o.insert("a", Value::Null);
    assert_eq!(
        Value::from(o.clone()).to_json(),
        r#"{"a":null,"b":true,"c":"x"}"#
    );
    assert_eq!(o.remove("b"), Some(Value::Bool(true)));
    assert_eq!(o.len(), 2);
    assert_eq!(Value::from(o).to_json(), r#"{"a":null,"c":"x"}"#);
    let collected: Object = vec![
        ("x".to_string(), Value::from(1_i64)),
        ("y".to_string(), Value::from(2_u32)),
    ]
    .into_iter()
    .collect();
    assert_eq!(collected.get("y"), Some(&Value::Number(2.0)));
}

#[test]
fn accessors_answer_only_for_their_type() {
    let v = parse(r#"{"s":"x","n":2,"b":true,"a":[1],"o":{},"z":null}"#).unwrap();
    assert_eq!(v.get("s").unwrap().as_str(), Some("x"));
    assert_eq!(v.get("s").unwrap().as_f64(), None);
    assert_eq!(v.get("n").unwrap().as_f64(), Some(2.0));
    assert_eq!(v.get("b").unwrap().as_bool(), Some(true));
    assert_eq!(v.get("a").unwrap().as_array().map(<[Value]>::len), Some(1));
    assert!(v.get("o").unwrap().as_object().unwrap().is_empty());
    assert!(v.get("z").unwrap().is_null());
    assert!(v.get("missing").is_none());
    assert!(v.get("s").unwrap().get("s").is_none());
    let names: Vec<&str> = v
        .as_object()
        .unwrap()
        .values()
        .map(Value::type_name)
        .collect();
    assert_eq!(
        names,
        ["string", "number", "boolean", "array", "object", "null"]
    );
}

#[test]
fn js_string_coercion_matches_javascript() {
    let cases = [
        ("null", "null"),
        ("true", "true"),
        ("false", "false"),
        ("1", "1"),
        ("-0", "0"),
        ("1e21", "1e+21"),
        ("\"x y\"", "x y"),
        ("[]", ""),
        ("[1,[2,3],null,\"a\",false]", "1,2,3,,a,false"),
        ("[{}]", "[object Object]"),
        ("{\"a\":1}", "[object Object]"),
    ];
    for (text, expected) in cases {
        assert_eq!(js_to_string(&parse(text).unwrap()), expected, "{text}");
    }
}

#[test]
fn js_number_coercion_matches_javascript() {
    let cases: [(&str, f64); 20] = [
        ("null", 0.0),
        ("true", 1.0),
        ("false", 0.0),
        ("2.5", 2.5),
        ("\"\"", 0.0),
        ("\"  \\n\"", 0.0),
        ("\" 42 \"", 42.0),
        ("\"-1.5e3\"", -1500.0),
        ("\"+7\"", 7.0),
        ("\".5\"", 0.5),
        ("\"5.\"", 5.0),
        ("\"0x1f\"", 31.0),
        ("\"0b101\"", 5.0),
        ("\"0o17\"", 15.0),
        ("\"Infinity\"", f64::INFINITY),
        ("\"-Infinity\"", f64::NEG_INFINITY),
        ("[]", 0.0),
        ("[\"8\"]", 8.0),
        ("[null]", 0.0),
        ("\"\\u00a0 3 \\ufeff\"", 3.0),
    ];
    for (text, expected) in cases {
        assert_eq!(js_to_number(&parse(text).unwrap()), expected, "{text}");
    }
    for text in [
        "\"abc\"",
        "\"1e\"",
        "\"-0x10\"",
        "\"0x\"",
        "\"inf\"",
        "\"nan\"",
        "\"1,2\"",
        "[1,2]",
        "{}",
        "\".\"",
        "\"1 2\"",
        "\"infinity\"",
    ] {
        assert!(js_to_number(&parse(text).unwrap()).is_nan(), "{text}");
    }
}

#[test]
fn keys_keep_their_order_and_an_escaped_spelling_is_the_same_key() {
    let value = parse(r#"{"title":1,"$in":[2],"titles":3,"$in2":4,"d\u0065scription":5}"#).unwrap();
    let object = value.as_object().unwrap();
    let keys: Vec<&str> = object.keys().collect();
    assert_eq!(keys, ["title", "$in", "titles", "$in2", "description"]);
    assert_eq!(object.get("description"), Some(&Value::Number(5.0)));
    assert_eq!(
        value.to_json(),
        r#"{"title":1,"$in":[2],"titles":3,"$in2":4,"description":5}"#
    );
    let (_, _, kind) = error(r#"{"title":1,"ti\u0074le":2}"#);
    assert_eq!(
        kind,
        ParseErrorKind::DuplicateKey {
            key: "title".to_owned()
        }
    );
    let owned: Vec<String> = object.clone().into_iter().map(|(k, _)| k).collect();
    assert_eq!(owned, ["title", "$in", "titles", "$in2", "description"]);
}

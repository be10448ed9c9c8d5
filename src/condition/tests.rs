//! Unit tests: compile errors and their paths, limits, and the JavaScript corners the conformance cases do
//! not reach (checked against `@growthbook/growthbook` 1.8.0 by a differential run).

use super::*;
use crate::json::parse;

fn compile(text: &str, mode: Mode) -> Result<Condition, ConditionError> {
    compile_with_groups(text, mode, "{}")
}

fn compile_with_groups(text: &str, mode: Mode, groups: &str) -> Result<Condition, ConditionError> {
    let groups = SavedGroups::from_value(&parse(groups).unwrap()).unwrap();
    Condition::compile(
        &parse(text).unwrap(),
        mode,
        &mut AttributeKeys::new(),
        &groups,
    )
}

fn strict_error(text: &str) -> (String, String) {
    let e = compile(text, Mode::Strict).unwrap_err();
    (e.path, e.message)
}

fn gb(condition: &str, attributes: &str) -> bool {
    eval_condition(
        &parse(condition).unwrap(),
        &parse(attributes).unwrap(),
        &Value::Null,
    )
}

fn gb_groups(condition: &str, attributes: &str, groups: &str) -> bool {
    eval_condition(
        &parse(condition).unwrap(),
        &parse(attributes).unwrap(),
        &parse(groups).unwrap(),
    )
}

#[test]
fn error_paths_point_into_nested_conditions() {
    assert_eq!(
        strict_error(r#"{"$and":[{"a":1},{"age":{"$gt":[1]}}]}"#),
        (
            "$and[1].age.$gt".into(),
            "$gt expects a number or a string, found array".into()
        )
    );
    assert_eq!(
        strict_error(r#"{"$or":[{"tags":{"$elemMatch":{"name":{"$regx":"^p"}}}}]}"#),
        (
            "$or[0].tags.$elemMatch.name.$regx".into(),
            "unknown operator".into()
        )
    );
    assert_eq!(
        strict_error(r#"{"$not":{"plan":{"$not":{"$in":"pro"}}}}"#),
        (
            "$not.plan.$not.$in".into(),
            "$in expects an array, found string".into()
        )
    );
    assert_eq!(
        strict_error(r#"{"tags":{"$all":[1,{"$size":"2"}]}}"#),
        (
            "tags.$all[1].$size".into(),
            "$size expects a number or an operator object, found string".into()
        )
    );
}

#[test]
fn strict_mode_rejects_operands_of_the_wrong_type() {
    let cases = [
        (r#"{"a":{"$size":"3"}}"#, "a.$size"),
        (r#"{"a":{"$type":"integer"}}"#, "a.$type"),
        (r#"{"a":{"$eq":[1]}}"#, "a.$eq"),
        (r#"{"a":{"$ne":{"x":1}}}"#, "a.$ne"),
        (r#"{"a":{"$regex":5}}"#, "a.$regex"),
        (r#"{"a":{"$veq":true}}"#, "a.$veq"),
        (r#"{"a":{"$elemMatch":5}}"#, "a.$elemMatch"),
        (r#"{"a":{"$all":"x"}}"#, "a.$all"),
        (r#"{"a":{"$nini":null}}"#, "a.$nini"),
        (r#"{"a":{"$inGroup":5}}"#, "a.$inGroup"),
        (r#"{"a":{"$lt":null}}"#, "a.$lt"),
        (r#"{"$or":{"a":1}}"#, "$or"),
        (r#"{"$and":[{"a":1},5]}"#, "$and[1]"),
        (r#"{"$not":null}"#, "$not"),
        (r#"[{"a":1}]"#, ""),
    ];
    for (text, path) in cases {
        let e = compile(text, Mode::Strict).unwrap_err();
        assert_eq!(e.path, path, "{text}");
        assert!(
            matches!(
                e.kind,
                ConditionErrorKind::WrongOperand { .. } | ConditionErrorKind::UnknownType { .. }
            ),
            "{text}"
        );
        // GrowthBook mode accepts every one of them.
        assert!(compile(text, Mode::GrowthBook).is_ok(), "{text}");
    }
}

#[test]
fn error_messages_name_the_offending_value() {
    assert_eq!(
        compile(r#"{"a":{"$type":"integer"}}"#, Mode::Strict).unwrap_err().to_string(),
        "a.$type: unknown type \"integer\", expected one of null, boolean, number, string, array, object"
    );
    assert_eq!(
        compile(r#"{"a":{"$gt":1,"b":2}}"#, Mode::Strict).unwrap_err().to_string(),
        "a: object mixes operators ($gt) with plain keys (b); use only operators or only plain keys"
    );
    assert_eq!(
        compile("5", Mode::Strict).unwrap_err().to_string(),
        "condition: condition expects an object, found number"
    );
    let e = compile(r#"{"x":{"$in":1}}"#, Mode::Strict)
        .unwrap_err()
        .at("offers[3].condition");
    assert_eq!(
        e.to_string(),
        "offers[3].condition.x.$in: $in expects an array, found number"
    );
    assert_eq!(e.clone().at("").path, "offers[3].condition.x.$in");
}

#[test]
fn exists_accepts_any_operand_by_truthiness() {
    let c = compile(r#"{"a":{"$exists":"yes"}}"#, Mode::Strict).unwrap();
    let mut keys = AttributeKeys::new();
    let c2 = Condition::compile(
        &parse(r#"{"a":{"$exists":0}}"#).unwrap(),
        Mode::Strict,
        &mut keys,
        &SavedGroups::new(),
    )
    .unwrap();
    assert_eq!(c.attribute_count(), 1);
    assert!(c2.eval(&keys.resolve(&parse("{}").unwrap())));
    assert!(!c2.eval(&keys.resolve(&parse(r#"{"a":0}"#).unwrap())));
}

#[test]
fn nesting_beyond_the_depth_limit_is_an_error_in_both_modes() {
    // Each `$not` level adds one condition object.
    let nested = |levels: usize| {
        format!(
            "{}{{\"a\":1}}{}",
            "{\"$not\":".repeat(levels),
            "}".repeat(levels)
        )
    };
    assert!(compile(&nested(MAX_CONDITION_DEPTH - 2), Mode::Strict).is_ok());
    for mode in [Mode::Strict, Mode::GrowthBook] {
        let e = compile(&nested(MAX_CONDITION_DEPTH), mode).unwrap_err();
        assert_eq!(
            e.kind,
            ConditionErrorKind::TooDeep {
                limit: MAX_CONDITION_DEPTH
            }
        );
        assert!(e.path.starts_with("$not.$not."));
    }
    // Deep enough to overflow a naive recursive evaluator: still just an error, and false one-shot.
    let hostile = nested(100);
    assert!(compile(&hostile, Mode::GrowthBook).is_err());
    assert!(!gb(&hostile, "{}"));
}

#[test]
fn regex_length_and_size_are_limited() {
    let at_limit = format!(r#"{{"a":{{"$regex":"{}"}}}}"#, "a".repeat(MAX_REGEX_LEN));
    assert!(compile(&at_limit, Mode::Strict).is_ok());
    let too_long = format!(
        r#"{{"a":{{"$regex":"{}"}}}}"#,
        "a".repeat(MAX_REGEX_LEN + 1)
    );
    assert_eq!(
        compile(&too_long, Mode::Strict).unwrap_err().kind,
        ConditionErrorKind::RegexTooLong {
            length: MAX_REGEX_LEN + 1,
            limit: MAX_REGEX_LEN
        }
    );
    let huge = r#"{"a":{"$regex":"((a{100}){100}){100}"}}"#;
    match compile(huge, Mode::Strict).unwrap_err().kind {
        ConditionErrorKind::InvalidRegex { reason, .. } => {
            assert_eq!(reason, "pattern compiles to too large a program")
        }
        other => panic!("{other:?}"),
    }
    // GrowthBook mode: an unusable regex is simply false.
    assert!(!gb(huge, r#"{"a":"aaa"}"#));
    assert!(!gb(
        &too_long,
        &format!(r#"{{"a":"{}"}}"#, "a".repeat(2000))
    ));
}

#[test]
fn regex_features_needing_backtracking_are_rejected_not_misread() {
    let e = compile(r#"{"a":{"$regex":"(?=x)"}}"#, Mode::Strict).unwrap_err();
    assert!(matches!(e.kind, ConditionErrorKind::InvalidRegex { .. }));
    assert!(gb(r#"{"a":{"$regex":"^a\\/b$"}}"#, r#"{"a":"a/b"}"#));
    assert!(gb(r#"{"a":{"$regexi":"^ABC$"}}"#, r#"{"a":"abc"}"#));
    // `.` stops at line terminators, as in JavaScript.
    assert!(!gb(r#"{"a":{"$regex":"^a.b$"}}"#, r#"{"a":"a\rb"}"#));
    // `test` reads String(value): a missing attribute is "null".
    assert!(gb(r#"{"a":{"$regex":"^null$"}}"#, "{}"));
}

#[test]
fn unknown_operators_and_groups_are_false_in_growthbook_mode() {
    assert!(!gb(r#"{"a":{"$regx":"x"}}"#, r#"{"a":"x"}"#));
    assert!(!gb(r#"{"a":{"$in":"x"}}"#, r#"{"a":"x"}"#));
    assert!(!gb(r#"{"a":{"$nin":"x"}}"#, r#"{"a":"y"}"#));
    assert!(!gb(r#"{"a":{"$type":"integer"}}"#, r#"{"a":1}"#));
    assert!(!gb_groups(
        r#"{"a":{"$inGroup":"nope"}}"#,
        r#"{"a":1}"#,
        r#"{"g":[1]}"#
    ));
    assert!(gb_groups(
        r#"{"a":{"$notInGroup":"nope"}}"#,
        r#"{"a":1}"#,
        r#"{"g":[1]}"#
    ));
}

#[test]
fn javascript_coercions_decide_shorthand_equality() {
    // value + "" === condition
    assert!(gb(r#"{"a":"null"}"#, "{}"));
    assert!(gb(r#"{"a":"1,2"}"#, r#"{"a":[1,2]}"#));
    assert!(gb(r#"{"a":"1e+21"}"#, r#"{"a":1e21}"#));
    assert!(gb(r#"{"a":"[object Object]"}"#, r#"{"a":{}}"#));
    assert!(!gb(r#"{"a":"1.0"}"#, r#"{"a":1}"#));
    // value * 1 === condition
    assert!(gb(r#"{"a":0}"#, "{}"));
    assert!(gb(r#"{"a":5}"#, r#"{"a":" 5 "}"#));
    assert!(gb(r#"{"a":1}"#, r#"{"a":true}"#));
    assert!(gb(r#"{"a":7}"#, r#"{"a":["7"]}"#));
    // value !== null && !!value === condition
    assert!(gb(r#"{"a":true}"#, r#"{"a":[]}"#));
    assert!(gb(r#"{"a":false}"#, r#"{"a":""}"#));
    assert!(!gb(r#"{"a":false}"#, "{}"));
    // JSON.stringify equality keeps key order
    assert!(gb(r#"{"a":{"x":1,"y":2}}"#, r#"{"a":{"x":1,"y":2}}"#));
    assert!(!gb(r#"{"a":{"x":1,"y":2}}"#, r#"{"a":{"y":2,"x":1}}"#));
    assert!(gb(r#"{"a":{}}"#, r#"{"a":{}}"#));
}

#[test]
fn relational_operators_follow_javascript_comparison() {
    assert!(gb(r#"{"a":{"$lt":10}}"#, "{}")); // null -> 0
    assert!(gb(r#"{"a":{"$gt":"5"}}"#, r#"{"a":8}"#));
    assert!(!gb(r#"{"a":{"$gt":"5"}}"#, r#"{"a":"10"}"#)); // both strings: "10" < "5"
    assert!(!gb(r#"{"a":{"$lt":5}}"#, r#"{"a":"abc"}"#)); // NaN
    assert!(!gb(r#"{"a":{"$gte":5}}"#, r#"{"a":"abc"}"#));
    assert!(gb(r#"{"a":{"$lt":3}}"#, r#"{"a":[2]}"#));
    assert!(gb(r#"{"a":{"$gte":1}}"#, r#"{"a":true}"#));
    // UTF-16 order: an astral character sorts below U+E000, although its UTF-8 bytes sort above.
    assert!(gb(r#"{"a":{"$lt":"\ue000"}}"#, r#"{"a":"😀"}"#));
    assert!(!gb(r#"{"a":{"$gt":"\ue000"}}"#, r#"{"a":"😀"}"#));
}

#[test]
fn version_operators_pad_and_strip_like_growthbook() {
    assert!(gb(r#"{"v":{"$vgt":"1.9.0"}}"#, r#"{"v":"1.10.0"}"#));
    assert!(gb(r#"{"v":{"$veq":"2"}}"#, r#"{"v":2}"#));
    assert!(gb(r#"{"v":{"$veq":"0"}}"#, "{}"));
    assert!(gb(r#"{"v":{"$veq":"1.2.3"}}"#, r#"{"v":"v1.2.3+build.5"}"#));
    assert!(gb(r#"{"v":{"$vlt":"1.0.0"}}"#, r#"{"v":"1.0.0-rc.1"}"#));
    assert!(gb(
        r#"{"v":{"$vgte":"100000.0.0"}}"#,
        r#"{"v":"100000.0.0"}"#
    ));
}

#[test]
fn attribute_paths_walk_objects_and_arrays_like_get_path() {
    let attributes = r#"{"tags":["a","b"],"c":{"x":{"y":1}},"n":null,"s":"abc"}"#;
    assert!(gb(r#"{"tags.0":"a"}"#, attributes));
    assert!(gb(r#"{"tags.1":"b"}"#, attributes));
    assert!(gb(r#"{"tags.01":null}"#, attributes));
    assert!(gb(r#"{"tags.length":2}"#, attributes));
    assert!(gb(r#"{"tags.length.x":null}"#, attributes));
    assert!(gb(r#"{"c.x.y":1}"#, attributes));
    assert!(gb(r#"{"c.x.z":{"$exists":false}}"#, attributes));
    assert!(gb(r#"{"s.length":null}"#, attributes)); // strings are not objects
    assert!(gb(r#"{"n.x":null}"#, attributes));
}

#[test]
fn elem_match_skips_only_null_elements() {
    assert!(gb(r#"{"a":{"$elemMatch":{"$eq":0}}}"#, r#"{"a":[null,0]}"#));
    assert!(gb(
        r#"{"a":{"$elemMatch":{"$eq":false}}}"#,
        r#"{"a":[false]}"#
    ));
    assert!(!gb(
        r#"{"a":{"$elemMatch":{"$exists":false}}}"#,
        r#"{"a":[null]}"#
    ));
    assert!(gb(
        r#"{"a":{"$elemMatch":{"x.y":{"$gt":1}}}}"#,
        r#"{"a":[{"x":{"y":0}},{"x":{"y":2}}]}"#
    ));
    assert!(gb(r#"{"a":{"$elemMatch":{}}}"#, r#"{"a":[1]}"#));
}

#[test]
fn case_insensitive_operators_fold_unicode() {
    assert!(gb(r#"{"a":{"$ini":["ÉCOLE"]}}"#, r#"{"a":"école"}"#));
    assert!(gb(
        r#"{"a":{"$alli":["ÉCOLE","b"]}}"#,
        r#"{"a":["B","École"]}"#
    ));
    let many: Vec<String> = (0..50).map(|i| format!("\"Code{i}\"")).collect();
    let condition = format!(r#"{{"a":{{"$ini":[{}]}}}}"#, many.join(","));
    assert!(gb(&condition, r#"{"a":"CODE42"}"#));
    assert!(!gb(&condition, r#"{"a":"CODE50"}"#));
    let condition = format!(r#"{{"a":{{"$in":[{}]}}}}"#, many.join(","));
    assert!(gb(&condition, r#"{"a":["x","Code49"]}"#));
    assert!(!gb(&condition, r#"{"a":"code49"}"#));
}

const GROUPS: &str = r#"{
    "legacy": [1, "a"],
    "list": {"type": "list", "attributeKey": "id", "values": ["u1", "u2"]},
    "cond": {"type": "condition", "condition": {"plan": "pro"}},
    "both": {"type": "condition", "condition": {"$or": [{"$savedGroup": {"id": "cond"}}, {"$savedGroup": {"id": "list"}}]}},
    "loop": {"type": "condition", "condition": {"$savedGroup": {"id": "loop"}}}
}"#;

#[test]
fn saved_groups_resolve_lists_and_conditions() {
    let check = |condition: &str, attributes: &str| gb_groups(condition, attributes, GROUPS);
    assert!(check(r#"{"$savedGroup":{"id":"list"}}"#, r#"{"id":"u2"}"#));
    assert!(!check(r#"{"$savedGroup":{"id":"list"}}"#, r#"{"id":"u3"}"#));
    assert!(check(
        r#"{"$savedGroup":{"id":"list","attributeKey":"other"}}"#,
        r#"{"other":"u1"}"#
    ));
    assert!(check(
        r#"{"$savedGroup":{"id":"cond"}}"#,
        r#"{"plan":"pro"}"#
    ));
    assert!(check(r#"{"$savedGroup":{"id":"both"}}"#, r#"{"id":"u1"}"#));
    assert!(!check(r#"{"$savedGroup":{"id":"both"}}"#, r#"{"id":"x"}"#));
    assert!(!check(r#"{"$savedGroup":{"id":"loop"}}"#, "{}"));
    assert!(!check(r#"{"$savedGroup":{"id":"legacy"}}"#, r#"{"id":1}"#));
    assert!(check(r#"{"id":{"$inGroup":"list"}}"#, r#"{"id":"u1"}"#));
    // A condition group holds no values: $inGroup and $notInGroup both match nobody.
    assert!(!check(r#"{"id":{"$inGroup":"cond"}}"#, r#"{"id":"u1"}"#));
    assert!(!check(r#"{"id":{"$notInGroup":"cond"}}"#, r#"{"id":"u1"}"#));
}

#[test]
fn strict_mode_rejects_unusable_saved_group_references() {
    let error = |condition: &str| {
        compile_with_groups(condition, Mode::Strict, GROUPS)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        error(r#"{"$savedGroup":{"id":"loop"}}"#),
        "$savedGroup.loop.$savedGroup: saved group \"loop\" refers to itself"
    );
    assert_eq!(
        error(r#"{"$savedGroup":{"id":"legacy"}}"#),
        "$savedGroup: saved group \"legacy\" is a bare array of values; use $inGroup"
    );
    assert_eq!(
        error(r#"{"$savedGroup":{"id":"nope"}}"#),
        "$savedGroup: unknown saved group \"nope\""
    );
    assert_eq!(
        error(r#"{"$savedGroup":"list"}"#),
        "$savedGroup: $savedGroup expects an object with an id, found string"
    );
    assert_eq!(
        error(r#"{"x":{"$notInGroup":"cond"}}"#),
        "x.$notInGroup: saved group \"cond\" holds no list of values; use $savedGroup"
    );
    assert!(compile_with_groups(r#"{"$savedGroup":{"id":"both"}}"#, Mode::Strict, GROUPS).is_ok());
}

#[test]
fn saved_groups_reject_malformed_entries_by_path() {
    let error = |groups: &str| {
        SavedGroups::from_value(&parse(groups).unwrap())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        error("[]"),
        "condition: saved groups expects an object, found array"
    );
    assert_eq!(
        error(r#"{"g":5}"#),
        "g: saved group expects an array or an object, found number"
    );
    assert_eq!(
        error(r#"{"g":{"type":"x"}}"#),
        "g.type: saved group expects \"list\" or \"condition\", found string"
    );
    assert_eq!(
        error(r#"{"g":{"type":"list","values":"a"}}"#),
        "g.values: saved group expects an array, found string"
    );
    assert_eq!(
        error(r#"{"g":{"type":"list","attributeKey":1,"values":[]}}"#),
        "g.attributeKey: saved group expects a string, found number"
    );
    assert_eq!(
        error(r#"{"g":{"type":"condition","condition":"x"}}"#),
        "g.condition: saved group expects an object, found string"
    );
}

#[test]
fn slots_are_shared_across_conditions_and_missing_slots_read_null() {
    let mut keys = AttributeKeys::new();
    let groups = SavedGroups::new();
    let attributes = parse(r#"{"a":1,"b":2}"#).unwrap();
    let early = keys.resolve(&attributes);
    let c = Condition::compile(
        &parse(r#"{"a":{"$exists":false},"b.c":null}"#).unwrap(),
        Mode::Strict,
        &mut keys,
        &groups,
    )
    .unwrap();
    let d = Condition::compile(
        &parse(r#"{"a":1,"$or":[{"a":2},{"e":3}]}"#).unwrap(),
        Mode::Strict,
        &mut keys,
        &groups,
    )
    .unwrap();
    assert_eq!(keys.paths().collect::<Vec<_>>(), ["a", "b.c", "e"]);
    assert_eq!((c.attribute_count(), d.attribute_count()), (2, 2));
    // Resolved before the paths were interned: every slot reads null, nothing panics.
    assert!(early.is_empty());
    assert!(c.eval(&early));
    assert!(!d.eval(&early));
    assert!(Condition::always().eval(&early));
}

#[test]
fn non_object_conditions_follow_object_entries() {
    assert!(gb("5", "{}"));
    assert!(!gb("null", "{}"));
    assert!(gb(r#"{"$or":{"a":1}}"#, "{}"));
    assert!(!gb(r#"{"$nor":{"a":1}}"#, "{}"));
    assert!(gb(r#"{"$or":[]}"#, "{}"));
    assert!(!gb(r#"{"$nor":[]}"#, "{}"));
    assert!(!gb(r#"{"$not":{}}"#, "{}"));
}

#[test]
fn shared_expensive_clauses_are_remembered_per_request_not_across_requests() {
    let mut keys = AttributeKeys::new();
    let groups = SavedGroups::new();
    let texts = [
        r#"{"email":{"$regex":"^u[0-9]+@"},"plan":"pro"}"#,
        r#"{"email":{"$regex":"^u[0-9]+@"}}"#,
        r#"{"$or":[{"email":{"$regex":"^u[0-9]+@"}},{"plan":"free"}]}"#,
        r#"{"tags":{"$elemMatch":{"$eq":"sale"}},"email":{"$regex":"^[a-z]+@"}}"#,
    ];
    let conditions: Vec<Condition> = texts
        .iter()
        .map(|t| Condition::compile(&parse(t).unwrap(), Mode::Strict, &mut keys, &groups).unwrap())
        .collect();
    let answers = |attributes: &str| {
        let attributes = parse(attributes).unwrap();
        let resolved = keys.resolve(&attributes);
        conditions
            .iter()
            .map(|c| c.eval(&resolved))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        answers(r#"{"email":"u12@x.jp","plan":"pro","tags":["sale"]}"#),
        [true, true, true, false]
    );
    assert_eq!(
        answers(r#"{"email":"ann@x.jp","plan":"free","tags":["sale"]}"#),
        [false, false, true, true]
    );
    assert_eq!(
        answers(r#"{"email":"u7@x.jp","plan":"free","tags":[]}"#),
        [false, true, true, false]
    );
}

#[test]
fn plain_text_patterns_match_like_the_regex_engine() {
    let patterns = [
        "\\.jp$",
        "^u1",
        "ab",
        "^abc$",
        "@example\\.com$",
        "",
        "^",
        "$",
        "^$",
        "a\\-b",
        "é",
    ];
    let haystacks = [
        "",
        "a",
        "ab",
        "abc",
        "xabc",
        "u1@x.jp",
        "x.jp",
        "x.jpn",
        "me@example.com",
        "a-b",
        "é",
        "ABC",
    ];
    for pattern in patterns {
        for insensitive in [false, true] {
            let Some(literal) = super::literal::Literal::parse(pattern, insensitive) else {
                // Non-ASCII case folding is left to the regex engine.
                assert!(
                    insensitive && !pattern.is_ascii(),
                    "{pattern} is plain text"
                );
                continue;
            };
            let regex = super::regex::Regex::new(pattern, insensitive).unwrap();
            for haystack in haystacks {
                assert_eq!(
                    literal.matches(haystack),
                    regex.is_match(haystack),
                    "{pattern:?} on {haystack:?}"
                );
            }
        }
    }
    for pattern in [
        "a.b", "a+", "(a)", "[a]", "a|b", "a{2}", "\\d", "a^b", "a$b",
    ] {
        assert!(
            super::literal::Literal::parse(pattern, false).is_none(),
            "{pattern}"
        );
    }
    assert!(super::literal::Literal::parse("é", true).is_none());
}

#[test]
fn cheap_clauses_are_tested_first_without_changing_answers() {
    // The regex and $elemMatch come first in the text but are tested last; the answer is the same.
    let condition = r#"{"orders":{"$elemMatch":{"category":"toys"}},"email":{"$regex":"^[a-z]+\\."},"country":"GB"}"#;
    assert!(gb(
        condition,
        r#"{"orders":[{"category":"toys"}],"email":"a.b@x","country":"GB"}"#
    ));
    assert!(!gb(
        condition,
        r#"{"orders":[{"category":"toys"}],"email":"a.b@x","country":"JP"}"#
    ));
    assert!(!gb(
        condition,
        r#"{"orders":[],"email":"a.b@x","country":"GB"}"#
    ));
}

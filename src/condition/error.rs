//! Why a condition was rejected, and where inside it.

use std::fmt;

/// A condition that cannot be compiled, with the JSON path of the offending part relative to the condition
/// (`plan.$regx`, `$and[1].age.$gt`; empty for the condition itself). Callers that embed conditions in a
/// larger document prefix the path with [`ConditionError::at`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", display_path(path))]
pub struct ConditionError {
    /// Where in the condition, as a JSON path (`$or[0].country.$in`); empty for the whole condition.
    pub path: String,
    /// What was wrong, as a lowercase sentence (the `Display` of `kind`).
    pub message: String,
    /// What was wrong, for matching on.
    pub kind: ConditionErrorKind,
}

/// What was wrong with a condition or a saved-groups object.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConditionErrorKind {
    /// An operator no GrowthBook SDK knows, such as `$regx`.
    #[error("unknown operator")]
    UnknownOperator,
    /// An operand of the wrong JSON type, such as `{"$in": 1}`.
    #[error("{operator} expects {expected}, found {found}")]
    WrongOperand {
        /// The operator (`$in`), or `condition` for a condition that is not an object.
        operator: String,
        /// What it accepts.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// An object mixing operators with plain keys, which GrowthBook would silently compare as JSON.
    #[error("object mixes operators ({operator}) with plain keys ({key}); use only operators or only plain keys")]
    MixedKeys {
        /// The first operator key.
        operator: String,
        /// The first plain key.
        key: String,
    },
    /// A `$type` operand that is not a JSON type name.
    #[error(
        "unknown type \"{name}\", expected one of null, boolean, number, string, array, object"
    )]
    UnknownType {
        /// The name given.
        name: String,
    },
    /// A regular expression that does not compile (or uses a feature the engine lacks, such as
    /// look-around or backreferences, or exceeds its size limit).
    #[error("invalid regex \"{pattern}\": {reason}")]
    InvalidRegex {
        /// The pattern.
        pattern: String,
        /// The regex compiler's explanation.
        reason: String,
    },
    /// A regular expression longer than [`super::MAX_REGEX_LEN`] characters.
    #[error("regex of {length} characters is longer than the limit of {limit}")]
    RegexTooLong {
        /// The pattern's length in characters.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// `$inGroup`/`$notInGroup` naming a group the saved groups do not hold.
    #[error("unknown saved group \"{id}\"")]
    UnknownSavedGroup {
        /// The group id.
        id: String,
    },
    /// A saved group that exists but cannot serve the operator naming it.
    #[error("saved group \"{id}\" {reason}")]
    SavedGroupUnusable {
        /// The group id.
        id: String,
        /// Why (`is a condition group; use $savedGroup`).
        reason: &'static str,
    },
    /// A `$savedGroup` condition group that refers back to itself.
    #[error("saved group \"{id}\" refers to itself")]
    SavedGroupCycle {
        /// The group id.
        id: String,
    },
    /// Conditions nested deeper than [`super::MAX_CONDITION_DEPTH`] levels.
    #[error("condition nested deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

impl ConditionError {
    pub(crate) fn new(path: String, kind: ConditionErrorKind) -> Self {
        ConditionError {
            path,
            message: kind.to_string(),
            kind,
        }
    }

    /// Prefixes the path with where the condition sits in a larger document.
    ///
    /// ```
    /// use nextoffer::condition::{AttributeKeys, Condition, Mode, SavedGroups};
    /// use nextoffer::json::parse;
    /// let condition = parse(r#"{"plan":{"$regx":"pro"}}"#).unwrap();
    /// let err = Condition::compile(&condition, Mode::Strict, &mut AttributeKeys::new(), &SavedGroups::new())
    ///     .unwrap_err()
    ///     .at("offers[3].condition");
    /// assert_eq!(err.to_string(), "offers[3].condition.plan.$regx: unknown operator");
    /// ```
    pub fn at(mut self, prefix: &str) -> Self {
        self.path = match (prefix.is_empty(), self.path.is_empty()) {
            (true, _) => self.path,
            (false, true) => prefix.to_owned(),
            (false, false) if self.path.starts_with('[') => format!("{prefix}{}", self.path),
            (false, false) => format!("{prefix}.{}", self.path),
        };
        self
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() {
        "condition"
    } else {
        path
    }
}

/// Where the compiler is inside the condition, rendered only when an error needs it.
#[derive(Clone, Copy)]
pub(crate) enum Trail<'a> {
    Root,
    Key(&'a Trail<'a>, &'a str),
    Index(&'a Trail<'a>, usize),
}

impl<'a> Trail<'a> {
    pub(crate) fn key(&'a self, key: &'a str) -> Trail<'a> {
        Trail::Key(self, key)
    }

    pub(crate) fn index(&'a self, index: usize) -> Trail<'a> {
        Trail::Index(self, index)
    }

    /// The error `kind` here, boxed: the compiler passes errors up through every level of a condition, and a
    /// pointer moves where the 56-byte error was copied at each `?` (about 1 KB less browser Wasm).
    pub(crate) fn error(&self, kind: ConditionErrorKind) -> Box<ConditionError> {
        Box::new(ConditionError::new(self.to_string(), kind))
    }
}

impl fmt::Display for Trail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trail::Root => Ok(()),
            Trail::Key(parent, key) => {
                parent.fmt(f)?;
                if !matches!(parent, Trail::Root) {
                    f.write_str(".")?;
                }
                f.write_str(key)
            }
            Trail::Index(parent, index) => {
                parent.fmt(f)?;
                write!(f, "[{index}]")
            }
        }
    }
}

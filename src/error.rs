//! The errors of the decision engine: loading a model, reading a request, recording feedback, importing state.
//!
//! Every error carries a stable [`Error::code`] for programs and a [`Error::path`] naming the offending field,
//! so the JavaScript layer can throw an `Error` with both, and a person can fix the input from the message alone.

use crate::decode::FieldError;
use crate::json::ParseError;

/// Which input an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The offer model given to the engine.
    Model,
    /// A decide request.
    Request,
    /// A feedback event.
    Event,
    /// A learned state being imported or merged.
    State,
}

impl Input {
    fn name(self) -> &'static str {
        match self {
            Input::Model => "model",
            Input::Request => "request",
            Input::Event => "event",
            Input::State => "state",
        }
    }
}

impl std::fmt::Display for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An error of the decision engine.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The input is not JSON.
    #[error("{input}: invalid JSON at {source}")]
    Json {
        /// Which input.
        input: Input,
        /// Where and what the parser found.
        source: ParseError,
    },
    /// The input is JSON, but a field is missing, of the wrong type, or out of range.
    #[error("{input}: {}: {}", .field.path(), .field.message())]
    Invalid {
        /// Which input.
        input: Input,
        /// The field and what is wrong with it.
        field: FieldError,
    },
    /// An event or state names an offer the loaded model does not have.
    #[error("{input}: {path}: unknown offer \"{id}\"")]
    UnknownOffer {
        /// Which input.
        input: Input,
        /// Where the id was found.
        path: String,
        /// The unknown id.
        id: String,
    },
}

impl Error {
    /// A stable, machine-readable code: `invalid-json`, `invalid-model`, `invalid-request`, `invalid-event`,
    /// `invalid-state` or `unknown-offer`.
    ///
    /// ```
    /// let err = nextoffer::Engine::from_json("{").unwrap_err();
    /// assert_eq!(err.code(), "invalid-json");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::Json { .. } => "invalid-json",
            Error::Invalid {
                input: Input::Model,
                ..
            } => "invalid-model",
            Error::Invalid {
                input: Input::Request,
                ..
            } => "invalid-request",
            Error::Invalid {
                input: Input::Event,
                ..
            } => "invalid-event",
            Error::Invalid {
                input: Input::State,
                ..
            } => "invalid-state",
            Error::UnknownOffer { .. } => "unknown-offer",
        }
    }

    /// The JSON path of the offending field (empty when the whole input is at fault).
    pub fn path(&self) -> &str {
        match self {
            Error::Json { .. } => "",
            Error::Invalid { field, .. } => field.path(),
            Error::UnknownOffer { path, .. } => path,
        }
    }

    /// Which input the error is about.
    pub fn input(&self) -> Input {
        match self {
            Error::Json { input, .. }
            | Error::Invalid { input, .. }
            | Error::UnknownOffer { input, .. } => *input,
        }
    }

    pub(crate) fn invalid(input: Input) -> impl Fn(FieldError) -> Error {
        move |field| Error::Invalid { input, field }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path(), self.message())
    }
}

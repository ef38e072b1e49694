//! Errors of the engine: IDL problems (with JSON pointers into the IDL) and codec errors (with JSON
//! pointers into the value being encoded, or byte offsets into the data being decoded).

use serde::Serialize;

/// One thing wrong with an IDL document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON pointer into the IDL document (`/instructions/3/args/0/type`).
    pub pointer: String,
    pub message: String,
}

impl Problem {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}

/// Why an IDL was refused. A refusal is total: no partial model is ever returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("IDL is not valid JSON: {0}")]
    NotJson(String),
    #[error("unrecognised IDL format: expected an Anchor IDL (instructions) or a Codama rootNode")]
    UnknownFormat,
    #[error("IDL has {} problem(s); first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<Problem>),
}

impl ParseError {
    /// The problems, for error responses (`NotJson`/`UnknownFormat` become one problem at the root).
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            ParseError::Invalid(problems) => problems.clone(),
            other => vec![Problem::new("", other.to_string())],
        }
    }
}

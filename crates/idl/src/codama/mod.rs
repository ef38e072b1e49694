//! Codama `rootNode` IDLs → [`Program`](crate::Program).

use crate::{ParseOptions, Problem, Program};

pub fn parse(_value: &serde_json::Value, _options: &ParseOptions) -> Result<Program, Vec<Problem>> {
    Err(vec![Problem::new("", "Codama parsing is not implemented yet")])
}

//! A small toolkit for walking IDL JSON while collecting [`Problem`]s with JSON pointers.

use serde_json::{Map, Value};

use crate::describe::json_kind as kind_of;
use crate::pointer::join;
use crate::Problem;

/// Problems found so far; a walk never stops at the first one.
#[derive(Debug, Default)]
pub struct Ctx {
    pub problems: Vec<Problem>,
}

impl Ctx {
    pub fn problem(&mut self, ptr: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(ptr, message));
    }

    /// `v` as an object, or a problem.
    pub fn object<'v>(&mut self, v: &'v Value, ptr: &str) -> Option<&'v Map<String, Value>> {
        match v.as_object() {
            Some(o) => Some(o),
            None => {
                self.problem(ptr, format!("expected an object, got {}", kind_of(v)));
                None
            }
        }
    }

    /// A required string member.
    pub fn req_str<'v>(&mut self, v: &'v Value, key: &str, ptr: &str) -> Option<&'v str> {
        match v.get(key) {
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.problem(
                    join(ptr, key),
                    format!("expected a string, got {}", kind_of(other)),
                );
                None
            }
            None => {
                self.problem(ptr, format!("missing `{key}`"));
                None
            }
        }
    }

    /// An optional string member (a non-string is a problem).
    pub fn opt_str<'v>(&mut self, v: &'v Value, key: &str, ptr: &str) -> Option<&'v str> {
        match v.get(key) {
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) => None,
            Some(other) => {
                self.problem(
                    join(ptr, key),
                    format!("expected a string, got {}", kind_of(other)),
                );
                None
            }
        }
    }

    /// An optional boolean member; absent means `false`.
    pub fn flag(&mut self, v: &Value, key: &str, ptr: &str) -> bool {
        match v.get(key) {
            Some(Value::Bool(b)) => *b,
            None | Some(Value::Null) => false,
            Some(other) => {
                self.problem(
                    join(ptr, key),
                    format!("expected a boolean, got {}", kind_of(other)),
                );
                false
            }
        }
    }

    /// An optional array member; absent means empty.
    pub fn list<'v>(&mut self, v: &'v Value, key: &str, ptr: &str) -> &'v [Value] {
        match v.get(key) {
            Some(Value::Array(a)) => a,
            None | Some(Value::Null) => &[],
            Some(other) => {
                self.problem(
                    join(ptr, key),
                    format!("expected an array, got {}", kind_of(other)),
                );
                &[]
            }
        }
    }

    /// `docs` (array of strings) or legacy `desc` (string).
    pub fn docs(&mut self, v: &Value, ptr: &str) -> Vec<String> {
        let mut docs = Vec::new();
        for (i, d) in self.list(v, "docs", ptr).iter().enumerate() {
            match d.as_str() {
                Some(s) => docs.push(s.to_string()),
                None => self.problem(join(&join(ptr, "docs"), i), "expected a string"),
            }
        }
        if let Some(Value::String(desc)) = v.get("desc") {
            docs.push(desc.clone());
        }
        docs
    }

    /// A byte array (`[1, 2, 3]`).
    pub fn bytes(&mut self, v: &Value, ptr: &str) -> Option<Vec<u8>> {
        let Some(items) = v.as_array() else {
            self.problem(
                ptr,
                format!("expected an array of bytes, got {}", kind_of(v)),
            );
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, b) in items.iter().enumerate() {
            match b.as_u64().and_then(|n| u8::try_from(n).ok()) {
                Some(b) => out.push(b),
                None => {
                    self.problem(join(ptr, i), "expected a byte (0-255)");
                    return None;
                }
            }
        }
        Some(out)
    }
}

//! The walking context: problem collection with JSON pointers, and typed accessors for node fields.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::{Pda, Problem, Type};

/// Deepest nesting of type or value nodes we follow (serde_json already caps text input at 128).
pub(super) const MAX_DEPTH: usize = 96;

/// What earlier passes learned and later ones look up: defined types (to encode constant values
/// and to type-direct default values) and named PDAs (for `pdaLinkNode`).
#[derive(Default)]
pub(super) struct Env {
    pub types: HashMap<String, Type>,
    pub pdas: HashMap<String, Pda>,
    /// This program's name (a `programLinkNode` naming it is a local link).
    pub program_name: Option<String>,
    /// PDAs of `additionalPrograms`: (program name, PDA name, PDA under that program's address).
    pub foreign_pdas: Vec<(String, String, Pda)>,
}

/// One pass over (part of) the document.
pub(super) struct Ctx<'e> {
    problems: Vec<Problem>,
    /// First pass over the defined types: failures are expected (forward references), not reported.
    quiet: bool,
    /// A quiet pass still needs to know whether something went wrong.
    failed: bool,
    pub depth: usize,
    pub env: &'e Env,
}

impl<'e> Ctx<'e> {
    pub fn new(env: &'e Env) -> Self {
        Self {
            problems: Vec::new(),
            quiet: false,
            failed: false,
            depth: 0,
            env,
        }
    }

    pub fn quiet(env: &'e Env) -> Self {
        Self {
            quiet: true,
            ..Self::new(env)
        }
    }

    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// How many problems were reported so far (a quiet pass counts failures too).
    pub fn problem_count(&self) -> usize {
        self.problems.len() + usize::from(self.failed)
    }

    pub fn problem(&mut self, pointer: &str, message: impl Into<String>) {
        self.failed = true;
        if !self.quiet {
            self.problems.push(Problem::new(pointer, message));
        }
    }

    /// `v` as an object, or a problem.
    pub fn obj<'v>(&mut self, v: &'v Value, ptr: &str) -> Option<&'v Map<String, Value>> {
        let o = v.as_object();
        if o.is_none() {
            self.problem(ptr, format!("expected an object, got {}", json_kind(v)));
        }
        o
    }

    /// `v` as a Codama node: an object with a string `kind`.
    pub fn node<'v>(
        &mut self,
        v: &'v Value,
        ptr: &str,
    ) -> Option<(&'v str, &'v Map<String, Value>)> {
        let o = self.obj(v, ptr)?;
        match o.get("kind").and_then(Value::as_str) {
            Some(kind) => Some((kind, o)),
            None => {
                self.problem(
                    ptr,
                    "expected a Codama node (an object with a string `kind`)",
                );
                None
            }
        }
    }

    /// `v` as a node of exactly `kind`.
    pub fn node_of<'v>(
        &mut self,
        v: &'v Value,
        kind: &str,
        ptr: &str,
    ) -> Option<&'v Map<String, Value>> {
        let (k, o) = self.node(v, ptr)?;
        if k == kind {
            Some(o)
        } else {
            self.problem(ptr, format!("expected a {kind}, got {k}"));
            None
        }
    }

    pub fn req<'v>(
        &mut self,
        o: &'v Map<String, Value>,
        key: &str,
        ptr: &str,
    ) -> Option<&'v Value> {
        let v = o.get(key);
        if v.is_none() {
            self.problem(ptr, format!("missing `{key}`"));
        }
        v
    }

    pub fn req_str<'v>(
        &mut self,
        o: &'v Map<String, Value>,
        key: &str,
        ptr: &str,
    ) -> Option<&'v str> {
        let v = self.req(o, key, ptr)?;
        let s = v.as_str();
        if s.is_none() {
            self.problem(
                &child(ptr, key),
                format!("expected a string, got {}", json_kind(v)),
            );
        }
        s
    }

    /// An optional string: absent or `null` gives `None`; any other non-string is a problem.
    pub fn opt_str<'v>(
        &mut self,
        o: &'v Map<String, Value>,
        key: &str,
        ptr: &str,
    ) -> Option<&'v str> {
        match o.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(v) => {
                self.problem(
                    &child(ptr, key),
                    format!("expected a string, got {}", json_kind(v)),
                );
                None
            }
        }
    }

    pub fn opt_bool(
        &mut self,
        o: &Map<String, Value>,
        key: &str,
        ptr: &str,
        default: bool,
    ) -> bool {
        match o.get(key) {
            None | Some(Value::Null) => default,
            Some(Value::Bool(b)) => *b,
            Some(v) => {
                self.problem(
                    &child(ptr, key),
                    format!("expected a boolean, got {}", json_kind(v)),
                );
                default
            }
        }
    }

    pub fn req_u64(&mut self, o: &Map<String, Value>, key: &str, ptr: &str) -> Option<u64> {
        let v = self.req(o, key, ptr)?;
        let n = v.as_u64();
        if n.is_none() {
            self.problem(
                &child(ptr, key),
                format!("expected a non-negative integer, got {v}"),
            );
        }
        n
    }

    pub fn req_i64(&mut self, o: &Map<String, Value>, key: &str, ptr: &str) -> Option<i64> {
        let v = self.req(o, key, ptr)?;
        let n = v.as_i64();
        if n.is_none() {
            self.problem(&child(ptr, key), format!("expected an integer, got {v}"));
        }
        n
    }

    pub fn req_usize(&mut self, o: &Map<String, Value>, key: &str, ptr: &str) -> Option<usize> {
        let n = self.req_u64(o, key, ptr)?;
        let u = usize::try_from(n).ok();
        if u.is_none() {
            self.problem(&child(ptr, key), format!("{n} is too large"));
        }
        u
    }

    /// An optional array (absent or `null` = empty).
    pub fn list<'v>(&mut self, o: &'v Map<String, Value>, key: &str, ptr: &str) -> &'v [Value] {
        match o.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(v) => {
                self.problem(
                    &child(ptr, key),
                    format!("expected an array, got {}", json_kind(v)),
                );
                &[]
            }
        }
    }

    /// `docs`: an optional array of strings.
    pub fn docs(&mut self, o: &Map<String, Value>, ptr: &str) -> Vec<String> {
        let mut docs = Vec::new();
        let list_ptr = child(ptr, "docs");
        for (i, d) in self.list(o, "docs", ptr).iter().enumerate() {
            match d.as_str() {
                Some(s) => docs.push(s.to_owned()),
                None => self.problem(&child(&list_ptr, i), "expected a string"),
            }
        }
        docs
    }

    /// Runs `f` one nesting level deeper, refusing documents nested beyond [`MAX_DEPTH`].
    pub fn nested<T>(&mut self, ptr: &str, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.depth >= MAX_DEPTH {
            self.problem(ptr, "nodes are nested too deeply");
            return None;
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }
}

pub(super) use crate::describe::json_kind;
/// The JSON pointer of `key` under `ptr`.
pub(super) use crate::pointer::join as child;

/// The kind of a node, if `v` is one (no problem recorded).
pub(super) fn kind_of(v: &Value) -> Option<&str> {
    v.get("kind").and_then(Value::as_str)
}

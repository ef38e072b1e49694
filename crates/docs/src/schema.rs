//! JSON Schema (draft 2020-12) of the canonical JSON of a type.
//!
//! Named (non-generic) types become `$ref`s: into `#/$defs/…` for a standalone schema
//! ([`json_schema`]) or into `#/components/schemas/…` inside the OpenAPI document. Generic
//! instantiations (`Foo<u64, 4>`) are expanded inline, their parameters resolved.

use std::collections::{HashMap, HashSet};

use orquestra_idl::{
    Count, EnumVariant, Field, Instruction, NumberKind, Program, StringEncoding, Type,
    VariantFields,
};
use serde_json::{json, Map, Value};

use crate::env::Env;

/// The JSON Schema dialect every generated schema uses.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

const MAX_DEPTH: usize = 64;
/// Largest integer accepted as a JSON number for 64-bit+ values (JavaScript's safe range).
const MAX_SAFE: u64 = (1 << 53) - 1;
pub(crate) const PUBKEY_PATTERN: &str = "^[1-9A-HJ-NP-Za-km-z]{32,44}$";

/// A standalone draft 2020-12 schema of the canonical JSON of `ty`: named types it uses are
/// defined under `$defs` and referenced as `#/$defs/<Name>`.
pub fn json_schema(program: &Program, ty: &Type) -> Value {
    let mut gen = SchemaGen::new(program, "#/$defs/");
    let root = gen.schema(ty, &Env::default(), 0);
    standalone(root, gen.finish())
}

/// A standalone draft 2020-12 schema of an instruction's `args` object.
pub fn instruction_args_schema(program: &Program, ix: &Instruction) -> Value {
    let mut gen = SchemaGen::new(program, "#/$defs/");
    let root = gen.fields_object(&ix.args, &Env::default(), 0);
    standalone(root, gen.finish())
}

fn standalone(root: Value, defs: Map<String, Value>) -> Value {
    let mut out = Map::new();
    out.insert("$schema".into(), Value::String(DIALECT.into()));
    if let Value::Object(o) = root {
        out.extend(o);
    }
    if !defs.is_empty() {
        out.insert("$defs".into(), Value::Object(defs));
    }
    Value::Object(out)
}

/// Names made unique by a numeric suffix (`base`, `base_2`, …), in constant time per name even
/// when thousands of names clean up to the same base.
#[derive(Default)]
pub(crate) struct UniqueNames {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl UniqueNames {
    pub(crate) fn claim(&mut self, base: &str) -> String {
        if self.used.insert(base.to_owned()) {
            return base.to_owned();
        }
        let next = self.next_suffix.entry(base.to_owned()).or_insert(2);
        loop {
            let candidate = format!("{base}_{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Builds schemas and collects the named types they refer to.
pub(crate) struct SchemaGen<'p> {
    program: &'p Program,
    prefix: &'static str,
    /// IDL name → definition key, in order of first use.
    keys: Vec<(String, String)>,
    key_of: HashMap<String, String>,
    used_keys: UniqueNames,
    /// How many of `keys` already have a definition.
    done: usize,
    defs: Map<String, Value>,
}

impl<'p> SchemaGen<'p> {
    pub(crate) fn new(program: &'p Program, prefix: &'static str) -> Self {
        Self {
            program,
            prefix,
            keys: Vec::new(),
            key_of: HashMap::new(),
            used_keys: UniqueNames::default(),
            done: 0,
            defs: Map::new(),
        }
    }

    /// The definition key of named type `name` (registered for [`Self::finish`]).
    pub(crate) fn key(&mut self, name: &str) -> String {
        if let Some(k) = self.key_of.get(name) {
            return k.clone();
        }
        let key = self.reserve(name);
        self.keys.push((name.to_string(), key.clone()));
        self.key_of.insert(name.to_string(), key.clone());
        key
    }

    /// A definition key for a schema that is not an IDL type (kept apart from IDL type keys).
    pub(crate) fn reserve(&mut self, base: &str) -> String {
        self.used_keys.claim(&sanitize(base))
    }

    /// Definitions of every named type referred to so far (and of those they refer to).
    pub(crate) fn finish(&mut self) -> Map<String, Value> {
        while self.done < self.keys.len() {
            let (name, key) = self.keys[self.done].clone();
            self.done += 1;
            let def = self.definition(&name);
            self.defs.insert(key, def);
        }
        std::mem::take(&mut self.defs)
    }

    fn definition(&mut self, name: &str) -> Value {
        let program = self.program;
        let docs = program
            .type_def(name)
            .map(|t| t.docs.as_slice())
            .unwrap_or_default();
        let mut schema = match program.resolve_defined(name) {
            Some(([], body)) => self.schema(body, &Env::default(), 0),
            _ => json!({"description": format!("unresolved type `{name}`")}),
        };
        if let Value::Object(o) = &mut schema {
            let mut head = Map::new();
            head.insert("title".into(), Value::String(name.to_string()));
            if let Some(d) = description(docs) {
                head.insert("description".into(), d);
            }
            head.extend(std::mem::take(o));
            *o = head;
        }
        schema
    }

    /// The schema of a value of `ty`.
    pub(crate) fn schema<'a>(&mut self, ty: &'a Type, env: &Env<'a>, depth: usize) -> Value
    where
        'p: 'a,
    {
        self.sized(ty, env, None, depth)
    }

    fn sized<'a>(
        &mut self,
        ty: &'a Type,
        env: &Env<'a>,
        budget: Option<usize>,
        depth: usize,
    ) -> Value
    where
        'p: 'a,
    {
        if depth > MAX_DEPTH {
            return json!({});
        }
        let d = depth + 1;
        match ty {
            Type::Bool { .. } => json!({"type": "boolean"}),
            Type::Number { format } => number_schema(format.kind),
            Type::PublicKey => pubkey_schema(),
            Type::String { encoding } => string_schema(*encoding, budget),
            Type::Bytes => bytes_schema(budget),
            Type::SizePrefixed { inner, .. } => self.sized(inner, env, None, d),
            Type::FixedSize { inner, size } => self.sized(inner, env, Some(*size), d),
            Type::Option { inner, .. }
            | Type::ZeroableOption { inner, .. }
            | Type::RemainderOption { inner } => {
                let inner = self.schema(inner, env, d);
                json!({"anyOf": [{"type": "null"}, inner]})
            }
            Type::Array { inner, count } | Type::Set { inner, count } => {
                let items = self.schema(inner, env, d);
                let mut o = Map::new();
                o.insert("type".into(), json!("array"));
                o.insert("items".into(), items);
                length(&mut o, env, count);
                Value::Object(o)
            }
            Type::Map { key, value, count } => {
                let k = self.schema(key, env, d);
                let v = self.schema(value, env, d);
                let mut o = Map::new();
                o.insert("type".into(), json!("array"));
                o.insert(
                    "items".into(),
                    json!({
                        "type": "array",
                        "prefixItems": [k, v],
                        "items": false,
                        "minItems": 2,
                        "maxItems": 2,
                    }),
                );
                length(&mut o, env, count);
                o.insert(
                    "description".into(),
                    json!("map as an array of [key, value] pairs"),
                );
                Value::Object(o)
            }
            Type::Tuple { items } | Type::TupleStruct { items } => {
                let prefix: Vec<Value> = items.iter().map(|t| self.schema(t, env, d)).collect();
                json!({
                    "type": "array",
                    "prefixItems": prefix,
                    "items": false,
                    "minItems": items.len(),
                    "maxItems": items.len(),
                })
            }
            Type::Struct { fields } => self.fields_object(fields, env, d),
            Type::Enum { variants, .. } => self.enumeration(variants, env, d),
            Type::Defined { name, generics } if generics.is_empty() => {
                if self.program.resolve_defined(name).is_none() {
                    return json!({"description": format!("unresolved type `{name}`")});
                }
                let key = self.key(name);
                json!({"$ref": format!("{}{key}", self.prefix)})
            }
            Type::Defined { name, generics } => match env.enter(self.program, name, generics) {
                Some((body, inner)) => self.sized(body, &inner, budget, d),
                None => json!({"description": format!("unresolved type `{name}`")}),
            },
            Type::Generic { name } => match env.type_param(name) {
                Some((bound, outer)) => self.sized(bound, &outer, budget, d),
                None => json!({}),
            },
            Type::PreOffset { inner, .. }
            | Type::PostOffset { inner, .. }
            | Type::Sentinel { inner, .. }
            | Type::HiddenPrefix { inner, .. }
            | Type::HiddenSuffix { inner, .. } => self.sized(inner, env, budget, d),
        }
    }

    /// An object schema of named fields (struct, struct variant, instruction arguments): fields
    /// with an omitted default are absent, fields with an optional default are not required.
    pub(crate) fn fields_object<'a>(
        &mut self,
        fields: &'a [Field],
        env: &Env<'a>,
        depth: usize,
    ) -> Value
    where
        'p: 'a,
    {
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut listed = HashSet::new();
        for f in fields {
            if f.omitted_default.is_some() {
                continue;
            }
            let mut s = self.schema(&f.ty, env, depth + 1);
            if let Value::Object(o) = &mut s {
                if let Some(d) = description(&f.docs) {
                    o.insert("description".into(), d);
                }
                if let Some(default) = &f.optional_default {
                    o.insert("default".into(), default.clone());
                }
            }
            // A defective IDL can name a field twice; `required` must list it once to stay
            // a valid schema (the item itself is refused by the codec anyway).
            if f.optional_default.is_none() && listed.insert(f.name.as_str()) {
                required.push(Value::String(f.name.clone()));
            }
            properties.insert(f.name.clone(), s);
        }
        let mut o = Map::new();
        o.insert("type".into(), json!("object"));
        o.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            o.insert("required".into(), Value::Array(required));
        }
        o.insert("additionalProperties".into(), Value::Bool(false));
        Value::Object(o)
    }

    fn enumeration<'a>(&mut self, variants: &'a [EnumVariant], env: &Env<'a>, depth: usize) -> Value
    where
        'p: 'a,
    {
        if variants
            .iter()
            .all(|v| matches!(v.fields, VariantFields::Unit))
        {
            let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
            return json!({"type": "string", "enum": names});
        }
        let one_of: Vec<Value> = variants
            .iter()
            .map(|v| {
                let mut s = match &v.fields {
                    VariantFields::Unit => json!({"type": "string", "const": v.name}),
                    VariantFields::Named { fields } => {
                        let payload = self.fields_object(fields, env, depth);
                        single_key(&v.name, payload)
                    }
                    VariantFields::Tuple { items } => {
                        let prefix: Vec<Value> =
                            items.iter().map(|t| self.schema(t, env, depth)).collect();
                        let payload = json!({
                            "type": "array",
                            "prefixItems": prefix,
                            "items": false,
                            "minItems": items.len(),
                            "maxItems": items.len(),
                        });
                        single_key(&v.name, payload)
                    }
                    VariantFields::Nested { ty } => {
                        let payload = self.schema(ty, env, depth);
                        single_key(&v.name, payload)
                    }
                };
                if let (Value::Object(o), Some(d)) = (&mut s, description(&v.docs)) {
                    o.insert("description".into(), d);
                }
                s
            })
            .collect();
        json!({ "oneOf": one_of })
    }
}

fn single_key(name: &str, payload: Value) -> Value {
    let mut properties = Map::new();
    properties.insert(name.to_string(), payload);
    json!({
        "type": "object",
        "properties": properties,
        "required": [name],
        "additionalProperties": false,
    })
}

fn length(o: &mut Map<String, Value>, env: &Env<'_>, count: &Count) {
    if let Some(n) = env.fixed_len(count) {
        o.insert("minItems".into(), Value::from(n));
        o.insert("maxItems".into(), Value::from(n));
    }
}

/// Docs lines as a schema `description`.
fn description(docs: &[String]) -> Option<Value> {
    let text = docs
        .iter()
        .map(|d| d.trim())
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string();
    (!text.is_empty()).then_some(Value::String(text))
}

/// A definition key OpenAPI accepts (`^[a-zA-Z0-9._-]+$`).
pub(crate) fn sanitize(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "_".into()
    } else {
        s
    }
}

pub(crate) fn pubkey_schema() -> Value {
    json!({"type": "string", "pattern": PUBKEY_PATTERN, "description": "base58 public key"})
}

pub(crate) fn number_schema(kind: NumberKind) -> Value {
    let small = |min: i64, max: u64| json!({"type": "integer", "minimum": min, "maximum": max});
    let big = |name: &str, digits: usize, signed: bool, range: &str| {
        let (pattern, min) = if signed {
            (format!("^-?[0-9]{{1,{digits}}}$"), -(MAX_SAFE as i64))
        } else {
            (format!("^[0-9]{{1,{digits}}}$"), 0)
        };
        json!({
            "anyOf": [
                {"type": "string", "pattern": pattern},
                {"type": "integer", "minimum": min, "maximum": MAX_SAFE},
            ],
            "description": format!(
                "{name} as a decimal string ({range}); integers up to 2^53-1 are also accepted"
            ),
        })
    };
    match kind {
        NumberKind::U8 => small(0, u64::from(u8::MAX)),
        NumberKind::U16 | NumberKind::ShortU16 => small(0, u64::from(u16::MAX)),
        NumberKind::U32 => small(0, u64::from(u32::MAX)),
        NumberKind::I8 => small(i64::from(i8::MIN), i8::MAX as u64),
        NumberKind::I16 => small(i64::from(i16::MIN), i16::MAX as u64),
        NumberKind::I32 => small(i64::from(i32::MIN), i32::MAX as u64),
        NumberKind::F32 | NumberKind::F64 => json!({"type": "number"}),
        NumberKind::U64 => big("u64", 20, false, "0 to 18446744073709551615"),
        NumberKind::I64 => big(
            "i64",
            19,
            true,
            "-9223372036854775808 to 9223372036854775807",
        ),
        NumberKind::U128 => big("u128", 39, false, "0 to 2^128-1"),
        NumberKind::I128 => big("i128", 39, true, "-2^127 to 2^127-1"),
        NumberKind::U256 => big("u256", 78, false, "0 to 2^256-1"),
        NumberKind::I256 => big("i256", 77, true, "-2^255 to 2^255-1"),
    }
}

fn string_schema(encoding: StringEncoding, budget: Option<usize>) -> Value {
    let mut o = Map::new();
    o.insert("type".into(), json!("string"));
    match encoding {
        StringEncoding::Utf8 => {
            if let Some(n) = budget {
                o.insert("maxLength".into(), Value::from(n));
            }
        }
        StringEncoding::Base16 => {
            o.insert("pattern".into(), json!("^(0x)?([0-9a-fA-F]{2})*$"));
        }
        StringEncoding::Base58 => {
            o.insert("pattern".into(), json!("^[1-9A-HJ-NP-Za-km-z]*$"));
        }
        StringEncoding::Base64 => {
            o.insert("pattern".into(), json!("^[A-Za-z0-9+/]*={0,2}$"));
        }
    }
    Value::Object(o)
}

fn bytes_schema(budget: Option<usize>) -> Value {
    let mut array = Map::new();
    array.insert("type".into(), json!("array"));
    array.insert(
        "items".into(),
        json!({"type": "integer", "minimum": 0, "maximum": 255}),
    );
    if let Some(n) = budget {
        array.insert("maxItems".into(), Value::from(n));
    }
    json!({
        "anyOf": [
            Value::Object(array),
            {"type": "string", "pattern": "^[A-Za-z0-9+/]*={0,2}$", "contentEncoding": "base64"},
            {
                "type": "object",
                "properties": {"hex": {"type": "string", "pattern": "^(0x)?([0-9a-fA-F]{2})*$"}},
                "required": ["hex"],
                "additionalProperties": false,
            },
            {
                "type": "object",
                "properties": {"base64": {"type": "string", "pattern": "^[A-Za-z0-9+/]*={0,2}$"}},
                "required": ["base64"],
                "additionalProperties": false,
            },
        ],
        "description": "bytes: an array of 0-255, a base64 string, {\"hex\": …} or {\"base64\": …}",
    })
}

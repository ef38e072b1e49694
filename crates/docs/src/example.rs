//! Canonical-JSON example values that the codec accepts: u64+ as decimal strings,
//! valid base58 public keys, bytes as arrays, the first enum variant, `null` options, arrays of the
//! right length, generics resolved, Codama fixed sizes respected.

use orquestra_idl::{
    AccountDefault, Count, EnumVariant, Field, Instruction, NumberKind, Program, StringEncoding,
    Type, VariantFields,
};
use std::cell::Cell;

use serde_json::{Map, Value};

use crate::env::Env;
use crate::render::{account_path, base58, flat_accounts, hex};

/// Deeper than this, a value is not produced (a type that contains itself without an option).
const MAX_DEPTH: usize = 48;
/// Fixed-length arrays longer than this are shown symbolically (`"<4294967295 × u8>"`) rather than
/// written out: an example stays readable and proportional to the IDL, not to the data.
pub const MAX_EXAMPLE_ITEMS: usize = 8192;
/// JSON nodes one example may hold; past this it is `null` (types that fan out: two fields of
/// the next type, eighteen levels deep, would otherwise expand to 2^18 leaves).
pub const MAX_EXAMPLE_NODES: usize = 1 << 17;
/// JSON nodes all the examples of one document (CPI.md, llms.txt, the OpenAPI document) may hold
/// together; later examples are omitted, so a document stays proportional to its IDL.
pub const MAX_DOCUMENT_EXAMPLE_NODES: usize = 1 << 18;
/// What a Markdown document says where an example was omitted for its budget.
pub(crate) const EXAMPLE_OMITTED: &str =
    "_Example omitted: this document's example budget is spent; see the instruction's own route._\n\n";
/// Below this depth, variable-length collections get one item; deeper they are empty.
const ONE_ITEM_DEPTH: usize = 12;

/// A canonical-JSON example of a value of `ty` that [`Program::encode_value`] accepts, or `null`
/// when the type cannot have one (an unknown or recursive type).
pub fn example_value(program: &Program, ty: &Type) -> Value {
    value_with(&Gen::new(program), ty)
}

fn value_with(gen: &Gen<'_>, ty: &Type) -> Value {
    gen.value(ty, &Env::default(), Hint::default(), 0)
        .unwrap_or(Value::Null)
}

/// The example `args` object of an instruction (arguments with an omitted default are left out,
/// arguments with an optional default show that default).
pub fn example_args(program: &Program, ix: &Instruction) -> Value {
    args_with(&Gen::new(program), ix)
}

fn args_with(gen: &Gen<'_>, ix: &Instruction) -> Value {
    Value::Object(gen.fields(&ix.args, &Env::default(), 0).unwrap_or_default())
}

/// The example budget of one document: each example still has its own bound, and together they
/// hold at most [`MAX_DOCUMENT_EXAMPLE_NODES`] nodes; once spent, examples are `None` (omitted).
pub(crate) struct DocumentExamples<'p> {
    program: &'p Program,
    left: Cell<usize>,
}

impl<'p> DocumentExamples<'p> {
    pub(crate) fn new(program: &'p Program) -> Self {
        Self {
            program,
            left: Cell::new(MAX_DOCUMENT_EXAMPLE_NODES),
        }
    }

    fn with<T>(&self, produce: impl FnOnce(&Gen<'p>) -> T) -> Option<T> {
        let left = self.left.get();
        if left == 0 {
            return None;
        }
        let start = left.min(MAX_EXAMPLE_NODES);
        let gen = Gen::with_nodes(self.program, start);
        let out = produce(&gen);
        self.left
            .set(left.saturating_sub(start - gen.nodes_left.get()));
        Some(out)
    }

    /// [`example_request`] within the document's budget.
    pub(crate) fn request(&self, ix: &Instruction) -> Option<Value> {
        self.with(|gen| request_with(gen, ix))
    }

    /// [`example_value`] within the document's budget.
    pub(crate) fn value(&self, ty: &Type) -> Option<Value> {
        self.with(|gen| value_with(gen, ty))
    }
}

/// The example body of `POST /api/{projectId}/instructions/{name}/build`:
/// `{"args": {…}, "accounts": {path: address}, "feePayer": …}`. Fixed addresses are filled in,
/// optional accounts are left out, other accounts get a readable placeholder public key
/// ([`placeholder_pubkey`] of their name).
pub fn example_request(program: &Program, ix: &Instruction) -> Value {
    request_with(&Gen::new(program), ix)
}

fn request_with(gen: &Gen<'_>, ix: &Instruction) -> Value {
    let program = gen.program;
    let fee_payer = placeholder_pubkey("fee_payer");
    let mut accounts = Map::new();
    for (group, account) in flat_accounts(&ix.accounts) {
        if account.optional {
            continue;
        }
        let address = match (&account.address, &account.default) {
            (Some(address), _) => address.clone(),
            (None, Some(AccountDefault::Payer | AccountDefault::Identity)) => fee_payer.clone(),
            (None, Some(AccountDefault::ProgramId)) => program
                .address
                .clone()
                .unwrap_or_else(|| placeholder_pubkey("program")),
            (None, Some(AccountDefault::Account { name })) => placeholder_pubkey(name),
            _ => placeholder_pubkey(&account.name),
        };
        accounts.insert(
            account_path(group.as_deref(), account),
            Value::String(address),
        );
    }
    let mut body = Map::new();
    body.insert("args".into(), args_with(gen, ix));
    body.insert("accounts".into(), Value::Object(accounts));
    body.insert("feePayer".into(), Value::String(fee_payer));
    Value::Object(body)
}

/// A valid, obviously fake base58 public key spelling `label`: `fee_payer` →
/// `FeePayer11111111111111111111111111111111111` (43 characters, decodes to exactly 32 bytes).
pub fn placeholder_pubkey(label: &str) -> String {
    let mut prefix = String::new();
    let mut upper = true;
    for c in label.chars() {
        if !c.is_ascii_alphanumeric() {
            upper = true;
            continue;
        }
        let c = if upper { c.to_ascii_uppercase() } else { c };
        upper = false;
        // Characters outside the base58 alphabet get a look-alike.
        let c = match c {
            '0' | 'O' => 'o',
            'I' => 'i',
            'l' => 'L',
            c => c,
        };
        prefix.push(c);
        if prefix.len() == 30 {
            break;
        }
    }
    // The first digit must be ≥ 4 ('5' or later) for 43 digits to reach 32 bytes.
    if !prefix.starts_with(|c: char| c.is_ascii_alphabetic() || ('5'..='9').contains(&c)) {
        prefix.insert_str(0, "Key");
    }
    prefix.truncate(30);
    let pad = 43 - prefix.len();
    prefix.push_str(&"1".repeat(pad));
    prefix
}

#[derive(Debug, Clone, Copy, Default)]
struct Hint<'h> {
    /// Maximum encoded length of a string/bytes value (Codama fixed size).
    budget: Option<usize>,
    /// The field name, for readable public keys.
    name: Option<&'h str>,
}

struct Gen<'p> {
    program: &'p Program,
    /// JSON nodes this example may still produce.
    nodes_left: Cell<usize>,
}

impl<'p> Gen<'p> {
    fn new(program: &'p Program) -> Self {
        Self::with_nodes(program, MAX_EXAMPLE_NODES)
    }

    fn with_nodes(program: &'p Program, nodes: usize) -> Self {
        Self {
            program,
            nodes_left: Cell::new(nodes),
        }
    }

    /// Takes `n` nodes from the budget; `false` (and an exhausted budget) when too few are left.
    fn spend(&self, n: usize) -> bool {
        match self.nodes_left.get().checked_sub(n) {
            Some(left) => {
                self.nodes_left.set(left);
                true
            }
            None => {
                self.nodes_left.set(0);
                false
            }
        }
    }

    /// `n` copies of an example of `inner`, charging the budget for every copy.
    fn repeat(
        &self,
        n: usize,
        produce: impl FnOnce() -> Option<Value>,
        label: impl FnOnce() -> String,
    ) -> Option<Value> {
        if n == 0 {
            return Some(Value::Array(Vec::new()));
        }
        if n > MAX_EXAMPLE_ITEMS {
            return Some(Value::String(format!("<{n} × {}>", label())));
        }
        let before = self.nodes_left.get();
        let item = produce()?;
        let per_item = before.saturating_sub(self.nodes_left.get()).max(1);
        if !self.spend(per_item.saturating_mul(n - 1)) {
            return None;
        }
        Some(Value::Array(vec![item; n]))
    }

    fn value<'a>(&self, ty: &'a Type, env: &Env<'a>, hint: Hint<'_>, depth: usize) -> Option<Value>
    where
        'p: 'a,
    {
        if depth > MAX_DEPTH || !self.spend(1) {
            return None;
        }
        let d = depth + 1;
        let plain = Hint {
            budget: None,
            name: hint.name,
        };
        Some(match ty {
            Type::Bool { .. } => Value::Bool(false),
            Type::Number { format } => number(format.kind),
            Type::PublicKey => Value::String(placeholder_pubkey(hint.name.unwrap_or("pubkey"))),
            Type::String { encoding } => string(*encoding, hint.budget),
            Type::Bytes => {
                let n = hint.budget.unwrap_or(4).min(4);
                Value::Array((1..=n).map(Value::from).collect())
            }
            Type::SizePrefixed { inner, .. } => self.value(inner, env, plain, d)?,
            Type::FixedSize { inner, size } => self.value(
                inner,
                env,
                Hint {
                    budget: Some(*size),
                    name: hint.name,
                },
                d,
            )?,
            Type::Option { .. } | Type::ZeroableOption { .. } | Type::RemainderOption { .. } => {
                Value::Null
            }
            Type::Array { inner, count } | Type::Set { inner, count } => {
                let n = match count {
                    Count::Prefixed { .. } | Count::Remainder => {
                        usize::from(depth < ONE_ITEM_DEPTH)
                    }
                    fixed => env.fixed_len(fixed)?,
                };
                self.repeat(
                    n,
                    || self.value(inner, env, plain, d),
                    || crate::render_type(self.program, inner),
                )?
            }
            Type::Map { key, value, count } => {
                let n = match count {
                    Count::Prefixed { .. } | Count::Remainder => {
                        usize::from(depth < ONE_ITEM_DEPTH)
                    }
                    fixed => env.fixed_len(fixed)?,
                };
                self.repeat(
                    n,
                    || {
                        let k = self.value(key, env, Hint::default(), d)?;
                        let v = self.value(value, env, plain, d)?;
                        Some(Value::Array(vec![k, v]))
                    },
                    || "[key, value]".to_owned(),
                )?
            }
            Type::Tuple { items } | Type::TupleStruct { items } => Value::Array(
                items
                    .iter()
                    .map(|t| self.value(t, env, plain, d))
                    .collect::<Option<Vec<_>>>()?,
            ),
            Type::Struct { fields } => Value::Object(self.fields(fields, env, d)?),
            Type::Enum { variants, .. } => {
                // The first variant that has an example; deep in a recursive type, variants
                // without fields first.
                let units = variants
                    .iter()
                    .filter(|v| matches!(v.fields, VariantFields::Unit));
                let ordered: Vec<&EnumVariant> = if depth > ONE_ITEM_DEPTH {
                    units.chain(variants.iter()).collect()
                } else {
                    variants.iter().collect()
                };
                ordered.into_iter().find_map(|v| self.variant(v, env, d))?
            }
            Type::Defined { name, generics } => {
                let (body, inner_env) = env.enter(self.program, name, generics)?;
                self.value(body, &inner_env, hint, d)?
            }
            Type::Generic { name } => {
                let (bound, outer) = env.type_param(name)?;
                self.value(bound, &outer, hint, d)?
            }
            Type::Sentinel { inner, sentinel } => {
                let v = self.value(inner, env, hint, d)?;
                if contains_sentinel(&v, sentinel) {
                    empty_like(&v)
                } else {
                    v
                }
            }
            Type::PreOffset { inner, .. }
            | Type::PostOffset { inner, .. }
            | Type::HiddenPrefix { inner, .. }
            | Type::HiddenSuffix { inner, .. } => self.value(inner, env, hint, d)?,
        })
    }

    fn variant<'a>(&self, v: &'a EnumVariant, env: &Env<'a>, depth: usize) -> Option<Value>
    where
        'p: 'a,
    {
        let payload = match &v.fields {
            VariantFields::Unit => return Some(Value::String(v.name.clone())),
            VariantFields::Named { fields } => Value::Object(self.fields(fields, env, depth)?),
            VariantFields::Tuple { items } => Value::Array(
                items
                    .iter()
                    .map(|t| self.value(t, env, Hint::default(), depth))
                    .collect::<Option<Vec<_>>>()?,
            ),
            VariantFields::Nested { ty } => self.value(ty, env, Hint::default(), depth)?,
        };
        let mut o = Map::new();
        o.insert(v.name.clone(), payload);
        Some(Value::Object(o))
    }

    fn fields<'a>(
        &self,
        fields: &'a [Field],
        env: &Env<'a>,
        depth: usize,
    ) -> Option<Map<String, Value>>
    where
        'p: 'a,
    {
        let mut out = Map::new();
        for f in fields {
            if f.omitted_default.is_some() {
                continue;
            }
            let v = match &f.optional_default {
                Some(default) => default.clone(),
                None => self.value(
                    &f.ty,
                    env,
                    Hint {
                        budget: None,
                        name: Some(&f.name),
                    },
                    depth,
                )?,
            };
            out.insert(f.name.clone(), v);
        }
        Some(out)
    }
}

fn number(kind: NumberKind) -> Value {
    match kind {
        NumberKind::U64
        | NumberKind::U128
        | NumberKind::U256
        | NumberKind::I64
        | NumberKind::I128
        | NumberKind::I256 => Value::String("1".into()),
        NumberKind::F32 | NumberKind::F64 => Value::from(1.5),
        _ => Value::from(1),
    }
}

fn string(encoding: StringEncoding, budget: Option<usize>) -> Value {
    const SAMPLE: &[u8] = b"example";
    let n = budget.unwrap_or(SAMPLE.len()).min(SAMPLE.len());
    let bytes = &SAMPLE[..n];
    Value::String(match encoding {
        StringEncoding::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        StringEncoding::Base16 => hex(bytes),
        StringEncoding::Base58 => base58(bytes),
        // Three bytes per four characters, no padding needed.
        StringEncoding::Base64 => {
            if n >= 3 {
                "ZXhh".into()
            } else {
                String::new()
            }
        }
    })
}

/// Whether the UTF-8 of a string example or the bytes of a bytes example contain `sentinel`.
fn contains_sentinel(v: &Value, sentinel: &[u8]) -> bool {
    if sentinel.is_empty() {
        return false;
    }
    let bytes: Vec<u8> = match v {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Array(items) => items
            .iter()
            .filter_map(|b| b.as_u64().and_then(|n| u8::try_from(n).ok()))
            .collect(),
        _ => return false,
    };
    bytes.windows(sentinel.len()).any(|w| w == sentinel)
}

fn empty_like(v: &Value) -> Value {
    match v {
        Value::String(_) => Value::String(String::new()),
        Value::Array(_) => Value::Array(Vec::new()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn placeholders_are_32_byte_keys() {
        for label in [
            "fee_payer",
            "a",
            "",
            "0x",
            "1st",
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "Owner_IL0",
            "_",
            "ünïcode",
        ] {
            let key = placeholder_pubkey(label);
            assert_eq!(key.len(), 43, "{key}");
            let program = orquestra_idl::Program {
                format: orquestra_idl::IdlFormat::Anchor,
                name: String::new(),
                address: None,
                version: None,
                spec: None,
                docs: vec![],
                instructions: vec![],
                accounts: vec![],
                types: vec![],
                events: vec![],
                errors: vec![],
                constants: vec![],
                pdas: vec![],
                defects: Vec::new(),
                index: Default::default(),
            };
            let bytes = program
                .encode_value(&Type::PublicKey, &Value::String(key.clone()))
                .unwrap_or_else(|e| panic!("{label:?} → {key}: {e}"));
            assert_eq!(bytes.len(), 32);
        }
        assert_eq!(
            placeholder_pubkey("fee_payer"),
            "FeePayer11111111111111111111111111111111111"
        );
    }
}

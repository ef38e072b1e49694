#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The value forms real clients write, besides canonical JSON: Codama's `{"__kind": …}` enums and
//! `{"__option": …}` options, and Anchor's `{"variantName": {"0": …}}` tuple variants. Every golden
//! case of the corpus is rewritten into each form (guided by its types) and must encode to the
//! same reference bytes.

mod common;

use common::{hex, testdata, vector_cases};
use orquestra_idl::{parse, Field, ParseOptions, Program, Type, VariantFields};
use serde_json::{json, Map, Value};

#[derive(Clone, Copy, PartialEq)]
enum Form {
    Codama,
    Anchor,
}

/// How many values the rewrite changed, by kind, so the test proves it exercised each form.
#[derive(Default)]
struct Rewrites {
    options: usize,
    enums: usize,
    tuple_variants: usize,
}

fn rewrite(p: &Program, ty: &Type, v: &Value, form: Form, n: &mut Rewrites, depth: usize) -> Value {
    if depth > 64 {
        return v.clone();
    }
    let d = depth + 1;
    match ty.unwrapped() {
        Type::Defined { name, generics } if generics.is_empty() => match p.resolve_defined(name) {
            Some(([], body)) => rewrite(p, body, v, form, n, d),
            _ => v.clone(),
        },
        Type::Option { inner, .. }
        | Type::ZeroableOption { inner, .. }
        | Type::RemainderOption { inner }
            if form == Form::Codama =>
        {
            n.options += 1;
            if v.is_null() {
                json!({"__option": "None"})
            } else {
                json!({"__option": "Some", "value": rewrite(p, inner, v, form, n, d)})
            }
        }
        Type::Option { inner, .. }
        | Type::ZeroableOption { inner, .. }
        | Type::RemainderOption { inner } => {
            if v.is_null() {
                Value::Null
            } else {
                rewrite(p, inner, v, form, n, d)
            }
        }
        Type::Struct { fields } => fields_rewrite(p, fields, v, form, n, d),
        Type::Array { inner, .. } | Type::Set { inner, .. } => match v {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| rewrite(p, inner, i, form, n, d))
                    .collect(),
            ),
            _ => v.clone(),
        },
        Type::Tuple { items } | Type::TupleStruct { items } => {
            tuple_rewrite(p, items, v, form, n, d)
        }
        Type::Enum { variants, .. } => {
            let (name, payload) = match v {
                Value::String(s) => (s.as_str(), None),
                Value::Object(o) if o.len() == 1 => {
                    let (k, p) = o.iter().next().unwrap();
                    (k.as_str(), Some(p))
                }
                _ => return v.clone(),
            };
            let Some(variant) = variants.iter().find(|x| x.name == name) else {
                return v.clone();
            };
            n.enums += 1;
            match (form, &variant.fields, payload) {
                (Form::Codama, VariantFields::Named { fields }, Some(p_)) => {
                    let mut out = Map::new();
                    out.insert("__kind".into(), json!(name));
                    if let Value::Object(o) = fields_rewrite(p, fields, p_, form, n, d) {
                        out.extend(o);
                    }
                    Value::Object(out)
                }
                (Form::Codama, VariantFields::Tuple { items }, Some(p_)) => {
                    n.tuple_variants += 1;
                    json!({"__kind": name, "fields": tuple_rewrite(p, items, p_, form, n, d)})
                }
                (Form::Codama, VariantFields::Unit, _) => json!({"__kind": name}),
                (Form::Anchor, VariantFields::Tuple { items }, Some(p_)) => {
                    n.tuple_variants += 1;
                    let Value::Array(values) = tuple_rewrite(p, items, p_, form, n, d) else {
                        return v.clone();
                    };
                    let keyed: Map<String, Value> = values
                        .into_iter()
                        .enumerate()
                        .map(|(i, x)| (i.to_string(), x))
                        .collect();
                    json!({ name: keyed })
                }
                (Form::Anchor, VariantFields::Named { fields }, Some(p_)) => {
                    json!({ name: fields_rewrite(p, fields, p_, form, n, d) })
                }
                (Form::Anchor, VariantFields::Unit, _) => json!({ name: {} }),
                _ => v.clone(),
            }
        }
        _ => v.clone(),
    }
}

fn fields_rewrite(
    p: &Program,
    fields: &[Field],
    v: &Value,
    form: Form,
    n: &mut Rewrites,
    d: usize,
) -> Value {
    let Value::Object(o) = v else {
        return v.clone();
    };
    let mut out = o.clone();
    for f in fields {
        if let Some(x) = o.get(&f.name) {
            out.insert(f.name.clone(), rewrite(p, &f.ty, x, form, n, d));
        }
    }
    Value::Object(out)
}

fn tuple_rewrite(
    p: &Program,
    items: &[Type],
    v: &Value,
    form: Form,
    n: &mut Rewrites,
    d: usize,
) -> Value {
    match v {
        Value::Array(values) if values.len() == items.len() => Value::Array(
            items
                .iter()
                .zip(values)
                .map(|(t, x)| rewrite(p, t, x, form, n, d))
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// Rewrites every golden case of the corpus into `form` and checks the bytes.
fn check_form(form: Form) -> Rewrites {
    let mut n = Rewrites::default();
    let mut failures = Vec::new();
    for dir in ["anchor", "anchor-legacy", "codama"] {
        for entry in std::fs::read_dir(testdata().join("idls").join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let Ok(program) = parse(
                &std::fs::read_to_string(&path).unwrap(),
                &ParseOptions::default(),
            ) else {
                continue;
            };
            for case in vector_cases(&stem) {
                let (encoded, rewritten) = if let Some(ix_name) = case["instruction"].as_str() {
                    let Some(ix) = program.find_instruction(ix_name) else {
                        continue;
                    };
                    let args = fields_rewrite(&program, &ix.args, &case["args"], form, &mut n, 0);
                    (program.encode_instruction(ix_name, &args), args)
                } else {
                    let name = case["account"].as_str().unwrap();
                    let Some(acc) = program.find_account(name) else {
                        continue;
                    };
                    let value = rewrite(&program, &acc.ty, &case["value"], form, &mut n, 0);
                    (program.encode_account(name, &value), value)
                };
                match encoded {
                    Ok(bytes) if hex(&bytes) == case["hex"].as_str().unwrap() => {}
                    other => failures.push(format!(
                        "{stem}: {rewritten} → {other:?}, want {}",
                        case["hex"]
                    )),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s), first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    n
}

#[test]
fn codama_kind_and_option_forms_give_the_golden_bytes() {
    let n = check_form(Form::Codama);
    assert!(
        n.options > 0 && n.enums > 0 && n.tuple_variants > 0,
        "options {} enums {} tuples {}",
        n.options,
        n.enums,
        n.tuple_variants
    );
}

#[test]
fn anchor_positional_tuple_variants_give_the_golden_bytes() {
    let n = check_form(Form::Anchor);
    assert!(
        n.enums > 0 && n.tuple_variants > 0,
        "enums {} tuples {}",
        n.enums,
        n.tuple_variants
    );
}

#[test]
fn malformed_option_and_kind_forms_are_refused_with_a_pointer() {
    let p = parse(
        &std::fs::read_to_string(testdata().join("idls/codama/spl_token.json")).unwrap(),
        &ParseOptions::default(),
    )
    .unwrap();
    let option = Type::Option {
        inner: Box::new(Type::PublicKey),
        prefix: orquestra_idl::NumberFormat {
            kind: orquestra_idl::NumberKind::U8,
            endian: orquestra_idl::Endian::Little,
        },
        fixed: false,
    };
    let err = p
        .encode_value(&option, &json!({"__option": "Maybe"}))
        .unwrap_err();
    assert_eq!(err.code, orquestra_idl::CodecErrorCode::TypeMismatch);
    let err = p
        .encode_value(&option, &json!({"__option": "Some", "value": "0OIl"}))
        .unwrap_err();
    assert_eq!(err.path, "/value");
    assert_eq!(
        p.encode_value(&option, &json!({"__option": "None"}))
            .unwrap(),
        [0]
    );
}

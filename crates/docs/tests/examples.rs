#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every example the crate produces is accepted by the codec.

mod common;

use orquestra_docs::{example_args, example_request, example_value};
use orquestra_idl::{Program, Type, VariantFields};
use serde_json::Value;

#[test]
fn every_instruction_example_encodes() {
    let mut ok = 0;
    let mut failures = Vec::new();
    for (file, program) in common::corpus() {
        for ix in &program.instructions {
            let args = example_args(&program, ix);
            match program.encode_instruction(&ix.name, &args) {
                Ok(_) => ok += 1,
                Err(e) => failures.push(format!("{file} {}: {e} (args {args})", ix.name)),
            }
            // The example request carries the same args.
            let req = example_request(&program, ix);
            assert_eq!(req["args"], args);
            assert!(req["feePayer"].is_string());
        }
    }
    println!("instruction examples encoded: {ok}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ok > 600, "only {ok} instructions");
}

#[test]
fn every_account_example_encodes() {
    let mut ok = 0;
    let mut failures = Vec::new();
    for (file, program) in common::corpus() {
        for acc in &program.accounts {
            let value = example_value(&program, &acc.ty);
            match program.encode_account(&acc.name, &value) {
                Ok(bytes) => {
                    ok += 1;
                    // And decodes back to a value that encodes to the same bytes.
                    let decoded = program.decode_account(&acc.name, &bytes).unwrap();
                    assert_eq!(
                        program.encode_account(&acc.name, &decoded.value).unwrap(),
                        bytes,
                        "{file} {}",
                        acc.name
                    );
                }
                Err(e) => failures.push(format!("{file} {}: {e}", acc.name)),
            }
        }
    }
    println!("account examples encoded: {ok}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Named types `ty` refers to (transitively) that the program does not define.
fn unresolved(program: &Program, ty: &Type, seen: &mut Vec<String>, out: &mut Vec<String>) {
    let mut walk = |t: &Type| unresolved(program, t, seen, out);
    match ty {
        Type::Defined { name, generics } => {
            for g in generics {
                if let orquestra_idl::GenericArg::Type { ty } = g {
                    walk(ty);
                }
            }
            if seen.contains(name) {
                return;
            }
            seen.push(name.clone());
            match program.resolve_defined(name) {
                Some((_, body)) => unresolved(program, body, seen, out),
                None => out.push(name.clone()),
            }
        }
        Type::Struct { fields } => fields.iter().for_each(|f| walk(&f.ty)),
        Type::Tuple { items } | Type::TupleStruct { items } => items.iter().for_each(walk),
        Type::Enum { variants, .. } => {
            for v in variants {
                match &v.fields {
                    VariantFields::Unit => {}
                    VariantFields::Named { fields } => fields.iter().for_each(|f| walk(&f.ty)),
                    VariantFields::Tuple { items } => items.iter().for_each(&mut walk),
                    VariantFields::Nested { ty } => walk(ty),
                }
            }
        }
        Type::Map { key, value, .. } => {
            walk(key);
            walk(value);
        }
        other => {
            if let Some(inner) = other.single_inner() {
                walk(inner);
            }
        }
    }
}

#[test]
fn every_type_and_event_example_encodes() {
    let mut ok = 0;
    let mut failures = Vec::new();
    // Types that refer to a type the IDL never defines cannot have an example (corpus defects).
    let mut impossible = Vec::new();
    for (file, program) in common::corpus() {
        let items = program
            .types
            .iter()
            .filter(|t| t.generics.is_empty())
            .map(|t| ("type", &t.name, &t.ty))
            .chain(program.events.iter().map(|e| ("event", &e.name, &e.ty)));
        for (kind, name, ty) in items {
            let v = example_value(&program, ty);
            let result = if kind == "event" {
                program.encode_event(name, &v)
            } else {
                program.encode_value(ty, &v)
            };
            match result {
                Ok(_) => ok += 1,
                Err(e) => {
                    let mut missing = Vec::new();
                    unresolved(&program, ty, &mut Vec::new(), &mut missing);
                    if missing.is_empty() {
                        failures.push(format!("{file} {kind} {name}: {e}"));
                    } else {
                        assert_eq!(v, Value::Null, "{file} {name}");
                        impossible.push(format!(
                            "{file} {kind} {name} (undefined: {})",
                            missing.join(", ")
                        ));
                    }
                }
            }
        }
    }
    println!("type/event examples encoded: {ok}");
    println!(
        "impossible (IDL refers to undefined types):\n  {}",
        impossible.join("\n  ")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(impossible.len() <= 6, "{impossible:?}");
}

#[test]
fn examples_follow_canonical_json() {
    use orquestra_idl::{Endian, NumberFormat, NumberKind, Type};
    let (_, program) = common::corpus().into_iter().next().unwrap();
    let num = |kind| Type::Number {
        format: NumberFormat {
            kind,
            endian: Endian::Little,
        },
    };
    assert_eq!(
        example_value(&program, &num(NumberKind::U64)),
        Value::from("1")
    );
    assert_eq!(
        example_value(&program, &num(NumberKind::U8)),
        Value::from(1)
    );
    let arr = Type::Array {
        inner: Box::new(num(NumberKind::U8)),
        count: orquestra_idl::Count::Fixed { len: 32 },
    };
    assert_eq!(example_value(&program, &arr).as_array().unwrap().len(), 32);
    let opt = Type::Option {
        inner: Box::new(Type::PublicKey),
        prefix: NumberFormat {
            kind: NumberKind::U8,
            endian: Endian::Little,
        },
        fixed: false,
    };
    assert_eq!(example_value(&program, &opt), Value::Null);
    // An unknown named type has no example.
    let unknown = Type::Defined {
        name: "NoSuchType".into(),
        generics: vec![],
    };
    assert_eq!(example_value(&program, &unknown), Value::Null);
}

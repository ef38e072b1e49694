#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Engine benchmarks: IDL parse time of the largest corpus IDLs, instruction encode/decode
//! throughput on a mix of golden-vector cases, and PDA derivation.
//!
//! Quick run: `cargo bench -p orquestra-tx --bench engine -- --quick`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use orquestra_idl::{ParseOptions, Program};
use orquestra_tx::pda::{derive, derive_raw, find_pda, SeedInputs};
use serde_json::Value;

fn testdata(rel: &str) -> String {
    let path = format!("{}/../../testdata/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(text: &str) -> Program {
    orquestra_idl::parse(text, &ParseOptions::default()).unwrap()
}

fn from_hex(hex: &str) -> Vec<u8> {
    orquestra_idl::hex::decode(hex).unwrap()
}

fn bench_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for rel in [
        "idls/codama/mpl_token_metadata_codama.json",
        "idls/anchor-legacy/mango_v4.json",
    ] {
        let text = testdata(rel);
        let name = rel.rsplit('/').next().unwrap_or(rel);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| orquestra_idl::parse(black_box(&text), &ParseOptions::default()))
        });
    }
    group.finish();
}

/// (program, instruction, args, data) for every vector case the codec round-trips.
struct Case {
    program: usize,
    instruction: String,
    args: Value,
    data: Vec<u8>,
}

fn load_cases() -> (Vec<Program>, Vec<Case>) {
    let sources = [
        ("idls/codama/spl_token.json", "spl_token"),
        ("idls/codama/spl_system.json", "spl_system"),
        ("idls/anchor/anchor_idl_new.json", "anchor_idl_new"),
        ("idls/anchor/raydium_clmm.json", "raydium_clmm"),
        ("idls/anchor/pump.json", "pump"),
        ("idls/anchor-legacy/mango_v4.json", "mango_v4"),
        ("idls/anchor-legacy/phoenix_v1.json", "phoenix_v1"),
        (
            "idls/codama/mpl_token_metadata_codama.json",
            "mpl_token_metadata_codama",
        ),
    ];
    let mut programs = Vec::new();
    let mut cases = Vec::new();
    let mut skipped = 0;
    for (idl, vectors) in sources {
        let program = parse(&testdata(idl));
        for line in testdata(&format!("vectors/instructions/{vectors}.jsonl")).lines() {
            let case: Value = serde_json::from_str(line).unwrap();
            let instruction = case["instruction"].as_str().unwrap().to_string();
            let data = from_hex(case["hex"].as_str().unwrap());
            let ok = program
                .encode_instruction(&instruction, &case["args"])
                .is_ok_and(|bytes| bytes == data)
                && program.decode_instruction(&data).is_ok();
            if ok {
                cases.push(Case {
                    program: programs.len(),
                    instruction,
                    args: case["args"].clone(),
                    data,
                });
            } else {
                skipped += 1;
            }
        }
        programs.push(program);
    }
    eprintln!(
        "codec bench: {} cases, {skipped} skipped (not round-tripping)",
        cases.len()
    );
    (programs, cases)
}

fn bench_codec(c: &mut Criterion) {
    let (programs, cases) = load_cases();
    let bytes: usize = cases.iter().map(|c| c.data.len()).sum();
    let mut group = c.benchmark_group("instruction");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("encode_mix_bytes", |b| {
        b.iter(|| {
            for case in &cases {
                let program = &programs[case.program];
                black_box(
                    program
                        .encode_instruction(&case.instruction, &case.args)
                        .unwrap(),
                );
            }
        })
    });
    group.bench_function("decode_mix_bytes", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(
                    programs[case.program]
                        .decode_instruction(&case.data)
                        .unwrap(),
                );
            }
        })
    });
    group.throughput(Throughput::Elements(cases.len() as u64));
    group.bench_function("encode_mix_instructions", |b| {
        b.iter(|| {
            for case in &cases {
                let program = &programs[case.program];
                black_box(
                    program
                        .encode_instruction(&case.instruction, &case.args)
                        .unwrap(),
                );
            }
        })
    });
    group.bench_function("decode_mix_instructions", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(
                    programs[case.program]
                        .decode_instruction(&case.data)
                        .unwrap(),
                );
            }
        })
    });
    group.finish();
}

fn bench_pda(c: &mut Criterion) {
    let mut group = c.benchmark_group("pda");
    group.throughput(Throughput::Elements(1));
    group.bench_function("derive_raw_receipts_coffee", |b| {
        let seeds = [b"receipts".to_vec(), b"coffee".to_vec()];
        b.iter(|| {
            derive_raw(
                black_box("BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya"),
                &seeds,
            )
        })
    });
    // Bump searches are remembered: a seed never seen before measures the search itself.
    group.bench_function("derive_raw_unseen_seeds", |b| {
        let mut n = 0u64;
        b.iter(|| {
            n += 1;
            derive_raw(
                black_box("BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya"),
                &[b"receipts".to_vec(), n.to_le_bytes().to_vec()],
            )
        })
    });
    let quarry = parse(&testdata("idls/anchor/quarry_mine.json"));
    let pda = find_pda(&quarry, "create_quarry", "quarry")
        .unwrap()
        .pda
        .clone();
    let inputs = SeedInputs::new()
        .instruction("create_quarry")
        .account(
            "auth.rewarder",
            "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
        )
        .account("token_mint", "So11111111111111111111111111111111111111112");
    group.bench_function("derive_idl_quarry", |b| {
        b.iter(|| derive(&quarry, &pda, black_box(&inputs)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    targets = bench_parse, bench_codec, bench_pda
}
criterion_main!(benches);

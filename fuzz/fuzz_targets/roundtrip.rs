//! Round trip: whatever `decode_instruction` / `decode_account` accept must encode, and the
//! encoding must decode to the same value. (Byte equality is too strict: a `COption` `None` may
//! carry any padding on chain, and is re-encoded with zeros.)
//!
//! Byte 0 picks the IDL, byte 1 the account type; the rest is the data.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use orquestra_idl::{Discriminator, ParseOptions, Program};

const IDLS: &[&str] = &[
    include_str!("../../testdata/idls/codama/spl_token.json"),
    include_str!("../../testdata/idls/codama/program_metadata.json"),
    include_str!("../../testdata/idls/codama/codama_collection_types.json"),
    include_str!("../../testdata/idls/codama/mpl_token_metadata_codama.json"),
    include_str!("../../testdata/idls/anchor/anchor_idl_new.json"),
    include_str!("../../testdata/idls/anchor/anchor_generics.json"),
    include_str!("../../testdata/idls/anchor/raydium_clmm.json"),
    include_str!("../../testdata/idls/anchor-legacy/anchor_idl_old.json"),
    include_str!("../../testdata/idls/anchor-legacy/phoenix_v1.json"),
    include_str!("../../testdata/idls/anchor-legacy/token_metadata.json"),
];

fn programs() -> &'static [Program] {
    static PROGRAMS: OnceLock<Vec<Program>> = OnceLock::new();
    PROGRAMS.get_or_init(|| {
        let options = ParseOptions {
            program_id: Some("11111111111111111111111111111111".into()),
        };
        IDLS.iter()
            .filter_map(|text| orquestra_idl::parse(text, &options).ok())
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let programs = programs();
    let [pick, account, rest @ ..] = data else {
        return;
    };
    let Some(program) = programs.get(usize::from(*pick) % programs.len().max(1)) else {
        return;
    };

    if let Ok(decoded) = program.decode_instruction(rest) {
        let again = program
            .encode_instruction(&decoded.name, &decoded.args)
            .unwrap_or_else(|e| {
                panic!(
                    "{} decoded to {} but does not encode: {e}",
                    decoded.name, decoded.args
                )
            });
        let twice = program.decode_instruction(&again).unwrap_or_else(|e| {
            panic!(
                "{}: own encoding {again:?} does not decode: {e}",
                decoded.name
            )
        });
        assert_eq!(twice.name, decoded.name);
        assert_eq!(twice.args, decoded.args, "instruction {}", decoded.name);
    }
    if !program.accounts.is_empty() {
        let def = &program.accounts[usize::from(*account) % program.accounts.len()];
        // Only data that carries the account's own discriminator(s): `decode_account` by name does
        // not check a Codama field discriminator (reported separately).
        let identified = def.discriminators.iter().all(|d| match d {
            Discriminator::Bytes { offset, bytes } => {
                rest.get(*offset..offset + bytes.len()) == Some(bytes.as_slice())
            }
            Discriminator::Size { size } => rest.len() == *size,
        });
        if let (true, Ok(decoded)) = (identified, program.decode_account(&def.name, rest)) {
            let again = program
                .encode_account(&def.name, &decoded.value)
                .unwrap_or_else(|e| {
                    panic!(
                        "{} decoded to {} but does not encode: {e}",
                        def.name, decoded.value
                    )
                });
            let twice = program
                .decode_account(&def.name, &again)
                .unwrap_or_else(|e| {
                    panic!("{}: own encoding {again:?} does not decode: {e}", def.name)
                });
            assert_eq!(twice.value, decoded.value, "account {}", def.name);
        }
    }
});

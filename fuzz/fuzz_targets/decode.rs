//! Arbitrary bytes → `decode_instruction` / `decode_account` against a few corpus IDLs; whatever
//! decodes is encoded again (must not panic either).
//!
//! Byte 0 picks the IDL, byte 1 the account type; the rest is the data.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use orquestra_idl::{ParseOptions, Program};

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
        let _ = program.encode_instruction(&decoded.name, &decoded.args);
    }
    if !program.accounts.is_empty() {
        let def = &program.accounts[usize::from(*account) % program.accounts.len()];
        if let Ok(decoded) = program.decode_account(&def.name, rest) {
            let _ = program.encode_account(&def.name, &decoded.value);
        }
    }
});

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Account layouts: field offsets as used by `getProgramAccounts` memcmp filters.

use std::path::Path;

use orquestra_idl::{parse, ParseOptions, Program};

fn load(dir: &str, name: &str) -> Program {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../testdata/idls/{dir}/{name}.json"));
    parse(
        &std::fs::read_to_string(path).unwrap(),
        &ParseOptions::default(),
    )
    .unwrap()
}

#[test]
fn raydium_pool_state_offsets_match_the_well_known_ones() {
    for (dir, name) in [
        ("anchor", "raydium_clmm"),
        ("anchor-legacy", "raydium_clmm_legacy"),
    ] {
        let p = load(dir, name);
        let layout = p.account_layout("PoolState").unwrap();
        assert_eq!(layout.discriminator_len, 8);
        assert_eq!(layout.size, Some(1544), "{name}");
        // The legacy twin spells fields in camelCase.
        let loose = |s: &str| s.replace('_', "").to_lowercase();
        let at = |path: &str| {
            layout
                .fields
                .iter()
                .find(|f| loose(&f.path) == loose(path))
                .unwrap_or_else(|| panic!("{path}"))
        };
        assert_eq!((at("/bump").offset, at("/bump").size), (Some(8), Some(1)));
        assert_eq!(at("/amm_config").offset, Some(9));
        assert_eq!(
            (at("/token_mint_0").offset, at("/token_mint_0").ty.as_str()),
            (Some(73), "pubkey")
        );
        assert_eq!(at("/token_mint_1").offset, Some(105));
        // Every field of a fixed-size account has a fixed offset.
        assert!(layout
            .fields
            .iter()
            .all(|f| f.offset.is_some() && f.size.is_some()));
    }
}

#[test]
fn variable_fields_end_fixed_offsets() {
    let p = load("anchor", "anchor_idl_new");
    let layout = p.account_layout("State").unwrap();
    assert_eq!(layout.size, None);
    let at = |path: &str| {
        layout
            .fields
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path}"))
    };
    assert_eq!(at("/bool_field").offset, Some(8));
    assert_eq!(at("/u8_field").offset, Some(9));
    assert_eq!(
        at("/bytes_field").offset,
        Some(8 + 1 + 1 + 1 + 2 + 2 + 4 + 4 + 4 + 8 + 8 + 8 + 16 + 16)
    );
    assert_eq!(at("/bytes_field").size, None);
    assert_eq!(at("/string_field").offset, None);
    assert_eq!(at("/vec_field").ty, "Vec<u64>");
    // Nested struct fields are listed with their paths.
    let zc = p.account_layout("SomeZcAccount").unwrap();
    assert_eq!(zc.size, Some(10));
    assert_eq!(
        zc.fields
            .iter()
            .map(|f| (f.path.as_str(), f.offset))
            .collect::<Vec<_>>(),
        vec![("/field", Some(8)), ("/field/some_field", Some(8))]
    );
    assert!(p.account_layout("Nope").is_err());
}

#[test]
fn shank_accounts_have_no_prefix() {
    let p = load("anchor-legacy", "token_metadata");
    let layout = p.account_layout("MasterEditionV2").unwrap();
    assert_eq!(layout.discriminator_len, 0);
    assert_eq!(layout.fields[0].offset, Some(0));
    assert_eq!(layout.fields[0].path, "/key");
}

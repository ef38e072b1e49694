#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use base64::Engine as _;
use sha2::{Digest, Sha256};
use solana_address::Address;

use super::*;

const QUARRY_MINE: &str = "QMNeHCGYnLVDn1icRAfQZpjPLBNkfGbSKRB83G5d8KB";
const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const AUTHORITY: &str = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const ACCOUNT: &str = "IdLAccount1111111111111111111111111111111111";

fn corpus(rel: &str) -> Vec<u8> {
    let path = format!("{}/../../testdata/idls/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).unwrap()
}

fn key(text: &str) -> [u8; 32] {
    orquestra_idl::address::parse_address(text).unwrap()
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn anchor_account(authority: &str, compressed: &[u8]) -> Vec<u8> {
    let mut data = ANCHOR_IDL_ACCOUNT_DISCRIMINATOR.to_vec();
    data.extend_from_slice(&key(authority));
    data.extend_from_slice(&u32::try_from(compressed.len()).unwrap().to_le_bytes());
    data.extend_from_slice(compressed);
    data
}

/// The stored form of `text` as the Program Metadata clients write it: `compress(encode(text))`.
fn pack(text: &str, encoding: ContentEncoding, compression: Compression) -> Vec<u8> {
    let encoded = match encoding {
        ContentEncoding::None => orquestra_idl::hex::decode(text).unwrap(),
        ContentEncoding::Utf8 => text.as_bytes().to_vec(),
        ContentEncoding::Base58 => bs58::decode(text).into_vec().unwrap(),
        ContentEncoding::Base64 => base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap(),
    };
    match compression {
        Compression::None => encoded,
        Compression::Gzip => gzip(&encoded),
        Compression::Zlib => zlib(&encoded),
    }
}

struct Meta {
    program: String,
    authority: Option<String>,
    seed: &'static str,
    encoding: u8,
    compression: u8,
    format: u8,
    source: u8,
    data: Vec<u8>,
}

impl Meta {
    fn direct(data: Vec<u8>, encoding: ContentEncoding, compression: Compression) -> Self {
        Self {
            program: QUARRY_MINE.to_owned(),
            authority: None,
            seed: IDL_SEED,
            encoding: encoding as u8,
            compression: compression as u8,
            format: Format::Json as u8,
            source: DataSource::Direct as u8,
            data,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = vec![2u8];
        out.extend_from_slice(&key(&self.program));
        match &self.authority {
            Some(a) => out.extend_from_slice(&key(a)),
            None => out.extend_from_slice(&[0; 32]),
        }
        out.extend_from_slice(&[1, u8::from(self.authority.is_none())]);
        out.extend_from_slice(&padded_seed(self.seed).unwrap());
        out.extend_from_slice(&[self.encoding, self.compression, self.format, self.source]);
        out.extend_from_slice(&u32::try_from(self.data.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&[0; 5]);
        assert_eq!(out.len(), METADATA_HEADER_LEN);
        out.extend_from_slice(&self.data);
        out
    }

    fn decode(&self) -> Result<MetadataAccount, PublishedIdlError> {
        decode_metadata_account(ACCOUNT, &self.bytes(), QUARRY_MINE, IDL_SEED)
    }
}

// ---- addresses ----------------------------------------------------------------------------------

#[test]
fn anchor_discriminator_is_the_idl_account_hash() {
    let hash = Sha256::digest(b"account:IdlAccount");
    assert_eq!(ANCHOR_IDL_ACCOUNT_DISCRIMINATOR, hash[..8]);
}

/// Published program → IDL account pairs: whirlpool's and Jupiter v6's IDL accounts are the ones
/// their IDLs are read from on mainnet; quarry_mine's was computed with @coral-xyz/anchor's
/// `idlAddress`.
#[test]
fn anchor_idl_addresses_match_known_pairs() {
    for (program, idl) in [
        (
            "whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc",
            "2KFqE4RWoPVbvodo8vbggCFeHPS8TDvgpwp79ALMrcyn",
        ),
        (
            "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4",
            "C88XWfp26heEmDkmfSzeXP7Fd7GQJ2j9dDTUsyiZbUTa",
        ),
        (QUARRY_MINE, "2rTreJ4v9qKVWV3rLyPSmnQkPjSzkjxf93wRjANsPwfY"),
    ] {
        assert_eq!(anchor_idl_address(program).unwrap(), idl, "{program}");
    }
}

/// The definition, step by step: base = the program's PDA with no seeds, then
/// sha256(base ‖ "anchor:idl" ‖ program).
#[test]
fn anchor_idl_address_is_create_with_seed_of_the_empty_pda() {
    for program in [QUARRY_MINE, TOKEN_PROGRAM, AUTHORITY] {
        let program_key = Address::from(key(program));
        let (base, _) = Address::find_program_address(&[], &program_key);
        let mut hasher = Sha256::new();
        hasher.update(base.as_ref());
        hasher.update(b"anchor:idl");
        hasher.update(program_key.as_ref());
        let expected: [u8; 32] = hasher.finalize().into();
        assert_eq!(
            anchor_idl_address(program).unwrap(),
            Address::from(expected).to_string()
        );
    }
}

/// Canonical: PDA of [program, "idl" padded to 16] under the Program Metadata program (values
/// computed with @solana/web3.js `findProgramAddressSync` on those seeds); non-canonical:
/// [program, authority, seed].
#[test]
fn metadata_addresses_follow_the_idl_pda_seeds() {
    assert_eq!(
        metadata_address(TOKEN_PROGRAM, None, IDL_SEED).unwrap(),
        "Az5tgYWruEoJpLfyaauAkuRTxbW2mpvoidiwuq4mHxXN"
    );
    assert_eq!(
        metadata_address(QUARRY_MINE, None, IDL_SEED).unwrap(),
        "6Txpd5PsjBS9dZy3KjYgi2kZk3qNkqAUHxpTik8TW31N"
    );
    let pmp = Address::from(key(PROGRAM_METADATA_PROGRAM_ID));
    let mut seed = [0u8; 16];
    seed[..3].copy_from_slice(b"idl");
    let (expected, _) =
        Address::find_program_address(&[&key(QUARRY_MINE), &key(AUTHORITY), &seed], &pmp);
    assert_eq!(
        metadata_address(QUARRY_MINE, Some(AUTHORITY), IDL_SEED).unwrap(),
        expected.to_string()
    );
    assert!(matches!(
        metadata_address("not-a-key", None, IDL_SEED),
        Err(PublishedIdlError::InvalidProgramId { .. })
    ));
    assert!(matches!(
        metadata_address(QUARRY_MINE, Some("nope"), IDL_SEED),
        Err(PublishedIdlError::InvalidAuthority { .. })
    ));
    assert!(matches!(
        metadata_address(QUARRY_MINE, None, "a-seed-longer-than-16"),
        Err(PublishedIdlError::SeedTooLong { .. })
    ));
    assert!(matches!(
        anchor_idl_address("0OIl"),
        Err(PublishedIdlError::InvalidProgramId { .. })
    ));
}

// ---- Anchor IDL account --------------------------------------------------------------------------

#[test]
fn anchor_zlib_round_trip_of_a_corpus_idl() {
    let json = corpus("anchor/quarry_mine.json");
    let data = anchor_account(AUTHORITY, &zlib(&json));
    let decoded = decode_anchor_idl_account(ACCOUNT, &data).unwrap();
    assert_eq!(decoded.idl, json);
    assert_eq!(decoded.authority, AUTHORITY);
    // Anchor allocates more than it writes: bytes after data_len are ignored.
    let mut padded = data.clone();
    padded.extend_from_slice(&[0; 1000]);
    assert_eq!(
        decode_anchor_idl_account(ACCOUNT, &padded).unwrap().idl,
        json
    );
}

#[test]
fn anchor_refuses_a_wrong_discriminator() {
    let mut data = anchor_account(AUTHORITY, &zlib(b"{}"));
    data[0] ^= 1;
    let err = decode_anchor_idl_account(ACCOUNT, &data).unwrap_err();
    assert!(
        matches!(&err, PublishedIdlError::WrongDiscriminator { found, .. } if found == "8d24a60267c521a4"),
        "{err}"
    );
    assert_eq!(err.code(), orquestra_api::ErrorCode::DiscriminatorMismatch);
    assert!(err.to_string().contains(ACCOUNT), "{err}");
}

#[test]
fn anchor_refuses_truncated_data_and_lengths_beyond_the_account() {
    let data = anchor_account(AUTHORITY, &zlib(b"{\"a\":1}"));
    // Every prefix is refused with a typed error, never a panic.
    for len in 0..data.len() {
        let err = decode_anchor_idl_account(ACCOUNT, &data[..len]).unwrap_err();
        match len {
            0..=7 => assert!(
                matches!(
                    err,
                    PublishedIdlError::Truncated {
                        field: "discriminator",
                        ..
                    }
                ),
                "{len}: {err}"
            ),
            8..=39 => assert!(
                matches!(
                    err,
                    PublishedIdlError::Truncated {
                        field: "authority",
                        ..
                    }
                ),
                "{len}: {err}"
            ),
            40..=43 => assert!(
                matches!(
                    err,
                    PublishedIdlError::Truncated {
                        field: "data_len",
                        offset: 40,
                        ..
                    }
                ),
                "{len}: {err}"
            ),
            _ => assert!(
                matches!(
                    err,
                    PublishedIdlError::LengthBeyondAccount {
                        field: "data_len",
                        ..
                    }
                ),
                "{len}: {err}"
            ),
        }
    }
    let mut huge = data.clone();
    huge[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
    let err = decode_anchor_idl_account(ACCOUNT, &huge).unwrap_err();
    assert!(
        matches!(
            err,
            PublishedIdlError::LengthBeyondAccount {
                declared: 4_294_967_295,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn anchor_refuses_corrupt_streams_and_non_json() {
    let err = decode_anchor_idl_account(ACCOUNT, &anchor_account(AUTHORITY, b"not zlib at all"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            PublishedIdlError::Decompress {
                compression: "zlib",
                ..
            }
        ),
        "{err}"
    );
    let err = decode_anchor_idl_account(ACCOUNT, &anchor_account(AUTHORITY, &zlib(b"{\"a\":")))
        .unwrap_err();
    assert!(matches!(err, PublishedIdlError::NotJson { .. }), "{err}");
    assert_eq!(err.code(), orquestra_api::ErrorCode::InvalidIdl);
    let err = decode_anchor_idl_account(ACCOUNT, &anchor_account(AUTHORITY, &zlib(&[0xff, 0xfe])))
        .unwrap_err();
    assert!(
        matches!(err, PublishedIdlError::InvalidUtf8 { valid_up_to: 0, .. }),
        "{err}"
    );
}

/// A stream of a few KiB that inflates past the cap is refused after reading cap + 1 bytes.
#[test]
fn a_zip_bomb_is_refused_at_the_cap() {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..(MAX_IDL_BYTES / chunk.len() + 2) {
        e.write_all(&chunk).unwrap();
    }
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 100 * 1024, "{}", bomb.len());
    let err = decode_anchor_idl_account(ACCOUNT, &anchor_account(AUTHORITY, &bomb)).unwrap_err();
    assert_eq!(
        err,
        PublishedIdlError::TooLarge {
            account: ACCOUNT.to_owned(),
            limit: MAX_IDL_BYTES
        }
    );
    // The same through gzip in a metadata account.
    let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..(MAX_IDL_BYTES / chunk.len() + 2) {
        g.write_all(&chunk).unwrap();
    }
    let meta = Meta::direct(
        g.finish().unwrap(),
        ContentEncoding::Utf8,
        Compression::Gzip,
    );
    assert!(matches!(
        meta.decode().unwrap_err(),
        PublishedIdlError::TooLarge { .. }
    ));
}

// ---- Program Metadata ----------------------------------------------------------------------------

/// Every encoding × compression. `utf8` carries the JSON text itself. The other encodings store
/// the bytes their text spells and render them back as that text, so a JSON content is one
/// whose rendering is JSON: "1234" is valid hex, base58 and base64, and a JSON number.
#[test]
fn every_encoding_and_compression_combination() {
    let json = corpus("codama/spl_token.json");
    let json_text = std::str::from_utf8(&json).unwrap();
    for compression in [Compression::None, Compression::Gzip, Compression::Zlib] {
        for encoding in [
            ContentEncoding::None,
            ContentEncoding::Utf8,
            ContentEncoding::Base58,
            ContentEncoding::Base64,
        ] {
            let text = match encoding {
                ContentEncoding::Utf8 => json_text,
                _ => "1234",
            };
            let meta = Meta::direct(pack(text, encoding, compression), encoding, compression);
            let decoded = meta
                .decode()
                .unwrap_or_else(|e| panic!("{} {}: {e}", encoding.as_str(), compression.as_str()));
            assert_eq!(
                decoded.content,
                MetadataContent::Idl(text.as_bytes().to_vec())
            );
            assert_eq!(decoded.header.encoding, encoding);
            assert_eq!(decoded.header.compression, compression);
            assert_eq!(decoded.header.program, QUARRY_MINE);
            assert_eq!(decoded.header.seed, "idl");
            assert_eq!(decoded.header.authority, None);
            assert!(decoded.header.canonical);
        }
    }
    // JSON bytes stored under base64 render as base64 text, which is not JSON.
    let meta = Meta::direct(zlib(&json), ContentEncoding::Base64, Compression::Zlib);
    assert!(matches!(
        meta.decode().unwrap_err(),
        PublishedIdlError::NotJson { .. }
    ));
}

#[test]
fn metadata_refuses_bad_utf8_and_other_formats() {
    let meta = Meta::direct(
        vec![b'"', 0xc3, 0x28, b'"'],
        ContentEncoding::Utf8,
        Compression::None,
    );
    assert_eq!(
        meta.decode().unwrap_err(),
        PublishedIdlError::InvalidUtf8 {
            account: ACCOUNT.to_owned(),
            valid_up_to: 1
        }
    );
    for (format, name) in [
        (Format::Yaml, "yaml"),
        (Format::Toml, "toml"),
        (Format::None, "none"),
    ] {
        let mut meta = Meta::direct(b"a: 1".to_vec(), ContentEncoding::Utf8, Compression::None);
        meta.format = format as u8;
        let err = meta.decode().unwrap_err();
        assert_eq!(
            err,
            PublishedIdlError::UnsupportedFormat {
                account: ACCOUNT.to_owned(),
                format: name
            }
        );
        assert_eq!(err.code(), orquestra_api::ErrorCode::InvalidIdl);
    }
}

#[test]
fn metadata_refuses_hostile_headers() {
    let good = Meta::direct(b"{}".to_vec(), ContentEncoding::Utf8, Compression::None);
    assert!(good.decode().is_ok());
    let bytes = good.bytes();
    for len in 0..bytes.len() {
        let err = decode_metadata_account(ACCOUNT, &bytes[..len], QUARRY_MINE, IDL_SEED)
            .expect_err("a prefix is refused");
        assert!(
            matches!(
                err,
                PublishedIdlError::Truncated { .. } | PublishedIdlError::LengthBeyondAccount { .. }
            ),
            "{len}: {err}"
        );
    }
    // A buffer account (discriminator 1) is not metadata.
    let mut buffer = bytes.clone();
    buffer[0] = 1;
    assert!(matches!(
        decode_metadata_account(ACCOUNT, &buffer, QUARRY_MINE, IDL_SEED).unwrap_err(),
        PublishedIdlError::WrongDiscriminator { .. }
    ));
    for (offset, field) in [
        (83, "encoding"),
        (84, "compression"),
        (85, "format"),
        (86, "dataSource"),
    ] {
        let mut bad = bytes.clone();
        bad[offset] = 9;
        assert_eq!(
            decode_metadata_account(ACCOUNT, &bad, QUARRY_MINE, IDL_SEED).unwrap_err(),
            PublishedIdlError::UnknownEnumValue {
                account: ACCOUNT.to_owned(),
                field,
                offset,
                value: 9
            }
        );
    }
    let mut long = bytes.clone();
    long[87..91].copy_from_slice(&1000u32.to_le_bytes());
    assert!(matches!(
        decode_metadata_account(ACCOUNT, &long, QUARRY_MINE, IDL_SEED).unwrap_err(),
        PublishedIdlError::LengthBeyondAccount {
            field: "dataLength",
            declared: 1000,
            available: 2,
            ..
        }
    ));
    assert!(matches!(
        decode_metadata_account(ACCOUNT, &bytes, TOKEN_PROGRAM, IDL_SEED).unwrap_err(),
        PublishedIdlError::Mismatch {
            field: "program",
            ..
        }
    ));
    let mut other_seed = Meta::direct(b"{}".to_vec(), ContentEncoding::Utf8, Compression::None);
    other_seed.seed = "security";
    assert!(matches!(
        other_seed.decode().unwrap_err(),
        PublishedIdlError::Mismatch { field: "seed", .. }
    ));
}

#[test]
fn metadata_with_an_authority_and_a_url() {
    let mut meta = Meta::direct(
        pack(
            "https://example.com/idl.json",
            ContentEncoding::Utf8,
            Compression::Zlib,
        ),
        ContentEncoding::Utf8,
        Compression::Zlib,
    );
    meta.source = DataSource::Url as u8;
    meta.authority = Some(AUTHORITY.to_owned());
    let decoded = meta.decode().unwrap();
    assert_eq!(
        decoded.content,
        MetadataContent::Url("https://example.com/idl.json".to_owned())
    );
    assert_eq!(decoded.header.authority.as_deref(), Some(AUTHORITY));
    assert!(!decoded.header.canonical);
    assert_eq!(decoded.header.data_source, DataSource::Url);
}

#[test]
fn external_references_are_decoded_and_sliced_within_bounds() {
    let json = corpus("codama/spl_token.json");
    let mut reference = key(TOKEN_PROGRAM).to_vec();
    reference.extend_from_slice(&10u32.to_le_bytes());
    reference.extend_from_slice(&0u32.to_le_bytes());
    let mut meta = Meta::direct(reference.clone(), ContentEncoding::Utf8, Compression::Gzip);
    meta.source = DataSource::External as u8;
    let decoded = meta.decode().unwrap();
    let MetadataContent::External(ext) = &decoded.content else {
        panic!("{:?}", decoded.content)
    };
    assert_eq!(
        *ext,
        ExternalRef {
            address: TOKEN_PROGRAM.to_owned(),
            offset: 10,
            length: None
        }
    );
    // The referenced account: 10 bytes of something else, then the gzip stream to the end.
    let mut external = vec![7u8; 10];
    external.extend_from_slice(&gzip(&json));
    assert_eq!(
        decode_external_content(&decoded.header, ext, &external).unwrap(),
        json
    );
    // With a length: only that slice is read (trailing bytes would break nothing either way).
    let stream_len = u32::try_from(external.len() - 10).unwrap();
    external.extend_from_slice(&[1, 2, 3]);
    let bounded = ExternalRef {
        length: Some(stream_len),
        ..ext.clone()
    };
    assert_eq!(
        decode_external_content(&decoded.header, &bounded, &external).unwrap(),
        json
    );
    for bad in [
        ExternalRef {
            offset: u32::try_from(external.len()).unwrap() + 1,
            ..ext.clone()
        },
        ExternalRef {
            length: Some(stream_len + 4),
            ..ext.clone()
        },
        ExternalRef {
            offset: u32::MAX,
            length: Some(u32::MAX),
            ..ext.clone()
        },
    ] {
        let err = decode_external_content(&decoded.header, &bad, &external).unwrap_err();
        assert!(
            matches!(err, PublishedIdlError::ExternalOutOfRange { .. }),
            "{bad:?}: {err}"
        );
    }
    // A reference shorter than its 40 bytes.
    let mut short = Meta::direct(
        reference[..39].to_vec(),
        ContentEncoding::Utf8,
        Compression::None,
    );
    short.source = DataSource::External as u8;
    assert!(matches!(
        short.decode().unwrap_err(),
        PublishedIdlError::Truncated {
            field: "externalData",
            ..
        }
    ));
}

#[test]
fn renderings_are_bounded_before_allocating() {
    let big = vec![0u8; MAX_BASE58_CONTENT_BYTES + 1];
    assert!(matches!(
        content::render(ACCOUNT, ContentEncoding::Base58, big, MAX_IDL_BYTES),
        Err(PublishedIdlError::TooLarge { .. })
    ));
    assert!(matches!(
        content::render(ACCOUNT, ContentEncoding::None, vec![0; 11], 20),
        Err(PublishedIdlError::TooLarge { limit: 20, .. })
    ));
    assert!(matches!(
        content::render(ACCOUNT, ContentEncoding::Base64, vec![0; 31], 40),
        Err(PublishedIdlError::TooLarge { limit: 40, .. })
    ));
    assert_eq!(
        content::render(ACCOUNT, ContentEncoding::Base64, vec![0; 3], 4).unwrap(),
        b"AAAA"
    );
}

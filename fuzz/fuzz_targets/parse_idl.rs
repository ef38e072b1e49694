//! Arbitrary bytes → `orquestra_idl::parse`: must return `Ok` or `Err`, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orquestra_idl::ParseOptions;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = orquestra_idl::parse(text, &ParseOptions::default());
        let options = ParseOptions {
            program_id: Some("11111111111111111111111111111111".into()),
        };
        let _ = orquestra_idl::parse(text, &options);
    }
});

//! Remembered bump searches. `find_program_address` is pure but costs a curve-point
//! decompression per bump tried (~3 µs each); the same PDAs are derived again and again (a UI
//! deriving the accounts of one instruction, builds resolving the same PDA accounts), so the last
//! few thousand answers are kept. Bounded by count: when full, the memo starts over.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use solana_address::Address;

/// Answers kept before the memo starts over (each entry is under ~600 bytes at the seed limits).
const CAPACITY: usize = 4096;

/// The program id, then each seed as its length (one byte: seeds are at most 32 bytes) and its
/// bytes, so different seed splits of the same bytes are different keys.
fn key(seeds: &[&[u8]], program_id: &Address) -> Vec<u8> {
    let mut key = Vec::with_capacity(32 + seeds.iter().map(|s| s.len() + 1).sum::<usize>());
    key.extend_from_slice(program_id.as_ref());
    for seed in seeds {
        key.push(u8::try_from(seed.len()).unwrap_or(u8::MAX));
        key.extend_from_slice(seed);
    }
    key
}

/// Seed key → the search's answer (`None`: no viable bump).
type Memo = Mutex<HashMap<Vec<u8>, Option<(Address, u8)>>>;

fn memo() -> &'static Memo {
    static MEMO: OnceLock<Memo> = OnceLock::new();
    MEMO.get_or_init(Mutex::default)
}

/// `Address::try_find_program_address`, remembered. Seeds must already be within the limits
/// (at most 32 bytes each).
pub(crate) fn try_find_program_address(
    seeds: &[&[u8]],
    program_id: &Address,
) -> Option<(Address, u8)> {
    let key = key(seeds, program_id);
    if let Some(found) = memo().lock().ok().and_then(|memo| memo.get(&key).copied()) {
        return found;
    }
    let found = Address::try_find_program_address(seeds, program_id);
    if let Ok(mut memo) = memo().lock() {
        if memo.len() >= CAPACITY {
            memo.clear();
        }
        memo.insert(key, found);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_answers_are_the_searched_ones() {
        let program = Address::from([7u8; 32]);
        let other = Address::from([8u8; 32]);
        let cases: [&[&[u8]]; 4] = [&[b"ab", b"c"], &[b"a", b"bc"], &[b"abc"], &[]];
        for _ in 0..2 {
            for seeds in cases {
                for id in [&program, &other] {
                    assert_eq!(
                        try_find_program_address(seeds, id),
                        Address::try_find_program_address(seeds, id),
                        "{seeds:?}"
                    );
                }
            }
        }
        // Different splits of the same bytes are different keys (the PDA happens to be the same:
        // seeds are hashed end to end, but the seed limits apply per seed).
        assert_ne!(key(cases[0], &program), key(cases[1], &program));
    }
}

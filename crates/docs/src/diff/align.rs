//! Aligning two ordered lists of named entries (arguments, fields, variants, instruction
//! accounts) by name, in time proportional to their lengths.
//!
//! Entries are matched by key (the casing-insensitive name); a matched entry is *moved* when its
//! position relative to the other matched entries changed. Those are found as the entries outside
//! one longest increasing subsequence of new positions, so one entry inserted at the front does
//! not make every later entry "moved", and a swap of two entries flags one of them.

use std::collections::HashMap;

/// How the entries of an old and a new list correspond.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Alignment {
    /// `(old index, new index, moved)` of entries with the same key on both sides, in old order.
    pub matched: Vec<(usize, usize, bool)>,
    /// Indices where both sides hold an entry whose key the other side lacks: the same slot
    /// under another name (a rename, if the caller finds the contents equal).
    pub same_slot: Vec<usize>,
    /// Old indices with no counterpart.
    pub removed: Vec<usize>,
    /// New indices with no counterpart.
    pub added: Vec<usize>,
}

/// Aligns `old` and `new` keys. Duplicate keys match in order of appearance.
pub(super) fn align(old: &[String], new: &[String]) -> Alignment {
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::with_capacity(new.len());
    for (j, key) in new.iter().enumerate().rev() {
        by_key.entry(key.as_str()).or_default().push(j);
    }
    let mut out = Alignment::default();
    let mut new_taken = vec![false; new.len()];
    let mut old_taken = vec![false; old.len()];
    for (i, key) in old.iter().enumerate() {
        if let Some(j) = by_key.get_mut(key.as_str()).and_then(Vec::pop) {
            out.matched.push((i, j, false));
            new_taken[j] = true;
            old_taken[i] = true;
        }
    }
    let new_positions: Vec<usize> = out.matched.iter().map(|m| m.1).collect();
    let keep = longest_increasing(&new_positions);
    for (m, kept) in out.matched.iter_mut().zip(keep) {
        m.2 = !kept;
    }
    for (i, taken) in old_taken.iter().enumerate() {
        if *taken {
            continue;
        }
        if new_taken.get(i) == Some(&false) {
            out.same_slot.push(i);
        } else {
            out.removed.push(i);
        }
    }
    for (j, taken) in new_taken.iter().enumerate() {
        let slot = old_taken.get(j) == Some(&false);
        if !taken && !slot {
            out.added.push(j);
        }
    }
    out
}

/// Marks the members of one longest strictly increasing subsequence of `seq` (patience sorting,
/// O(n log n)).
fn longest_increasing(seq: &[usize]) -> Vec<bool> {
    // tails[k]: index in `seq` of the smallest tail of an increasing run of length k + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut parent: Vec<Option<usize>> = vec![None; seq.len()];
    for (i, &v) in seq.iter().enumerate() {
        let k = tails.partition_point(|&t| seq[t] < v);
        parent[i] = k.checked_sub(1).and_then(|p| tails.get(p).copied());
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut keep = vec![false; seq.len()];
    let mut at = tails.last().copied();
    while let Some(i) = at {
        keep[i] = true;
        at = parent[i];
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn insertion_at_the_front_moves_nothing() {
        let a = align(&keys(&["a", "b"]), &keys(&["x", "a", "b"]));
        assert_eq!(a.matched, vec![(0, 1, false), (1, 2, false)]);
        assert_eq!(a.added, vec![0]);
        assert!(a.removed.is_empty() && a.same_slot.is_empty());
    }

    #[test]
    fn a_swap_moves_one_entry() {
        let a = align(&keys(&["a", "b", "c"]), &keys(&["b", "a", "c"]));
        let moved: Vec<usize> = a.matched.iter().filter(|m| m.2).map(|m| m.0).collect();
        assert_eq!(moved.len(), 1);
    }

    #[test]
    fn same_slot_and_removals() {
        let a = align(&keys(&["a", "b", "c"]), &keys(&["a", "z"]));
        assert_eq!(a.same_slot, vec![1]);
        assert_eq!(a.removed, vec![2]);
        assert!(a.added.is_empty());
    }
}

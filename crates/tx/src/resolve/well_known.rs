//! Programs and sysvars every Solana client fills in by their conventional account names.

/// The native and SPL programs and sysvars, by normalised name (lowercase, no `_`/`-`).
const WELL_KNOWN: &[(&[&str], &str)] = &[
    (&["systemprogram"], "11111111111111111111111111111111"),
    (
        &["tokenprogram", "spltokenprogram"],
        "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
    ),
    (
        &["token2022program", "tokenprogram2022", "token2022"],
        "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb",
    ),
    (
        &[
            "associatedtokenprogram",
            "ataprogram",
            "splassociatedtokenprogram",
            "associatedtokenaccountprogram",
        ],
        "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL",
    ),
    (
        &["rent", "rentsysvar", "sysvarrent"],
        "SysvarRent111111111111111111111111111111111",
    ),
    (
        &["clock", "clocksysvar", "sysvarclock"],
        "SysvarC1ock11111111111111111111111111111111",
    ),
    (
        &[
            "instructions",
            "instructionssysvar",
            "sysvarinstructions",
            "ixsysvar",
            "instructionsysvar",
        ],
        "Sysvar1nstructions1111111111111111111111111",
    ),
    (
        &[
            "recentblockhashes",
            "recentblockhashessysvar",
            "sysvarrecentblockhashes",
        ],
        "SysvarRecentB1ockHashes11111111111111111111",
    ),
    (
        &["slothashes", "slothashessysvar", "sysvarslothashes"],
        "SysvarS1otHashes111111111111111111111111111",
    ),
    (
        &["stakehistory", "stakehistorysysvar", "sysvarstakehistory"],
        "SysvarStakeHistory1111111111111111111111111",
    ),
    (
        &[
            "epochschedule",
            "epochschedulesysvar",
            "sysvarepochschedule",
        ],
        "SysvarEpochSchedu1e111111111111111111111111",
    ),
    (
        &["stakeprogram"],
        "Stake11111111111111111111111111111111111111",
    ),
    (
        &["stakeconfig", "stakeconfigprogram"],
        "StakeConfig11111111111111111111111111111111",
    ),
    (
        &["voteprogram"],
        "Vote111111111111111111111111111111111111111",
    ),
    (
        &["computebudgetprogram"],
        "ComputeBudget111111111111111111111111111111",
    ),
    (
        &["memoprogram", "splmemoprogram"],
        "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
    ),
    (
        &["addresslookuptableprogram"],
        "AddressLookupTab1e1111111111111111111111111",
    ),
    (
        &["bpfloaderupgradeableprogram", "bpfupgradeableloader"],
        "BPFLoaderUpgradeab1e11111111111111111111111",
    ),
    (
        &[
            "tokenmetadataprogram",
            "metadataprogram",
            "mpltokenmetadataprogram",
        ],
        "metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s",
    ),
];

/// The ATA program (derives associated token accounts).
pub(crate) const ASSOCIATED_TOKEN_PROGRAM_ID: &str = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";

/// `store_name` / `storeName` / `StoreName` → `storename`.
pub(crate) fn normalise(name: &str) -> String {
    orquestra_idl::names::loose_key(name)
}

/// The address conventionally passed for an account called `name` (either casing), if any.
/// `program` (the Anchor event-CPI account) is not here: it is the program's own id.
pub fn well_known_address(name: &str) -> Option<&'static str> {
    let key = normalise(name);
    WELL_KNOWN
        .iter()
        .find(|(names, _)| names.contains(&key.as_str()))
        .map(|(_, address)| *address)
}

/// Every well-known `(normalised names, address)` pair.
pub fn well_known_addresses() -> impl Iterator<Item = (&'static [&'static str], &'static str)> {
    WELL_KNOWN.iter().copied()
}

/// Is `name` the conventional name of an associated token account?
pub(crate) fn is_associated_token_account(name: &str) -> bool {
    matches!(
        normalise(name).as_str(),
        "associatedtokenaccount" | "ata" | "associatedtoken"
    )
}

/// Names under which an ATA's owner usually appears.
pub(crate) const ATA_OWNER_NAMES: &[&str] = &["wallet", "owner", "authority"];

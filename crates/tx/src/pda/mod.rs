//! Program-derived addresses: seed bytes from the IDL's seed model, derivation, lookup and listing.
//!
//! * [`derive`] turns a [`Pda`] plus caller inputs ([`SeedInputs`]) into the address and bump, with
//!   the bytes of every seed for display. Seed encoding follows the program's own client semantics:
//!   Anchor `string`/`bytes`/`Vec<u8>` argument seeds are raw (no length prefix), numbers are
//!   little-endian by width, addresses are 32 bytes; Codama variable seeds use their declared type.
//! * [`find_pda`] / [`named_pda`] locate a PDA in a [`Program`]; [`list_pdas`] lists every PDA the
//!   IDL defines, de-duplicated, with its users and the inputs it needs.
//! * [`derive_raw`] derives from already-encoded seeds ([`RawSeed`] parses the CLI's typed form).
//!
//! Derivation is Solana's: sha256(seeds ‖ bump ‖ program id ‖ "ProgramDerivedAddress"), bump from
//! 255 down, first off-curve (curve25519-dalek decompression) result wins.

mod error;
mod list;
pub(crate) mod memo;
mod raw;
mod seeds;

use std::collections::BTreeMap;

use orquestra_idl::{Pda, Program, Seed};
use serde::Deserialize;
use serde_json::{Map, Value};
use solana_address::Address;

pub use error::PdaError;
pub use list::{find_pda, list_pdas, named_pda, PdaEntry, PdaInput, PdaInputKind, PdaRef, PdaUse};
pub use orquestra_api::pda::{DerivedPda, SeedBytes, SeedKind};
pub use raw::{derive_raw, encode_raw_seeds, RawPda, RawSeed};

/// Largest seed, in bytes.
pub const MAX_SEED_LEN: usize = 32;
/// Most seeds a PDA may have besides the bump seed (Solana allows 16 in all).
pub const MAX_SEEDS: usize = 15;

/// The values a derivation may draw seeds from.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SeedInputs {
    /// The instruction the PDA belongs to: its arguments give `arg` seeds their types and its
    /// fixed-address accounts fill `account` seeds the caller did not give.
    pub instruction: Option<String>,
    /// Instruction arguments, canonical JSON keyed by argument name (`arg` seeds, dotted paths).
    pub args: Map<String, Value>,
    /// Account addresses (base58) keyed by account name (`account` seeds, program overrides).
    pub accounts: BTreeMap<String, String>,
    /// Free values keyed by name (Codama `variable` seeds); also consulted for `arg`/`account`
    /// seeds missing from `args`/`accounts`.
    #[serde(alias = "seedValues")]
    pub variables: Map<String, Value>,
}

impl SeedInputs {
    /// Empty inputs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the instruction context.
    pub fn instruction(mut self, name: impl Into<String>) -> Self {
        self.instruction = Some(name.into());
        self
    }

    /// Adds an instruction argument value.
    pub fn arg(mut self, name: impl Into<String>, value: Value) -> Self {
        self.args.insert(name.into(), value);
        self
    }

    /// Adds an account address.
    pub fn account(mut self, name: impl Into<String>, address: impl Into<String>) -> Self {
        self.accounts.insert(name.into(), address.into());
        self
    }

    /// Adds a free variable value.
    pub fn variable(mut self, name: impl Into<String>, value: Value) -> Self {
        self.variables.insert(name.into(), value);
        self
    }
}

/// Derives `pda` of `program` from `inputs`.
pub fn derive(program: &Program, pda: &Pda, inputs: &SeedInputs) -> Result<DerivedPda, PdaError> {
    match &program.address {
        Some(address) => derive_under(program, parse_program_id(address)?, pda, inputs),
        None => Err(PdaError::NoProgramId),
    }
}

/// Like [`derive()`], with `program_id` standing for the program's own address (a deployment
/// under another id than the IDL's, or a legacy IDL without one).
pub fn derive_for(
    program: &Program,
    program_id: &str,
    pda: &Pda,
    inputs: &SeedInputs,
) -> Result<DerivedPda, PdaError> {
    derive_under(program, parse_program_id(program_id)?, pda, inputs)
}

fn derive_under(
    program: &Program,
    own: Address,
    pda: &Pda,
    inputs: &SeedInputs,
) -> Result<DerivedPda, PdaError> {
    if pda.seeds.len() > MAX_SEEDS {
        return Err(PdaError::TooManySeeds {
            count: pda.seeds.len(),
            max: MAX_SEEDS,
        });
    }
    let ctx = seeds::Context::new(program, own, inputs)?;
    let mut bytes = Vec::with_capacity(pda.seeds.len());
    let mut described = Vec::with_capacity(pda.seeds.len());
    for seed in &pda.seeds {
        let (seed_bytes, info) = ctx.seed(seed)?;
        if seed_bytes.len() > MAX_SEED_LEN {
            return Err(PdaError::SeedTooLong {
                seed: seeds::label(seed),
                len: seed_bytes.len(),
            });
        }
        bytes.push(seed_bytes);
        described.push(info);
    }
    let program_id = match &pda.program {
        None | Some(Seed::ProgramId) => own,
        Some(seed) => ctx.program_override(seed)?,
    };
    let (address, bump) = find_program_address(&bytes, &program_id)?;
    Ok(DerivedPda {
        address: address.to_string(),
        bump,
        program_id: program_id.to_string(),
        seeds: described,
    })
}

/// Derives the PDA of account `account` of `instruction`, with that instruction as the context
/// for argument types and fixed-address accounts (whatever `inputs.instruction` says).
pub fn derive_account_pda(
    program: &Program,
    instruction: &str,
    account: &str,
    inputs: &SeedInputs,
) -> Result<DerivedPda, PdaError> {
    let found = find_pda(program, instruction, account)?;
    let mut inputs = inputs.clone();
    inputs.instruction = found.instruction.map(str::to_string);
    derive(program, found.pda, &inputs)
}

/// Parses a base58 program id.
pub(crate) fn parse_program_id(value: &str) -> Result<Address, PdaError> {
    orquestra_idl::address::parse_address(value)
        .map(Address::from)
        .map_err(|_| PdaError::InvalidProgramId {
            value: value.to_string(),
        })
}

/// Checks the seed limits and searches the bump (255 down to 0).
pub(crate) fn find_program_address(
    seeds: &[Vec<u8>],
    program_id: &Address,
) -> Result<(Address, u8), PdaError> {
    if seeds.len() > MAX_SEEDS {
        return Err(PdaError::TooManySeeds {
            count: seeds.len(),
            max: MAX_SEEDS,
        });
    }
    if let Some((index, seed)) = seeds
        .iter()
        .enumerate()
        .find(|(_, s)| s.len() > MAX_SEED_LEN)
    {
        return Err(PdaError::SeedTooLong {
            seed: format!("#{index}"),
            len: seed.len(),
        });
    }
    let refs: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
    memo::try_find_program_address(&refs, program_id).ok_or(PdaError::NoViableBump)
}

/// `a` and `b` name the same thing up to casing style (`store_name` / `storeName` / `StoreName`).
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a == b || orquestra_idl::names::loose_key(a) == orquestra_idl::names::loose_key(b)
}

//! `orquestra-tx`: PDA derivation, account resolution and unsigned transactions for programs
//! described by an [`orquestra_idl::Program`].
//!
//! The build path is `resolve → encode → build`, and `decode → name` reads transactions back:
//!
//! * [`pda`]: seed bytes from the IDL's seed model (constants, arguments, accounts, free
//!   variables, the program id) with Anchor/Codama semantics, derived with Solana's own
//!   `find_program_address`.
//! * [`resolve`]: [`resolve_accounts`] fills in every account the caller did not give (fixed
//!   addresses, PDAs, relations read from on-chain data the caller fetched, Codama defaults,
//!   well-known programs and sysvars, optional-account placeholders), in instruction order,
//!   or says precisely what is missing or which account data to fetch.
//! * [`transaction`]: [`build_transaction`] compiles legacy or v0 messages with
//!   `solana-message` (merged roles, fee payer first, optional compute-budget instructions) and
//!   serializes unsigned wire transactions with one zeroed slot per required signature, plus
//!   the fee.
//! * [`decode`]: [`decode_transaction`] parses legacy/v0 wire bytes (bounded, total, never
//!   panics); [`name`]: [`name_instructions`] names programs, instructions, arguments and
//!   accounts with IDLs. [`encoding`] converts bytes to and from base58/base64.
//! * [`simulation`]: a failed simulation's custom error named with the failing program's IDL;
//!   [`filters`]: `getProgramAccounts` filters from an account type and field values.
//! * [`published_idl`]: IDLs published on chain (Anchor's IDL account, the Program Metadata
//!   program's `idl` metadata): their addresses, and the IDL JSON decoded from account bytes
//!   (bounded decompression, typed errors naming the account and field).
//!
//! Pure: no I/O, no async. Errors are typed enums ([`PdaError`], [`ResolveError`],
//! [`TxError`]) that name the seed, account, instruction or byte offset at fault.

pub mod decode;
pub mod encoding;
mod error;
pub mod filters;
pub mod name;
pub mod pda;
pub mod published_idl;
pub mod resolve;
pub mod simulation;
pub mod transaction;

pub use decode::{decode_transaction, decode_transaction_text, DecodedTransaction};
pub use encoding::{Encoding, TextEncoding};
pub use error::TxError;
pub use filters::{compile_filters, AccountFilter, CompiledFilters, FilterError};
pub use name::{name_instructions, NamedAccount, NamedInstruction};
pub use pda::{
    derive, derive_account_pda, derive_for, derive_raw, find_pda, list_pdas, named_pda, DerivedPda,
    PdaEntry, PdaError, RawPda, RawSeed, SeedBytes, SeedInputs,
};
pub use resolve::{
    flatten_accounts, resolve_accounts, AccountSource, ResolveError, ResolveRequest, Resolved,
    ResolvedMeta,
};
pub use simulation::{custom_error, decode_simulation_error, program_error};
pub use transaction::{
    build_transaction, BuiltTransaction, MessageAccount, TxAccountMeta, TxInstruction, TxSpec,
    TxVersion,
};

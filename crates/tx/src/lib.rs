//! `orquestra-tx`: PDA derivation, account resolution and unsigned transactions for programs
//! described by an [`orquestra_idl::Program`].
//!
//! Today the crate holds the PDA engine ([`pda`]): turning the seed model of an IDL (constants,
//! instruction arguments, account addresses, free variables, the program id) into seed bytes with
//! Anchor/Codama semantics and deriving the address with Solana's own `find_program_address`
//! (curve25519-dalek on-curve check). Account resolution and transaction building come next.
//!
//! Pure: no I/O, no async. Errors are typed enums that name the seed or input at fault.

pub mod decode;
pub mod encoding;
mod error;
pub mod name;
pub mod pda;
pub mod transaction;

pub use pda::{
    derive, derive_account_pda, derive_raw, find_pda, list_pdas, named_pda, DerivedPda, PdaEntry,
    PdaError, RawPda, RawSeed, SeedBytes, SeedInputs,
};
pub use decode::{decode_transaction, decode_transaction_text, DecodedTransaction};
pub use encoding::Encoding;
pub use error::TxError;
pub use name::{name_instructions, NamedAccount, NamedInstruction};
pub use transaction::{
    build_transaction, BuiltTransaction, MessageAccount, TxAccountMeta, TxInstruction, TxSpec,
    TxVersion,
};

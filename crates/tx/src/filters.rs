//! `getProgramAccounts` filters from a typed query: an account type becomes its discriminator
//! (memcmp) or size (dataSize), a field value becomes a memcmp of the value's encoding at the
//! field's fixed offset in the layout. Pure: the RPC call is the caller's.

use orquestra_api::account::{AppliedFilter, ProgramAccountsRequest};
use orquestra_api::ErrorCode;
use orquestra_idl::{Discriminator, Program, Type};

use crate::encoding::to_hex;

/// Most bytes one memcmp may compare (the Solana RPC's limit).
pub const MAX_MEMCMP_BYTES: usize = 128;
/// Most memcmp and field filters one query may carry together.
pub const MAX_BYTE_FILTERS: usize = 8;

/// One filter for the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountFilter {
    /// Accounts of exactly this many bytes.
    DataSize(u64),
    /// Accounts whose data holds `bytes` at `offset`.
    Memcmp { offset: u64, bytes: Vec<u8> },
}

/// The filters of a query, and how each is reported back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompiledFilters {
    /// For the node, in request order.
    pub filters: Vec<AccountFilter>,
    /// The same filters as the response shows them, with where each came from.
    pub applied: Vec<AppliedFilter>,
}

/// A query that cannot be turned into filters: the JSON pointer at fault and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct FilterError {
    pub pointer: String,
    pub message: String,
}

impl FilterError {
    fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// Always a validation failure of the request.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::ValidationFailed
    }
}

impl CompiledFilters {
    fn memcmp(&mut self, offset: u64, bytes: Vec<u8>, source: String) {
        self.applied.push(AppliedFilter::Memcmp {
            offset,
            hex: to_hex(&bytes),
            source,
        });
        self.filters.push(AccountFilter::Memcmp { offset, bytes });
    }

    fn data_size(&mut self, size: u64, source: String) {
        self.applied.push(AppliedFilter::DataSize {
            data_size: size,
            source,
        });
        self.filters.push(AccountFilter::DataSize(size));
    }
}

/// Every filter `query` asks for. Refuses an unfiltered query, more than
/// [`MAX_BYTE_FILTERS`] byte comparisons, and field filters without an account type.
pub fn compile_filters(
    program: &Program,
    query: &ProgramAccountsRequest,
) -> Result<CompiledFilters, FilterError> {
    if query.memcmp.len() + query.field_filters.len() > MAX_BYTE_FILTERS {
        return Err(FilterError::new(
            "/memcmp",
            format!("at most {MAX_BYTE_FILTERS} memcmp and field filters together"),
        ));
    }
    let mut out = CompiledFilters::default();
    if let Some(name) = &query.account_type {
        type_filters(program, name, &mut out)?;
    }
    if let Some(size) = query.data_size {
        out.data_size(size, "dataSize".into());
    }
    for (index, m) in query.memcmp.iter().enumerate() {
        let pointer = format!("/memcmp/{index}/bytes");
        let bytes = bs58::decode(&m.bytes)
            .into_vec()
            .map_err(|_| FilterError::new(&pointer, "expected base58"))?;
        if bytes.is_empty() || bytes.len() > MAX_MEMCMP_BYTES {
            return Err(FilterError::new(
                pointer,
                format!("must be 1..={MAX_MEMCMP_BYTES} bytes"),
            ));
        }
        out.memcmp(m.offset, bytes, "memcmp".into());
    }
    if !query.field_filters.is_empty() {
        let account = query.account_type.as_deref().ok_or_else(|| {
            FilterError::new(
                "/accountType",
                "fieldFilters need accountType to know the field offsets",
            )
        })?;
        for (index, filter) in query.field_filters.iter().enumerate() {
            field_filter(
                program,
                account,
                index,
                &filter.field,
                &filter.value,
                &mut out,
            )?;
        }
    }
    if out.filters.is_empty() {
        return Err(FilterError::new(
            "/accountType",
            "give accountType, dataSize, memcmp or fieldFilters: unfiltered queries are refused",
        ));
    }
    Ok(out)
}

/// The account type's identity: byte discriminators as memcmp, a size discriminator as dataSize.
fn type_filters(
    program: &Program,
    name: &str,
    out: &mut CompiledFilters,
) -> Result<(), FilterError> {
    let def = program.find_account(name).ok_or_else(|| {
        FilterError::new(
            "/accountType",
            format!("no account type {name:?} in this IDL"),
        )
    })?;
    let before = out.filters.len();
    let source = format!("accountType:{}", def.name);
    if !def.prefix.is_empty() {
        out.memcmp(0, def.prefix.clone(), source.clone());
    }
    for discriminator in &def.discriminators {
        match discriminator {
            Discriminator::Bytes { offset, bytes } if !(*offset == 0 && *bytes == def.prefix) => {
                out.memcmp(*offset as u64, bytes.clone(), source.clone());
            }
            Discriminator::Size { size } => out.data_size(*size as u64, source.clone()),
            _ => {}
        }
    }
    if out.filters.len() == before {
        return Err(FilterError::new(
            "/accountType",
            format!("account type {name:?} has no discriminator to filter on"),
        ));
    }
    Ok(())
}

/// A field value as a memcmp at the field's fixed offset, encoded with the field's type.
fn field_filter(
    program: &Program,
    account: &str,
    index: usize,
    field: &str,
    value: &serde_json::Value,
    out: &mut CompiledFilters,
) -> Result<(), FilterError> {
    let pointer = format!("/fieldFilters/{index}");
    let layout = program
        .account_layout(account)
        .map_err(|e| FilterError::new("/accountType", e.message))?;
    let wanted = format!("/{}", field.trim_start_matches('/').replace('.', "/"));
    let entry = layout
        .fields
        .iter()
        .find(|f| f.path == wanted)
        .ok_or_else(|| {
            FilterError::new(
                format!("{pointer}/field"),
                format!("{account} has no field {field}"),
            )
        })?;
    let offset = entry.offset.ok_or_else(|| {
        FilterError::new(
            format!("{pointer}/field"),
            format!("{field} follows a variable-size field: its offset is not fixed"),
        )
    })?;
    let ty = field_type(program, account, &wanted)
        .ok_or_else(|| FilterError::new(format!("{pointer}/field"), "cannot type this field"))?;
    let bytes = program
        .encode_value(&ty, value)
        .map_err(|e| FilterError::new(format!("{pointer}/value{}", e.path), e.message))?;
    if bytes.is_empty() || bytes.len() > MAX_MEMCMP_BYTES {
        return Err(FilterError::new(
            format!("{pointer}/value"),
            format!("the encoded value must be 1..={MAX_MEMCMP_BYTES} bytes"),
        ));
    }
    out.memcmp(offset as u64, bytes, format!("field:{field}"));
    Ok(())
}

/// The type of the field at `pointer` (`/a/b`) inside account `account`.
fn field_type(program: &Program, account: &str, pointer: &str) -> Option<Type> {
    let mut ty = program.find_account(account)?.ty.clone();
    for segment in pointer.trim_start_matches('/').split('/') {
        let resolved = match &ty {
            Type::Defined { name, .. } => program.find_type(name).map(|t| t.ty.clone())?,
            other => other.clone(),
        };
        let Type::Struct { fields } = resolved.unwrapped().clone() else {
            return None;
        };
        ty = fields.into_iter().find(|f| f.name == segment)?.ty;
    }
    Some(ty)
}

//! The resolution state: which accounts are known, from where, and what the rest wait for.

use crate::encoding::ToAddress;
use std::collections::{BTreeMap, BTreeSet};

use orquestra_idl::{AccountDefault, AccountItem, OptionalAccountStrategy, Program, Signer};
use serde_json::Value;
use solana_address::Address;

use super::well_known::{self, well_known_address};
use super::{AccountSource, Entry, ResolveError, ResolveRequest, Resolved, ResolvedMeta};
use crate::pda::same_name;

/// A resolved address: where it came from and the bump for PDAs.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub(super) address: Address,
    pub(super) source: AccountSource,
    pub(super) bump: Option<u8>,
}

pub(super) struct State<'a> {
    pub(super) program: &'a Program,
    pub(super) instruction: &'a str,
    pub(super) program_id: Address,
    pub(super) fee_payer: Option<Address>,
    /// Anchor (or legacy Anchor) IDL: signers default to the fee payer.
    pub(super) anchor: bool,
    pub(super) request: &'a ResolveRequest,
    pub(super) entries: &'a [Entry<'a>],
    pub(super) values: Vec<Option<Found>>,
    /// Optional accounts the caller gave as `null`: "none", never resolved.
    pub(super) explicit_none: Vec<bool>,
    /// Why an account is still unresolved (last pass), by path.
    pub(super) hints: BTreeMap<String, String>,
    /// On-chain data an unresolved account waits for: path → addresses.
    pub(super) needs: BTreeMap<String, BTreeSet<String>>,
}

impl State<'_> {
    /// Places the caller's accounts: exact paths first, then leaf names (which fill every group
    /// member of that name not already given). `null` marks optional targets as "none".
    pub(super) fn supplied(&mut self) -> Result<(), ResolveError> {
        let mut unknown = Vec::new();
        let mut by_leaf = Vec::new();
        for (key, value) in &self.request.accounts {
            let value = value.as_deref().map(str::trim);
            let path_matches = self.matching(key, |e| &e.path);
            let targets = if path_matches.is_empty() {
                let leaf_matches = self.matching(key, |e| leaf(&e.path));
                if leaf_matches.is_empty() {
                    unknown.push(key.clone());
                    continue;
                }
                by_leaf.push((leaf_matches, key, value));
                continue;
            } else {
                path_matches
            };
            self.place(&targets, key, value)?;
        }
        if !unknown.is_empty() {
            return Err(ResolveError::UnknownAccounts {
                names: unknown,
                known: self.entries.iter().map(|e| e.path.clone()).collect(),
            });
        }
        for (targets, key, value) in by_leaf {
            let open: Vec<usize> = targets
                .into_iter()
                .filter(|&i| self.values[i].is_none() && !self.explicit_none[i])
                .collect();
            self.place(&open, key, value)?;
        }
        Ok(())
    }

    fn matching(&self, key: &str, name: impl for<'e> Fn(&'e Entry<'_>) -> &'e str) -> Vec<usize> {
        let exact: Vec<usize> = (0..self.entries.len())
            .filter(|&i| name(&self.entries[i]) == key)
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        (0..self.entries.len())
            .filter(|&i| same_name(name(&self.entries[i]), key))
            .collect()
    }

    fn place(
        &mut self,
        targets: &[usize],
        key: &str,
        value: Option<&str>,
    ) -> Result<(), ResolveError> {
        let value = match value {
            // `null`: optional targets are "none"; required ones stay "not given".
            None => {
                for &i in targets {
                    if self.entries[i].account.optional {
                        self.explicit_none[i] = true;
                    }
                }
                return Ok(());
            }
            Some("") => return Ok(()),
            Some(value) => value,
        };
        let address = value
            .to_address()
            .map_err(|_| ResolveError::InvalidAddress {
                account: key.to_string(),
                value: value.to_string(),
            })?;
        for &i in targets {
            self.values[i] = Some(Found {
                address,
                source: AccountSource::Provided,
                bump: None,
            });
        }
        Ok(())
    }

    /// The address of account `name` as seen from entry `from`: a sibling in `from`'s group
    /// first (Anchor resolves names inside composite accounts relative to the group), then by
    /// path, leaf name or other casing.
    pub(super) fn lookup(&self, from: &str, name: &str) -> Option<Address> {
        let index = self.index_of(from, name)?;
        self.values[index].as_ref().map(|f| f.address)
    }

    pub(super) fn index_of(&self, from: &str, name: &str) -> Option<usize> {
        let entries = self.entries;
        if let Some((group, _)) = from.rsplit_once('.') {
            let sibling = format!("{group}.{name}");
            let found = entries
                .iter()
                .position(|e| e.path == sibling)
                .or_else(|| entries.iter().position(|e| same_name(&e.path, &sibling)));
            if found.is_some() {
                return found;
            }
        }
        entries
            .iter()
            .position(|e| e.path == name)
            .or_else(|| entries.iter().position(|e| same_name(&e.path, name)))
            .or_else(|| entries.iter().position(|e| same_name(leaf(&e.path), name)))
    }

    pub(super) fn try_resolve(&mut self, i: usize) -> Result<Option<Found>, ResolveError> {
        let entry = &self.entries[i];
        let account = entry.account;
        let path = entry.path.clone();
        let found = |address, source| {
            Some(Found {
                address,
                source,
                bump: None,
            })
        };
        if let Some(fixed) = &account.address {
            let address = parse_idl_address(&path, fixed)?;
            return Ok(found(address, AccountSource::Fixed));
        }
        if let Some(default) = &account.default {
            if let Some(result) = self.default(&path, default)? {
                return Ok(Some(result));
            }
        }
        if let Some(pda) = &account.pda {
            if let Some(result) = self.pda(&path, pda)? {
                return Ok(Some(result));
            }
            // A declared PDA is authoritative: no guessing by name.
            return Ok(None);
        }
        // Anchor's client defaults signers to the wallet (here: the fee payer), optional ones too.
        if account.signer == Signer::Yes && self.anchor {
            if let Some(payer) = self.fee_payer {
                return Ok(found(payer, AccountSource::FeePayer));
            }
        }
        for relation in &account.relations {
            if let Some(address) = self.relation(&path, relation)? {
                return Ok(found(address, AccountSource::Relation));
            }
        }
        if !account.relations.is_empty() && self.needs.contains_key(&path) {
            return Ok(None);
        }
        // Guessing by name is for required accounts only: an optional account left out gets what
        // the IDL states (address, default, PDA, signer, relation) or is "none".
        if account.optional {
            return Ok(None);
        }
        if let Some(address) = self.by_name(&path)? {
            return Ok(Some(address));
        }
        Ok(None)
    }

    fn default(
        &mut self,
        path: &str,
        default: &AccountDefault,
    ) -> Result<Option<Found>, ResolveError> {
        let found = |address, source| Found {
            address,
            source,
            bump: None,
        };
        Ok(match default {
            AccountDefault::ProgramId => Some(found(self.program_id, AccountSource::Default)),
            AccountDefault::Payer | AccountDefault::Identity => match self.fee_payer {
                Some(payer) => Some(found(payer, AccountSource::FeePayer)),
                None => {
                    self.hint(
                        path,
                        "defaults to the fee payer: pass feePayer or the account",
                    );
                    None
                }
            },
            AccountDefault::Account { name } => match self.lookup(path, name) {
                Some(address) => Some(found(address, AccountSource::Default)),
                None => {
                    self.hint(path, &format!("defaults to account `{name}`"));
                    None
                }
            },
            AccountDefault::Arg { name } => {
                let value = self
                    .request
                    .args
                    .as_object()
                    .and_then(|args| arg_value(args, name));
                match value {
                    Some(text) => Some(found(
                        text.to_address()
                            .map_err(|_| ResolveError::InvalidAddress {
                                account: path.to_string(),
                                value: text.to_string(),
                            })?,
                        AccountSource::Default,
                    )),
                    None => {
                        self.hint(path, &format!("defaults to argument `{name}`"));
                        None
                    }
                }
            }
            AccountDefault::Other { description } => {
                self.hint(path, &format!("IDL default not interpreted: {description}"));
                None
            }
        })
    }

    /// Well-known programs/sysvars, `program`, and associated token accounts.
    fn by_name(&mut self, path: &str) -> Result<Option<Found>, ResolveError> {
        let name = leaf(path);
        let found = |address, bump| Found {
            address,
            source: AccountSource::WellKnown,
            bump,
        };
        if let Some(address) = well_known_address(name) {
            return Ok(Some(found(parse_idl_address(path, address)?, None)));
        }
        if name == "program" {
            return Ok(Some(found(self.program_id, None)));
        }
        if well_known::is_associated_token_account(name) {
            let owner = well_known::ATA_OWNER_NAMES
                .iter()
                .find_map(|n| self.lookup(path, n));
            let mint = self.lookup(path, "mint");
            let token_program = self
                .lookup(path, "token_program")
                .or_else(|| well_known_address("token_program").and_then(|a| a.to_address().ok()));
            if let (Some(owner), Some(mint), Some(token_program)) = (owner, mint, token_program) {
                let seeds: [&[u8]; 3] = [owner.as_ref(), token_program.as_ref(), mint.as_ref()];
                let ata = parse_idl_address(path, well_known::ASSOCIATED_TOKEN_PROGRAM_ID)?;
                if let Some((address, bump)) =
                    crate::pda::memo::try_find_program_address(&seeds, &ata)
                {
                    return Ok(Some(found(address, Some(bump))));
                }
            }
            self.hint(
                path,
                "an associated token account: needs `wallet`/`owner` and `mint`",
            );
        }
        Ok(None)
    }

    pub(super) fn hint(&mut self, path: &str, message: &str) {
        self.hints
            .entry(path.to_string())
            .or_insert_with(|| message.to_string());
    }

    pub(super) fn need(&mut self, path: &str, pubkey: &str) {
        self.needs
            .entry(path.to_string())
            .or_default()
            .insert(pubkey.to_string());
    }

    pub(super) fn finish(
        self,
        strategy: OptionalAccountStrategy,
    ) -> Result<Resolved, ResolveError> {
        let mut missing = Vec::new();
        // Unresolved accounts (required, or optional and not given as `null`) waiting for
        // on-chain data, in instruction order.
        let mut waiting = Vec::new();
        let mut metas = Vec::with_capacity(self.entries.len());
        for (entry, value) in self.entries.iter().zip(&self.values) {
            let account = entry.account;
            if value.is_none() && self.needs.contains_key(&entry.path) {
                waiting.push(entry.path.clone());
            }
            let found = match value {
                Some(found) => found.clone(),
                None if account.optional => match strategy {
                    OptionalAccountStrategy::Omitted => continue,
                    OptionalAccountStrategy::ProgramId => {
                        metas.push(ResolvedMeta {
                            name: entry.path.clone(),
                            pubkey: self.program_id.to_string(),
                            is_signer: false,
                            is_writable: false,
                            source: AccountSource::OptionalPlaceholder,
                            bump: None,
                        });
                        continue;
                    }
                },
                None => {
                    missing.push(entry.path.clone());
                    continue;
                }
            };
            let is_signer = match account.signer {
                Signer::Yes => true,
                Signer::No => false,
                Signer::Either => Some(found.address) == self.fee_payer,
            };
            metas.push(ResolvedMeta {
                name: entry.path.clone(),
                pubkey: found.address.to_string(),
                is_signer,
                is_writable: account.writable,
                source: found.source,
                bump: found.bump,
            });
        }
        // Every missing account waits for on-chain data (or none is missing but an optional
        // account does): ask for it, for the optional accounts too, as Anchor's client fetches.
        if missing.iter().all(|m| self.needs.contains_key(m)) && !waiting.is_empty() {
            let accounts: BTreeSet<String> = waiting
                .iter()
                .filter_map(|m| self.needs.get(m))
                .flatten()
                .cloned()
                .collect();
            return Err(ResolveError::NeedsAccountData {
                accounts: accounts.into_iter().collect(),
                for_accounts: waiting,
            });
        }
        if !missing.is_empty() {
            let hints = self
                .hints
                .into_iter()
                .filter(|(k, _)| missing.contains(k))
                .collect();
            return Err(ResolveError::Missing {
                accounts: missing,
                hints,
            });
        }
        Ok(Resolved {
            program_id: self.program_id.to_string(),
            metas,
        })
    }
}

pub(super) fn flatten<'p>(items: &'p [AccountItem], prefix: &str, out: &mut Vec<Entry<'p>>) {
    for item in items {
        match item {
            AccountItem::Single(account) => out.push(Entry {
                path: join(prefix, &account.name),
                account,
            }),
            AccountItem::Group { name, accounts, .. } => {
                flatten(accounts, &join(prefix, name), out)
            }
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

pub(super) fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

pub(super) fn parse_idl_address(path: &str, value: &str) -> Result<Address, ResolveError> {
    orquestra_idl::address::parse_address(value)
        .map(Address::from)
        .map_err(|_| ResolveError::InvalidFixedAddress {
            account: path.to_string(),
            value: value.to_string(),
        })
}

/// A string argument by name or dotted path, either casing; `None` when absent or not a string.
fn arg_value<'v>(args: &'v serde_json::Map<String, Value>, name: &str) -> Option<&'v str> {
    let mut current: Option<&Value> = None;
    for part in name.split('.') {
        let object = match current {
            None => args,
            Some(value) => value.as_object()?,
        };
        current = object.get(part).or_else(|| {
            object
                .iter()
                .find(|(k, _)| same_name(k, part))
                .map(|(_, v)| v)
        });
        current?;
    }
    current?.as_str()
}

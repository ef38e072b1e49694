//! Addresses derived from other accounts: PDAs (with account-field seeds read from on-chain
//! data) and Anchor relations.

use crate::encoding::ToAddress;
use orquestra_idl::{Pda, Seed};
use serde_json::Value;
use solana_address::Address;

use super::data;
use super::state::{leaf, Found, State};
use super::{AccountSource, ResolveError};
use crate::pda::{derive_for, same_name, PdaError, SeedInputs};

impl State<'_> {
    pub(super) fn pda(&mut self, path: &str, pda: &Pda) -> Result<Option<Found>, ResolveError> {
        let Some(pda) = self.substitute_field_seeds(path, pda)? else {
            return Ok(None);
        };
        let inputs = self.seed_inputs(path);
        match derive_for(self.program, &self.program_id.to_string(), &pda, &inputs) {
            Ok(derived) => {
                let address = derived.address.to_address().map_err(|_| {
                    ResolveError::InvalidFixedAddress {
                        account: path.to_string(),
                        value: derived.address.clone(),
                    }
                })?;
                Ok(Some(Found {
                    address,
                    source: AccountSource::Pda,
                    bump: Some(derived.bump),
                }))
            }
            Err(PdaError::MissingAccount { name }) => {
                self.hint(path, &format!("PDA seed needs account `{name}`"));
                Ok(None)
            }
            Err(PdaError::MissingArg { path: arg }) => {
                self.hint(path, &format!("PDA seed needs argument `{arg}`"));
                Ok(None)
            }
            Err(PdaError::MissingVariable { name }) => {
                self.hint(path, &format!("PDA seed needs `{name}`"));
                Ok(None)
            }
            Err(PdaError::NeedsAccountData { account, field }) => {
                self.hint(path, &format!("PDA seed reads `{account}.{field}`"));
                Ok(None)
            }
            Err(source) => Err(ResolveError::Pda {
                account: path.to_string(),
                source,
            }),
        }
    }

    /// The PDA with every account-field seed (`account.field` that is not a group member)
    /// replaced by its bytes from `account_data`; `None` while the data is not there.
    fn substitute_field_seeds(
        &mut self,
        path: &str,
        pda: &Pda,
    ) -> Result<Option<Pda>, ResolveError> {
        let mut seeds = Vec::with_capacity(pda.seeds.len());
        for seed in &pda.seeds {
            match seed {
                Seed::Account {
                    path: seed_path,
                    account,
                } if self.is_field_path(seed_path) => {
                    let Some((base, field)) = self.split_field_path(path, seed_path) else {
                        self.hint(path, &format!("PDA seed `{seed_path}` names no account"));
                        return Ok(None);
                    };
                    let Some(bytes) = self.read_field(path, &base, &field, account.as_deref())?
                    else {
                        return Ok(None);
                    };
                    seeds.push(Seed::Const { bytes });
                }
                other => seeds.push(other.clone()),
            }
        }
        Ok(Some(Pda {
            seeds,
            program: pda.program.clone(),
        }))
    }

    fn is_field_path(&self, seed_path: &str) -> bool {
        seed_path.contains('.')
            && !self
                .entries
                .iter()
                .any(|e| e.path == seed_path || same_name(&e.path, seed_path))
    }

    /// `account.field.sub` → (`account`, `field.sub`), the longest prefix that is an account.
    fn split_field_path(&self, from: &str, seed_path: &str) -> Option<(String, String)> {
        let parts: Vec<&str> = seed_path.split('.').collect();
        (1..parts.len()).rev().find_map(|n| {
            let base = parts[..n].join(".");
            self.index_of(from, &base)
                .map(|_| (base, parts[n..].join(".")))
        })
    }

    /// Seed bytes of `base.field`, or `None` (with a hint / data need) while unavailable.
    fn read_field(
        &mut self,
        path: &str,
        base: &str,
        field: &str,
        ty: Option<&str>,
    ) -> Result<Option<Vec<u8>>, ResolveError> {
        let Some(address) = self.lookup(path, base) else {
            self.hint(
                path,
                &format!("PDA seed reads `{base}.{field}`: needs account `{base}`"),
            );
            return Ok(None);
        };
        let key = address.to_string();
        let Some(data) = self.request.account_data.get(&key) else {
            self.need(path, &key);
            self.hint(
                path,
                &format!("PDA seed reads `{base}.{field}`: needs the data of {key}"),
            );
            return Ok(None);
        };
        data::field_seed(self.program, ty, field, data)
            .map(Some)
            .map_err(|message| ResolveError::AccountData {
                account: base.to_string(),
                pubkey: key,
                message,
            })
    }

    pub(super) fn relation(
        &mut self,
        path: &str,
        relation: &str,
    ) -> Result<Option<Address>, ResolveError> {
        let Some(address) = self.lookup(path, relation) else {
            self.hint(path, &format!("stored in account `{relation}`"));
            return Ok(None);
        };
        let key = address.to_string();
        let Some(data) = self.request.account_data.get(&key) else {
            self.need(path, &key);
            self.hint(
                path,
                &format!("stored in account `{relation}`: needs the data of {key}"),
            );
            return Ok(None);
        };
        let name = leaf(path);
        let value = data::relation(self.program, name, data).map_err(|message| {
            ResolveError::AccountData {
                account: relation.to_string(),
                pubkey: key.clone(),
                message,
            }
        })?;
        match value {
            None => Ok(None),
            Some(text) => text
                .to_address()
                .map(Some)
                .map_err(|_| ResolveError::AccountData {
                    account: relation.to_string(),
                    pubkey: key,
                    message: format!("field `{name}` holds `{text}`, not an address"),
                }),
        }
    }

    /// Seed inputs for the PDA of entry `from`: the arguments and every resolved account by
    /// path and leaf name, `from`'s siblings taking precedence for leaf names.
    pub(super) fn seed_inputs(&self, from: &str) -> SeedInputs {
        let mut inputs = SeedInputs::new().instruction(self.instruction);
        if let Some(args) = self.request.args.as_object() {
            inputs.args = args.clone();
        }
        let group = from.rsplit_once('.').map(|(g, _)| g);
        for (entry, value) in self.entries.iter().zip(&self.values) {
            let Some(found) = value else { continue };
            let text = found.address.to_string();
            let leaf_name = leaf(&entry.path).to_string();
            let sibling = group.is_some() && entry.path.rsplit_once('.').map(|(g, _)| g) == group;
            if sibling {
                inputs
                    .variables
                    .insert(leaf_name.clone(), Value::String(text.clone()));
                inputs.accounts.insert(leaf_name, text.clone());
            } else {
                inputs
                    .variables
                    .entry(leaf_name.clone())
                    .or_insert_with(|| Value::String(text.clone()));
                inputs.accounts.entry(leaf_name).or_insert(text.clone());
            }
            inputs.accounts.insert(entry.path.clone(), text);
        }
        inputs
    }
}

//! The typed methods: request shapes and response parsing.

use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::endpoint::Endpoint;
use crate::error::RpcError;
use crate::types::{
    check_pubkey, parse_account, parse_optional_account, Account, Commitment, LatestBlockhash,
    ProgramAccounts, ProgramAccountsQuery, ReturnData, SimulateOptions, SimulateResult, WithSlot,
};
use crate::RpcClient;

/// `getMultipleAccounts` accepts at most this many keys per request.
const MULTIPLE_ACCOUNTS_CHUNK: usize = 100;

impl RpcClient {
    /// `getLatestBlockhash` at `confirmed`.
    pub async fn get_latest_blockhash(
        &self,
        endpoint: &Endpoint,
    ) -> Result<LatestBlockhash, RpcError> {
        let params = json!([{ "commitment": Commitment::Confirmed.as_str() }]);
        let result = self.call(endpoint, "getLatestBlockhash", params).await?;
        let (slot, value) = split_context(result)?;
        let blockhash = value
            .get("blockhash")
            .and_then(Value::as_str)
            .ok_or_else(|| RpcError::invalid_response("getLatestBlockhash: no blockhash"))?;
        match bs58::decode(blockhash).into_vec() {
            Ok(bytes) if bytes.len() == 32 => {}
            _ => {
                return Err(RpcError::invalid_response(
                    "getLatestBlockhash: blockhash is not 32 bytes of base58",
                ))
            }
        }
        let last_valid_block_height = value
            .get("lastValidBlockHeight")
            .and_then(Value::as_u64)
            .ok_or_else(|| {
                RpcError::invalid_response("getLatestBlockhash: no lastValidBlockHeight")
            })?;
        Ok(LatestBlockhash {
            blockhash: blockhash.to_owned(),
            last_valid_block_height,
            slot,
        })
    }

    /// `simulateTransaction` of base64 wire bytes.
    pub async fn simulate_transaction(
        &self,
        endpoint: &Endpoint,
        tx_base64: &str,
        options: &SimulateOptions,
    ) -> Result<SimulateResult, RpcError> {
        if base64::engine::general_purpose::STANDARD
            .decode(tx_base64)
            .is_err()
        {
            return Err(RpcError::InvalidArgument(
                "transaction is not base64".into(),
            ));
        }
        if options.sig_verify && options.replace_recent_blockhash {
            return Err(RpcError::InvalidArgument(
                "sigVerify and replaceRecentBlockhash cannot both be set".into(),
            ));
        }
        let mut config = Map::new();
        config.insert("encoding".into(), json!("base64"));
        config.insert("sigVerify".into(), json!(options.sig_verify));
        config.insert(
            "replaceRecentBlockhash".into(),
            json!(options.replace_recent_blockhash),
        );
        config.insert("commitment".into(), json!(options.commitment.as_str()));
        if let Some(addresses) = &options.accounts {
            for a in addresses {
                check_pubkey("accounts", a)?;
            }
            config.insert(
                "accounts".into(),
                json!({ "addresses": addresses, "encoding": "base64" }),
            );
        }
        let params = json!([tx_base64, Value::Object(config)]);
        let result = self.call(endpoint, "simulateTransaction", params).await?;
        let (slot, value) = split_context(result)?;
        parse_simulation(slot, value)
    }

    /// `getAccountInfo` (base64, `confirmed`); `None` when the account does not exist.
    pub async fn get_account_info(
        &self,
        endpoint: &Endpoint,
        pubkey: &str,
    ) -> Result<Option<Account>, RpcError> {
        Ok(self
            .get_account_info_with_slot(endpoint, pubkey)
            .await?
            .value)
    }

    /// `getAccountInfo` with the slot the node read it at (`context.slot`).
    pub async fn get_account_info_with_slot(
        &self,
        endpoint: &Endpoint,
        pubkey: &str,
    ) -> Result<WithSlot<Option<Account>>, RpcError> {
        check_pubkey("pubkey", pubkey)?;
        let params = json!([pubkey, account_config()]);
        let result = self.call(endpoint, "getAccountInfo", params).await?;
        let (slot, value) = split_context(result)?;
        Ok(WithSlot {
            slot,
            value: parse_optional_account(value)?,
        })
    }

    /// `getMultipleAccounts` (base64, `confirmed`), in request order; batches of 100.
    pub async fn get_multiple_accounts(
        &self,
        endpoint: &Endpoint,
        pubkeys: &[&str],
    ) -> Result<Vec<Option<Account>>, RpcError> {
        for key in pubkeys {
            check_pubkey("pubkeys", key)?;
        }
        let mut out = Vec::with_capacity(pubkeys.len());
        for chunk in pubkeys.chunks(MULTIPLE_ACCOUNTS_CHUNK) {
            let params = json!([chunk, account_config()]);
            let result = self.call(endpoint, "getMultipleAccounts", params).await?;
            let (_, value) = split_context(result)?;
            let Value::Array(items) = value else {
                return Err(RpcError::invalid_response(
                    "getMultipleAccounts: value is not an array",
                ));
            };
            if items.len() != chunk.len() {
                return Err(RpcError::invalid_response(format!(
                    "getMultipleAccounts: asked {} accounts, got {}",
                    chunk.len(),
                    items.len()
                )));
            }
            for item in items {
                out.push(parse_optional_account(item)?);
            }
        }
        Ok(out)
    }

    /// `getProgramAccounts` (base64, `confirmed`) with filters, an optional data slice and an
    /// optional per-call size cap.
    pub async fn get_program_accounts(
        &self,
        endpoint: &Endpoint,
        program: &str,
        query: &ProgramAccountsQuery,
    ) -> Result<ProgramAccounts, RpcError> {
        check_pubkey("program", program)?;
        let mut config = account_config();
        let filters = query
            .filters
            .iter()
            .map(|f| f.to_json())
            .collect::<Result<Vec<_>, _>>()?;
        if !filters.is_empty() {
            config["filters"] = Value::Array(filters);
        }
        if let Some(slice) = query.data_slice {
            config["dataSlice"] = json!({ "offset": slice.offset, "length": slice.length });
        }
        if query.with_context {
            config["withContext"] = json!(true);
        }
        let params = json!([program, config]);
        let result = self
            .call_with_limit(
                endpoint,
                "getProgramAccounts",
                params,
                query.max_response_bytes,
            )
            .await?;
        // Nodes answer `{context, value}` when asked withContext, a bare array otherwise.
        let (slot, value) = match result {
            Value::Array(_) => (None, result),
            other => {
                let (slot, value) = split_context(other)?;
                (Some(slot), value)
            }
        };
        let Value::Array(items) = value else {
            return Err(RpcError::invalid_response(
                "getProgramAccounts: value is not an array",
            ));
        };
        let mut accounts = Vec::with_capacity(items.len());
        for mut item in items {
            let pubkey = item
                .get("pubkey")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    RpcError::invalid_response("getProgramAccounts: entry without pubkey")
                })?
                .to_owned();
            let account =
                parse_account(item.get_mut("account").map(Value::take).unwrap_or_default())?;
            accounts.push((pubkey, account));
        }
        Ok(ProgramAccounts { slot, accounts })
    }
}

fn account_config() -> Value {
    json!({ "encoding": "base64", "commitment": Commitment::Confirmed.as_str() })
}

/// `{context: {slot}, value}` → (slot, value).
fn split_context(result: Value) -> Result<(u64, Value), RpcError> {
    let Value::Object(mut obj) = result else {
        return Err(RpcError::invalid_response(
            "expected {context, value}, got a non-object",
        ));
    };
    let slot = obj
        .get("context")
        .and_then(|c| c.get("slot"))
        .and_then(Value::as_u64)
        .ok_or_else(|| RpcError::invalid_response("missing context.slot"))?;
    let value = obj
        .remove("value")
        .ok_or_else(|| RpcError::invalid_response("missing value"))?;
    Ok((slot, value))
}

fn parse_simulation(slot: u64, value: Value) -> Result<SimulateResult, RpcError> {
    let Value::Object(mut v) = value else {
        return Err(RpcError::invalid_response(
            "simulateTransaction: value is not an object",
        ));
    };
    let err = v.remove("err").filter(|e| !e.is_null());
    let logs = match v.remove("logs") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(lines)) => lines
            .into_iter()
            .map(|l| match l {
                Value::String(s) => Ok(s),
                _ => Err(RpcError::invalid_response(
                    "simulateTransaction: a log line is not a string",
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(RpcError::invalid_response(
                "simulateTransaction: logs is not an array",
            ))
        }
    };
    let units_consumed = v.get("unitsConsumed").and_then(Value::as_u64);
    let return_data = match v.remove("returnData") {
        None | Some(Value::Null) => None,
        Some(rd) => Some(parse_return_data(&rd)?),
    };
    let accounts = match v.remove("accounts") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .into_iter()
                .map(parse_optional_account)
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => {
            return Err(RpcError::invalid_response(
                "simulateTransaction: accounts is not an array",
            ))
        }
    };
    Ok(SimulateResult {
        slot,
        err,
        logs,
        units_consumed,
        return_data,
        accounts,
    })
}

/// `{"programId": "…", "data": ["<base64>", "base64"]}`.
fn parse_return_data(rd: &Value) -> Result<ReturnData, RpcError> {
    let program_id = rd
        .get("programId")
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError::invalid_response("returnData without programId"))?
        .to_owned();
    let text = rd
        .get("data")
        .and_then(|d| d.get(0))
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError::invalid_response("returnData without data"))?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| RpcError::invalid_response(format!("returnData is not base64: {e}")))?;
    Ok(ReturnData { program_id, data })
}

//! What the routes that touch the chain share: RPC endpoint choice from a request, RPC errors in
//! the API's shape, and decoding a simulation failure with the program's IDL.

use orquestra_idl::Program;
use orquestra_rpc::{Endpoint, SimulateResult};
use serde_json::{json, Value};

use crate::{ApiError, AppState};

/// The endpoint a request names (`cluster`, or `network` as its older name, and `rpcUrl`).
pub async fn endpoint(
    state: &AppState,
    cluster: Option<&str>,
    rpc_url: Option<&str>,
) -> Result<Endpoint, ApiError> {
    state.rpc.endpoint(cluster, rpc_url).await.map_err(|e| {
        let mut api = ApiError::from(e);
        let pointer = if rpc_url.is_some_and(|u| !u.trim().is_empty()) {
            "/rpcUrl"
        } else {
            "/cluster"
        };
        let message = api.message.clone();
        api = api.with_detail(pointer, message);
        api
    })
}

/// `{"InstructionError":[index, {"Custom": n}]}` → (index, n).
pub fn custom_error(err: &Value) -> Option<(usize, u32)> {
    let pair = err.get("InstructionError")?.as_array()?;
    let index = usize::try_from(pair.first()?.as_u64()?).ok()?;
    let code = u32::try_from(pair.get(1)?.get("Custom")?.as_u64()?).ok()?;
    Some((index, code))
}

/// The IDL error for a custom code, as `{code, name, msg}`.
pub fn decode_error(program: &Program, code: u32) -> Option<Value> {
    program
        .errors
        .iter()
        .find(|e| e.code == code)
        .map(|e| json!({ "code": e.code, "name": e.name, "msg": e.message }))
}

/// A simulation as the API reports it; `program_for` names the program of the failing instruction.
pub fn simulation_view(
    result: &SimulateResult,
    failing_program: impl Fn(usize) -> Option<std::sync::Arc<Program>>,
) -> Value {
    let decoded = result
        .err
        .as_ref()
        .and_then(custom_error)
        .and_then(|(index, code)| {
            let program = failing_program(index)?;
            decode_error(&program, code).map(|mut v| {
                v["instructionIndex"] = index.into();
                v["program"] = program.name.clone().into();
                v
            })
        });
    json!({
        "success": result.err.is_none(),
        "err": result.err,
        "decodedError": decoded,
        "logs": result.logs,
        "unitsConsumed": result.units_consumed,
        "computeUnits": result.units_consumed,
        "slot": result.slot,
        "returnData": result.return_data.as_ref().map(|r| json!({
            "programId": r.program_id,
            "data": orquestra_tx::encoding::to_base64(&r.data),
        })),
    })
}

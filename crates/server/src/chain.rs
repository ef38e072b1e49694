//! What the routes that touch the chain share: RPC endpoint choice from a request, RPC errors in
//! the API's shape, and a simulation in the API's shape (its program error decoded by
//! `orquestra_tx::simulation`).

use std::sync::Arc;

use orquestra_api::transaction::{Cluster, ReturnData, Simulation};
use orquestra_idl::Program;
use orquestra_rpc::{Endpoint, SimulateResult};

use crate::{ApiError, AppState};

/// The endpoint a request names (`cluster`, and `rpcUrl` which wins).
pub async fn endpoint(
    state: &AppState,
    cluster: Option<Cluster>,
    rpc_url: Option<&str>,
) -> Result<Endpoint, ApiError> {
    let cluster = cluster.map(Cluster::as_str);
    state.rpc.endpoint(cluster, rpc_url).await.map_err(|e| {
        let api = ApiError::from(e);
        let pointer = if rpc_url.is_some_and(|u| !u.trim().is_empty()) {
            "/rpcUrl"
        } else {
            "/cluster"
        };
        let message = api.message.clone();
        api.with_detail(pointer, message)
    })
}

/// A simulation as the API reports it; `program_for` names the program of an instruction index.
pub fn simulation_view(
    result: &SimulateResult,
    program_for: impl Fn(usize) -> Option<Arc<Program>>,
) -> Simulation {
    Simulation {
        success: result.err.is_none(),
        err: result.err.clone(),
        decoded_error: orquestra_tx::decode_simulation_error(result.err.as_ref(), program_for),
        logs: result.logs.clone(),
        units_consumed: result.units_consumed,
        compute_units: result.units_consumed,
        slot: result.slot,
        return_data: result.return_data.as_ref().map(|r| ReturnData {
            program_id: r.program_id.clone(),
            data: orquestra_tx::encoding::to_base64(&r.data),
        }),
    }
}

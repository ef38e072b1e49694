//! The short Markdown text beside each tool's `structuredContent`: a summary an agent (or a
//! person reading the transcript) can act on, never a dump of the JSON.

use std::fmt::Write as _;

use serde_json::Value;

/// Most list entries a summary names before "… and N more".
const MAX_LINES: usize = 12;
/// Most simulation log lines a summary quotes (the last ones).
const MAX_LOGS: usize = 8;

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("?")
}

fn more(out: &mut String, total: usize) {
    if total > MAX_LINES {
        let _ = writeln!(out, "- … and {} more", total - MAX_LINES);
    }
}

/// `Error not_found (HTTP 404): project not found — /args/x: …` on one line (the HTTP status
/// when the error came from a REST route).
pub fn error(status: Option<u16>, body: &Value) -> String {
    let error = &body["error"];
    let status = status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
    let message = str_of(error, "message");
    let details = error
        .get("details")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // One detail that only says where: `Error code: /path: message`.
    if let [only] = details.as_slice() {
        if only["message"].as_str() == Some(message) {
            if let Some(path) = only["path"].as_str() {
                let line = format!("Error {}{status}: {path}: {message}", str_of(error, "code"));
                return line.replace('\n', " ");
            }
        }
    }
    let mut line = format!("Error {}{status}: {message}", str_of(error, "code"));
    if !details.is_empty() {
        let parts: Vec<String> = details
            .iter()
            .filter_map(|d| {
                let path = d.get("path").and_then(Value::as_str)?;
                let message = d.get("message").and_then(Value::as_str).unwrap_or("");
                Some(format!("{path}: {message}"))
            })
            .collect();
        if !parts.is_empty() {
            let _ = write!(line, " — {}", parts.join("; "));
        }
    }
    line.replace('\n', " ")
}

/// `search_programs`: one line per project.
pub fn projects(body: &Value) -> String {
    let projects: Vec<&Value> = match body.get("projects").and_then(Value::as_array) {
        Some(list) => list.iter().collect(),
        None => body.get("project").into_iter().collect(),
    };
    if projects.is_empty() {
        return "No programs found.".into();
    }
    let total = body
        .get("total")
        .and_then(Value::as_u64)
        .map_or(projects.len(), |t| t as usize);
    let mut out = format!("Found {total} program(s):\n");
    for p in projects.iter().take(MAX_LINES) {
        let _ = write!(
            out,
            "- **{}** (projectId: `{}`) — program `{}`",
            str_of(p, "name"),
            str_of(p, "id"),
            str_of(p, "programId")
        );
        if let Some(d) = p.get("description").and_then(Value::as_str) {
            let d: String = d.chars().take(120).collect();
            let _ = write!(out, ": {}", d.replace('\n', " "));
        }
        out.push('\n');
    }
    more(&mut out, projects.len());
    out
}

/// `list_instructions`: name, argument and account counts.
pub fn instructions(body: &Value) -> String {
    let list = body["instructions"].as_array().cloned().unwrap_or_default();
    let mut out = format!(
        "# {} — {} instruction(s)\nProgram ID: `{}` (IDL version {})\n",
        str_of(body, "programName"),
        list.len(),
        str_of(body, "programId"),
        body["version"]
    );
    for ix in list.iter().take(MAX_LINES) {
        let args: Vec<&str> = ix["args"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x["name"].as_str()).collect())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- `{}`: args [{}], {} account(s)",
            str_of(ix, "name"),
            args.join(", "),
            ix["accountCount"]
        );
    }
    more(&mut out, list.len());
    out.push_str("Full argument types and account flags are in structuredContent.");
    out
}

/// `build_instruction`: the transaction and what signing it needs.
pub fn build(body: &Value) -> String {
    let mut out = format!(
        "Built an unsigned {} transaction for `{}` ({}).\n",
        str_of(body, "wireFormat"),
        str_of(&body["instruction"], "name"),
        str_of(body, "programName")
    );
    let signers: Vec<&str> = body["signersRequired"]
        .as_array()
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let _ = writeln!(out, "- Signers required: {}", signers.join(", "));
    let _ = writeln!(
        out,
        "- Recent blockhash: `{}` (from {}); estimated fee {} lamports",
        str_of(body, "recentBlockhash"),
        str_of(body, "blockhashSource"),
        body["fee"]["lamports"]
    );
    if body.get("simulation").is_some() {
        out.push_str(&simulation(&body["simulation"]));
    }
    let _ = write!(
        out,
        "- Transaction ({}):\n```\n{}\n```",
        str_of(body, "encoding"),
        str_of(body, "transaction")
    );
    out
}

/// A simulation's outcome, units, decoded error and last log lines.
pub fn simulation(sim: &Value) -> String {
    let mut out = String::new();
    if sim["success"] == Value::Bool(true) {
        let _ = writeln!(
            out,
            "Simulation ✅ succeeded: {} compute units.",
            sim["unitsConsumed"]
        );
    } else {
        let _ = writeln!(
            out,
            "Simulation ❌ failed: {} ({} compute units).",
            sim["err"], sim["unitsConsumed"]
        );
        if let Some(decoded) = sim.get("decodedError").filter(|d| !d.is_null()) {
            let _ = writeln!(
                out,
                "- Program error {} `{}`: {}",
                decoded["code"],
                str_of(decoded, "name"),
                decoded["msg"].as_str().unwrap_or("")
            );
        }
    }
    if let Some(logs) = sim["logs"].as_array().filter(|l| !l.is_empty()) {
        let skip = logs.len().saturating_sub(MAX_LOGS);
        let _ = writeln!(out, "- Logs (last {}):", logs.len() - skip);
        for line in logs.iter().skip(skip).filter_map(Value::as_str) {
            let _ = writeln!(out, "  - `{line}`");
        }
    }
    out
}

/// `simulate_instruction`: the simulation, then the next step.
pub fn simulate_instruction(body: &Value) -> String {
    let mut out = simulation(&body["simulation"]);
    if body["simulation"]["success"] == Value::Bool(true) {
        out.push_str(
            "Next: call build_instruction with the same inputs to get the transaction to sign.",
        );
    }
    out
}

/// `list_pda_accounts`: each PDA and the inputs it needs.
pub fn pdas(body: &Value) -> String {
    let list = body["pdaAccounts"].as_array().cloned().unwrap_or_default();
    let mut out = format!(
        "# {} — {} PDA(s)\n",
        str_of(body, "programName"),
        list.len()
    );
    for entry in list.iter().take(MAX_LINES) {
        let used: Vec<String> = entry["usedBy"]
            .as_array()
            .map(|u| {
                u.iter()
                    .map(|x| format!("{}.{}", str_of(x, "instruction"), str_of(x, "account")))
                    .collect()
            })
            .unwrap_or_default();
        let inputs: Vec<String> = entry["inputs"]
            .as_array()
            .map(|i| {
                i.iter()
                    .map(|x| format!("{} ({})", str_of(x, "name"), str_of(x, "kind")))
                    .collect()
            })
            .unwrap_or_default();
        let _ = write!(out, "- `{}`", str_of(entry, "name"));
        if !used.is_empty() {
            let _ = write!(out, " used by {}", used.join(", "));
        }
        let _ = writeln!(out, "; seeds need: {}", inputs.join(", "));
    }
    more(&mut out, list.len());
    out.push_str("Derive one with derive_pda (instruction + account + seedValues).");
    out
}

/// `derive_pda`: the address and bump.
pub fn derived(body: &Value) -> String {
    format!(
        "PDA `{}` (bump {}) under program `{}`, from {} seed(s).",
        str_of(body, "address"),
        body["bump"],
        str_of(body, "programId"),
        body["seeds"].as_array().map_or(0, Vec::len)
    )
}

/// `fetch_pda_data`: what the account is and whether it decoded.
pub fn account(body: &Value) -> String {
    let lamports = body["lamports"].as_u64().unwrap_or(0);
    let mut out = format!(
        "Account `{}` on {}: owner `{}`, {} SOL ({} lamports), {} bytes.\n",
        str_of(body, "address"),
        str_of(body, "network"),
        str_of(body, "owner"),
        sol(lamports),
        lamports,
        body["space"]
    );
    match body["accountType"].as_str() {
        Some(t) if !body["data"].is_null() => {
            let fields = body["data"].as_object().map_or(0, |o| o.len());
            let _ = write!(
                out,
                "Decoded as `{t}` ({fields} field(s)); see structuredContent.data."
            );
        }
        Some(t) => {
            let _ = write!(
                out,
                "Looks like `{t}` but did not decode; raw base64 in structuredContent.raw."
            );
        }
        None => {
            out.push_str("Not an account type of this IDL; raw base64 in structuredContent.raw.")
        }
    }
    out
}

/// `get_program_data`: how many matched and which came back.
pub fn program_accounts(body: &Value) -> String {
    let list = body["accounts"].as_array().cloned().unwrap_or_default();
    let mut out = format!(
        "{} of {} matching account(s) on {} (slot {}), {} filter(s) applied.\n",
        list.len(),
        body["matched"],
        str_of(body, "network"),
        body["slot"],
        body["filtersApplied"].as_array().map_or(0, Vec::len)
    );
    for a in list.iter().take(MAX_LINES) {
        let _ = writeln!(
            out,
            "- `{}`: {}",
            str_of(a, "address"),
            a["accountType"].as_str().unwrap_or("unknown type")
        );
    }
    more(&mut out, list.len());
    out
}

/// Lamports as SOL without trailing zeros.
pub fn sol(lamports: u64) -> String {
    let whole = lamports / 1_000_000_000;
    let frac = lamports % 1_000_000_000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:09}")
            .trim_end_matches('0')
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn errors_fit_on_one_line() {
        let body = json!({"error": {"code": "invalid_args", "message": "bad\nthing", "details": [{"path": "/args/amount", "message": "expected u64"}]}});
        assert_eq!(
            super::error(Some(422), &body),
            "Error invalid_args (HTTP 422): bad thing — /args/amount: expected u64"
        );
        let body = json!({"error": {"code": "invalid_params", "message": "must be 1..=20", "details": [{"path": "/limit", "message": "must be 1..=20"}]}});
        assert_eq!(
            super::error(None, &body),
            "Error invalid_params: /limit: must be 1..=20"
        );
    }

    #[test]
    fn lamports_render_as_sol() {
        assert_eq!(super::sol(1_500_000_000), "1.5");
        assert_eq!(super::sol(2_000_000_000), "2");
        assert_eq!(super::sol(1), "0.000000001");
    }
}

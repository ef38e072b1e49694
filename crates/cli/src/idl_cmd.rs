//! `orquestra idl …`: offline IDL tools. Every command prints JSON to stdout; errors are returned
//! as an [`IdlCliError`] whose `Display` is a one-line cause.
//!
//! * `inspect FILE`: format, name, address, item counts, instruction names, warnings; for a
//!   refused IDL, every problem with its JSON pointer (and a non-zero exit).
//! * `encode-ix` / `decode-ix` / `encode-account` / `decode-account`: canonical JSON ⇄ bytes (hex).
//!   With `--jsonl` they read one request per stdin line and answer one line per request, errors
//!   included, so a bad line never stops the batch. Each answer is written and flushed as soon as
//!   its line is read, so the command works as a request/response subprocess.
//! * `pda PROGRAM_ID SEEDS_JSON`: derive an address from typed seeds.

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use orquestra_idl::{CodecError, CodecErrorCode, ParseOptions, Program};
use orquestra_tx::pda::{derive_raw, encode_raw_seeds, list_pdas, PdaError, RawSeed};
use serde_json::{json, Value};

/// Options shared by the commands that read an IDL file.
#[derive(Debug, Clone, clap::Args)]
pub struct IdlFileArgs {
    /// The IDL file (Anchor, legacy Anchor, Shank or Codama JSON).
    pub file: PathBuf,
    /// Program address for a legacy IDL that does not state one.
    #[arg(long, value_name = "ADDRESS")]
    pub program_id: Option<String>,
    /// Refuse the IDL on any problem, even one confined to a single item (by default such items
    /// are reported as warnings and left unusable).
    #[arg(long)]
    pub strict: bool,
}

/// Offline IDL tools.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum IdlCommand {
    /// Fetch the IDL a program published on chain (Anchor IDL account or Program Metadata).
    Fetch(crate::idl_fetch_cmd::FetchArgs),
    /// Summarise an IDL: format, name, program id, counts, instruction names.
    Inspect {
        #[command(flatten)]
        idl: IdlFileArgs,
    },
    /// Encode instruction data: prints {"hex"}.
    EncodeIx {
        #[command(flatten)]
        idl: IdlFileArgs,
        /// Instruction name.
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        instruction: Option<String>,
        /// Arguments as a JSON object.
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        args: Option<String>,
        /// Read {"instruction","args"} requests from stdin, one per line.
        #[arg(long)]
        jsonl: bool,
    },
    /// Decode instruction data: prints {"instruction","args"}.
    DecodeIx {
        #[command(flatten)]
        idl: IdlFileArgs,
        /// Instruction data as hex.
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        hex: Option<String>,
        /// Read {"hex"} requests from stdin, one per line.
        #[arg(long)]
        jsonl: bool,
    },
    /// Encode account data: prints {"hex"}.
    EncodeAccount {
        #[command(flatten)]
        idl: IdlFileArgs,
        /// Account type name.
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        account: Option<String>,
        /// The account value as JSON.
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        value: Option<String>,
        /// Read {"account","value"} requests from stdin, one per line.
        #[arg(long)]
        jsonl: bool,
    },
    /// Decode account data: prints the value as JSON.
    DecodeAccount {
        #[command(flatten)]
        idl: IdlFileArgs,
        /// Account type name.
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        account: Option<String>,
        /// Account data as hex.
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        hex: Option<String>,
        /// Read {"account","hex"} requests from stdin, one per line.
        #[arg(long)]
        jsonl: bool,
    },
    /// Compare two IDLs of a program: items added, removed or changed, breaking or compatible.
    Diff(crate::idl_diff_cmd::DiffArgs),
    /// Derive a PDA: prints {"address","bump"}.
    Pda {
        /// The program id (base58).
        program_id: String,
        /// Seeds: [{"type":"string"|"pubkey"|"hex"|"bytes"|"bool"|"u8".."u128"|"i8".."i128","value":…}].
        seeds: String,
    },
}

/// Why an `idl` command failed. `Display` is one line.
#[derive(Debug, thiserror::Error)]
pub enum IdlCliError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Parse {
        path: PathBuf,
        source: orquestra_idl::ParseError,
    },
    /// `inspect` of a refused IDL: the problems are on stdout.
    #[error("{}: the IDL is refused with {count} problem(s), listed on stdout", path.display())]
    Refused { path: PathBuf, count: usize },
    #[error("{what} is not valid JSON: {message}")]
    InvalidJson { what: &'static str, message: String },
    #[error("invalid hex: {0}")]
    InvalidHex(String),
    #[error("{}", codec_line(path, message))]
    Codec {
        code: String,
        path: String,
        message: String,
    },
    #[error(transparent)]
    Pda(#[from] PdaError),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    #[error(transparent)]
    Fetch(#[from] crate::idl_fetch_cmd::FetchCliError),
}

fn codec_line(path: &str, message: &str) -> String {
    let message = one_line(message);
    if path.is_empty() || message.starts_with(path) {
        message
    } else {
        format!("{path}: {message}")
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl From<CodecError> for IdlCliError {
    fn from(e: CodecError) -> Self {
        let code = serde_json::to_value(e.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "codec_error".to_string());
        IdlCliError::Codec {
            code,
            path: e.path,
            message: e.message,
        }
    }
}

impl IdlCliError {
    /// The `{"code","message","path"}` object of a batch error line.
    fn to_json(&self) -> Value {
        let (code, path) = match self {
            IdlCliError::Codec { code, path, .. } => (code.as_str(), path.as_str()),
            IdlCliError::InvalidJson { .. } => ("invalid_json", ""),
            IdlCliError::InvalidHex(_) => ("invalid_hex", ""),
            IdlCliError::Pda(e) => (e.code().as_str(), ""),
            IdlCliError::Read { .. } | IdlCliError::Output(_) => ("io_error", ""),
            IdlCliError::Parse { .. } | IdlCliError::Refused { .. } => ("invalid_idl", ""),
            IdlCliError::Fetch(e) => (e.code(), ""),
        };
        json!({"error": {"code": code, "message": self.to_string(), "path": path}})
    }
}

/// Runs one `idl` command, printing its JSON result to stdout.
pub fn run(cmd: IdlCommand) -> Result<(), IdlCliError> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match cmd {
        IdlCommand::Fetch(args) => crate::idl_fetch_cmd::run(args, &mut out)?,
        IdlCommand::Inspect { idl } => match load(&idl) {
            Ok(program) => print_line(&mut out, &inspect(&program))?,
            Err(IdlCliError::Parse {
                path,
                source: orquestra_idl::ParseError::Invalid(problems),
            }) => {
                // Every problem, so one round of fixes suffices; the error line sums them up.
                print_line(&mut out, &json!({"valid": false, "problems": problems}))?;
                out.flush()?;
                return Err(IdlCliError::Refused {
                    path,
                    count: problems.len(),
                });
            }
            Err(other) => return Err(other),
        },
        IdlCommand::EncodeIx {
            idl,
            instruction,
            args,
            jsonl,
        } => {
            let program = load(&idl)?;
            if jsonl {
                batch(&program, Request::EncodeIx, &mut out)?;
            } else {
                let args = parse_json("ARGS_JSON", args.as_deref().unwrap_or_default())?;
                let name = instruction.unwrap_or_default();
                print_line(&mut out, &encode_ix(&program, &name, &args)?)?;
            }
        }
        IdlCommand::DecodeIx { idl, hex, jsonl } => {
            let program = load(&idl)?;
            if jsonl {
                batch(&program, Request::DecodeIx, &mut out)?;
            } else {
                print_line(
                    &mut out,
                    &decode_ix(&program, hex.as_deref().unwrap_or_default())?,
                )?;
            }
        }
        IdlCommand::EncodeAccount {
            idl,
            account,
            value,
            jsonl,
        } => {
            let program = load(&idl)?;
            if jsonl {
                batch(&program, Request::EncodeAccount, &mut out)?;
            } else {
                let value = parse_json("VALUE_JSON", value.as_deref().unwrap_or_default())?;
                let name = account.unwrap_or_default();
                print_line(&mut out, &encode_account(&program, &name, &value)?)?;
            }
        }
        IdlCommand::DecodeAccount {
            idl,
            account,
            hex,
            jsonl,
        } => {
            let program = load(&idl)?;
            if jsonl {
                batch(&program, Request::DecodeAccount, &mut out)?;
            } else {
                let name = account.unwrap_or_default();
                let decoded = decode_account(&program, &name, hex.as_deref().unwrap_or_default())?;
                print_line(&mut out, &decoded["value"])?;
            }
        }
        IdlCommand::Diff(args) => crate::idl_diff_cmd::run(&args, &mut out)?,
        IdlCommand::Pda { program_id, seeds } => {
            let seeds: Vec<RawSeed> =
                serde_json::from_str(&seeds).map_err(|e| IdlCliError::InvalidJson {
                    what: "SEEDS_JSON",
                    message: e.to_string(),
                })?;
            let pda = derive_raw(&program_id, &encode_raw_seeds(&seeds)?)?;
            print_line(&mut out, &json!({"address": pda.address, "bump": pda.bump}))?;
        }
    }
    out.flush()?;
    Ok(())
}

pub(crate) fn load(args: &IdlFileArgs) -> Result<Program, IdlCliError> {
    let text = std::fs::read_to_string(&args.file).map_err(|source| IdlCliError::Read {
        path: args.file.clone(),
        source,
    })?;
    parse_program(&text, &args.file, args.program_id.clone(), args.strict)
}

fn parse_program(
    text: &str,
    path: &Path,
    program_id: Option<String>,
    strict: bool,
) -> Result<Program, IdlCliError> {
    let options = ParseOptions { program_id, strict };
    orquestra_idl::parse(text, &options).map_err(|source| IdlCliError::Parse {
        path: path.to_path_buf(),
        source,
    })
}

fn inspect(program: &Program) -> Value {
    json!({
        "format": program.format,
        "name": program.name,
        "programId": program.address,
        "counts": {
            "instructions": program.instructions.len(),
            "accounts": program.accounts.len(),
            "types": program.types.len(),
            "events": program.events.len(),
            "errors": program.errors.len(),
            "constants": program.constants.len(),
            "pdas": list_pdas(program).len(),
        },
        "instructions": program.instructions.iter().map(|ix| ix.name.as_str()).collect::<Vec<_>>(),
        "warnings": program.defects,
    })
}

fn encode_ix(program: &Program, name: &str, args: &Value) -> Result<Value, IdlCliError> {
    let bytes = program
        .encode_instruction(name, args)
        .map_err(|e| under(e, "/args"))?;
    Ok(json!({"hex": to_hex(&bytes)}))
}

fn decode_ix(program: &Program, hex: &str) -> Result<Value, IdlCliError> {
    let decoded = program.decode_instruction(&from_hex(hex)?)?;
    Ok(json!({"instruction": decoded.name, "args": decoded.args}))
}

fn encode_account(program: &Program, name: &str, value: &Value) -> Result<Value, IdlCliError> {
    let bytes = program
        .encode_account(name, value)
        .map_err(|e| under(e, "/value"))?;
    Ok(json!({"hex": to_hex(&bytes)}))
}

fn decode_account(program: &Program, name: &str, hex: &str) -> Result<Value, IdlCliError> {
    let decoded = program.decode_account(name, &from_hex(hex)?)?;
    Ok(json!({"value": decoded.value}))
}

/// An encoding error about the input value, pointed at from the request (`/args/amount`).
fn under(e: CodecError, prefix: &str) -> IdlCliError {
    match e.code {
        CodecErrorCode::UnknownInstruction | CodecErrorCode::UnknownAccount => e.into(),
        _ => e.prefixed(prefix).into(),
    }
}

/// The kind of request a `--jsonl` batch carries.
#[derive(Debug, Clone, Copy)]
enum Request {
    EncodeIx,
    DecodeIx,
    EncodeAccount,
    DecodeAccount,
}

fn batch(program: &Program, kind: Request, out: &mut impl Write) -> Result<(), IdlCliError> {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = answer(program, kind, &line).unwrap_or_else(|e| e.to_json());
        print_line(out, &answer)?;
        // The caller may wait for this answer before writing its next line.
        out.flush()?;
    }
    Ok(())
}

fn answer(program: &Program, kind: Request, line: &str) -> Result<Value, IdlCliError> {
    let request = parse_json("request line", line)?;
    let field = |name: &'static str| -> Result<&Value, IdlCliError> {
        request.get(name).ok_or_else(|| IdlCliError::InvalidJson {
            what: "request line",
            message: format!("missing field `{name}`"),
        })
    };
    let text = |name: &'static str| -> Result<&str, IdlCliError> {
        field(name)?
            .as_str()
            .ok_or_else(|| IdlCliError::InvalidJson {
                what: "request line",
                message: format!("field `{name}` must be a string"),
            })
    };
    match kind {
        Request::EncodeIx => {
            let args = request.get("args").cloned().unwrap_or_else(|| json!({}));
            encode_ix(program, text("instruction")?, &args)
        }
        Request::DecodeIx => decode_ix(program, text("hex")?),
        Request::EncodeAccount => encode_account(program, text("account")?, field("value")?),
        Request::DecodeAccount => decode_account(program, text("account")?, text("hex")?),
    }
}

fn parse_json(what: &'static str, text: &str) -> Result<Value, IdlCliError> {
    serde_json::from_str(text).map_err(|e| IdlCliError::InvalidJson {
        what,
        message: e.to_string(),
    })
}

fn print_line(out: &mut impl Write, value: &Value) -> Result<(), IdlCliError> {
    serde_json::to_writer(&mut *out, value).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn to_hex(bytes: &[u8]) -> String {
    orquestra_idl::hex::encode(bytes)
}

fn from_hex(text: &str) -> Result<Vec<u8>, IdlCliError> {
    orquestra_idl::hex::decode(text.trim()).map_err(|e| IdlCliError::InvalidHex(e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn hex_round_trip_and_errors() {
        assert_eq!(from_hex("0x00ff10").unwrap(), vec![0, 255, 16]);
        assert_eq!(to_hex(&[0, 255, 16]), "00ff10");
        assert!(matches!(from_hex("abc"), Err(IdlCliError::InvalidHex(_))));
        assert!(matches!(from_hex("zz"), Err(IdlCliError::InvalidHex(_))));
        assert_eq!(from_hex("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn codec_lines_are_one_line() {
        assert_eq!(
            codec_line("/args/amount", "expected u64"),
            "/args/amount: expected u64"
        );
        assert_eq!(codec_line("", "a\nb"), "a b");
        assert_eq!(codec_line("/x", "/x: bad"), "/x: bad");
    }
}

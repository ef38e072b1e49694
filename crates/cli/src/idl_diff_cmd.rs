//! `orquestra idl diff OLD NEW`: the structured difference between two IDLs of a program (the
//! engine's `IdlDiff` report as one JSON line, or its Markdown rendering). A breaking difference
//! is a result, not a failure: the exit code is 0 whenever both files parse.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::idl_cmd::{load, IdlCliError, IdlFileArgs};

/// How `idl diff` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// The JSON report on one line.
    Json,
    /// A Markdown document: headline, counts, a table per kind, the details.
    Markdown,
}

/// Arguments of `idl diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The older IDL file (Anchor, legacy Anchor, Shank or Codama JSON).
    pub old: PathBuf,
    /// The newer IDL file.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Json)]
    pub format: DiffFormat,
    /// Program address for a legacy IDL that does not state one (applies to both files).
    #[arg(long, value_name = "ADDRESS")]
    pub program_id: Option<String>,
    /// Refuse either IDL on any problem, even one confined to a single item.
    #[arg(long)]
    pub strict: bool,
}

/// Parses both files (an error names the file that failed) and prints the report.
pub fn run(args: &DiffArgs, out: &mut impl Write) -> Result<(), IdlCliError> {
    let file = |path: &Path| IdlFileArgs {
        file: path.to_path_buf(),
        program_id: args.program_id.clone(),
        strict: args.strict,
    };
    let old = load(&file(&args.old))?;
    let new = load(&file(&args.new))?;
    let report = orquestra_docs::diff(&old, &new);
    match args.format {
        DiffFormat::Json => {
            serde_json::to_writer(&mut *out, &report).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        DiffFormat::Markdown => {
            out.write_all(orquestra_docs::render_markdown(&report).as_bytes())?
        }
    }
    Ok(())
}

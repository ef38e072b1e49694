//! `orquestra migrate`, `orquestra db …` and `orquestra stats`: the data-layer specification's "Database
//! Administration" without an external `sqlite3`.

use std::io::Write;
use std::path::PathBuf;

use orquestra_store::{CopyPhase, CopyProgress, Database, OpenOptions, QueryResult};
use serde_json::{Map, Value};

use crate::error::CliError;
use crate::table;

#[derive(clap::Subcommand)]
pub enum DbCommand {
    /// Interactive SQL prompt (`.help` for commands).
    Shell,
    /// Run one SQL statement and print its result.
    Query {
        sql: String,
        /// Print rows as a JSON array of objects.
        #[arg(long)]
        json: bool,
    },
    /// Write a complete SQL dump (schema and data).
    Export {
        /// File to write (`-` for stdout).
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Load a dump produced by `db export` into an empty database.
    Import { file: PathBuf },
    /// Copy a whole installation from one database to another, across backends (e.g. SQLite to
    /// PostgreSQL), in one transaction on the target, verified row for row. The target is
    /// migrated and must hold no data; the source must be at the same migrations and should not
    /// be written meanwhile (stop the service). The global `--database` is not used.
    Copy {
        /// Database to copy from (`sqlite://PATH` or `postgres://…`); only read.
        #[arg(long)]
        from: String,
        /// Empty database to copy into (`sqlite://PATH`, created when missing, or `postgres://…`).
        #[arg(long)]
        to: String,
    },
}

async fn open_existing(database: &str) -> Result<Database, CliError> {
    Ok(orquestra_store::open(
        database,
        OpenOptions {
            create_if_missing: false,
            max_connections: 2,
        },
    )
    .await?)
}

pub async fn migrate(database: &str) -> Result<(), CliError> {
    let db = orquestra_store::open(database, OpenOptions::default()).await?;
    let applied = db.store.migrate().await?;
    if applied.is_empty() {
        println!("database is up to date");
    }
    for m in applied {
        println!("applied {}", m.name);
    }
    Ok(())
}

pub async fn run(database: &str, command: DbCommand) -> Result<(), CliError> {
    match command {
        DbCommand::Shell if is_postgres(database) => psql_shell(database),
        DbCommand::Shell => shell(open_existing(database).await?).await,
        DbCommand::Query { sql, json } => {
            let db = open_existing(database).await?;
            let result = db.admin.query(&sql).await?;
            print!(
                "{}",
                if json {
                    as_json(&result) + "\n"
                } else {
                    as_text(&result)
                }
            );
            Ok(())
        }
        DbCommand::Export { output } => export(&open_existing(database).await?, &output).await,
        DbCommand::Import { file } => {
            let db = orquestra_store::open(database, OpenOptions::default()).await?;
            import(&db, &file).await
        }
        DbCommand::Copy { from, to } => copy(&from, &to).await,
    }
}

/// `db copy`: progress per table on stderr, the per-table summary on stdout.
async fn copy(from: &str, to: &str) -> Result<(), CliError> {
    if from == to {
        return Err(CliError::Config(
            "--from and --to name the same database".into(),
        ));
    }
    let source = open_existing(from).await?;
    let target = orquestra_store::open(
        to,
        OpenOptions {
            create_if_missing: true,
            max_connections: 2,
        },
    )
    .await?;
    let started = std::time::Instant::now();
    let mut last_report = std::time::Instant::now();
    let mut last_step: Option<(CopyPhase, String)> = None;
    let mut report = |p: CopyProgress| {
        // Each table as it starts (in each phase), and otherwise at most twice a second.
        let step = Some((p.phase, p.table.clone()));
        if step != last_step || last_report.elapsed().as_millis() >= 500 {
            last_step = step;
            last_report = std::time::Instant::now();
            let phase = match p.phase {
                CopyPhase::Copying => "copying",
                CopyPhase::Verifying => "verifying",
            };
            eprintln!(
                "copy: {phase} {}: {} rows, {:.1} s",
                p.table,
                p.rows,
                started.elapsed().as_secs_f64()
            );
        }
    };
    let done = orquestra_store::copy_database(&source, &target, &mut report).await?;
    for table in &done.tables {
        println!(
            "{:<20} {:>10} rows copied, verified (sha256 {})",
            table.table,
            table.rows,
            table.digest.get(..16).unwrap_or(&table.digest)
        );
    }
    println!(
        "copied and verified {} rows of {} tables in {:.1} s",
        done.rows(),
        done.tables.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Streams the dump into `output` (`-`: stdout). A file is written beside the target and renamed
/// into place once complete, so a failed export never leaves a truncated dump under the name.
async fn export(db: &Database, output: &PathBuf) -> Result<(), CliError> {
    let io = |e| CliError::Io {
        context: format!("writing {}", output.display()),
        source: e,
    };
    if output.as_os_str() == "-" {
        let mut stdout = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout());
        db.admin.export_to(&mut stdout).await?;
        return stdout.flush().map_err(io);
    }
    let tmp = output.with_extension("partial");
    let file = std::fs::File::create(&tmp).map_err(io)?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    let summary = match db.admin.export_to(&mut writer).await {
        Ok(summary) => summary,
        Err(error) => {
            drop(writer);
            let _ = std::fs::remove_file(&tmp);
            return Err(error.into());
        }
    };
    writer
        .into_inner()
        .map_err(|e| io(e.into_error()))?
        .sync_all()
        .map_err(io)?;
    std::fs::rename(&tmp, output).map_err(io)?;
    println!(
        "exported {} rows of {} tables ({}) to {}",
        summary.rows,
        summary.tables,
        megabytes(summary.bytes),
        output.display()
    );
    Ok(())
}

/// Runs the dump in `file` statement by statement, reporting progress on stderr.
async fn import(db: &Database, file: &PathBuf) -> Result<(), CliError> {
    let io = |e| CliError::Io {
        context: format!("reading {}", file.display()),
        source: e,
    };
    let opened = std::fs::File::open(file).map_err(io)?;
    let total = opened.metadata().map_err(io)?.len();
    let mut input = std::io::BufReader::with_capacity(1 << 20, opened);
    let started = std::time::Instant::now();
    let mut report = |done: orquestra_store::dump::ImportProgress| {
        let percent = done
            .bytes
            .saturating_mul(100)
            .checked_div(total)
            .unwrap_or(100);
        eprintln!(
            "import: {} of {} ({percent}%), {} statements, {:.1} s",
            megabytes(done.bytes),
            megabytes(total),
            done.statements,
            started.elapsed().as_secs_f64()
        );
    };
    let done = db.admin.import_from(&mut input, &mut report).await?;
    println!(
        "imported {} ({} statements) in {:.1} s",
        file.display(),
        done.statements,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn is_postgres(database: &str) -> bool {
    database.starts_with("postgres://") || database.starts_with("postgresql://")
}

/// `db shell` on PostgreSQL is `psql` itself (stdio inherited): its prompt, completion and
/// meta-commands beat anything built in.
fn psql_shell(database: &str) -> Result<(), CliError> {
    let status = std::process::Command::new("psql")
        .arg(database)
        .status()
        .map_err(|e| CliError::Shell(format!("cannot run psql ({e}); is it installed?")))?;
    if status.success() {
        Ok(())
    } else {
        Err(CliError::Shell(format!("psql exited with {status}")))
    }
}

pub async fn stats(database: &str, json: bool, recent: u32) -> Result<(), CliError> {
    let db = open_existing(database).await?;
    let stats = db.store.stats(recent).await?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&stats).unwrap_or_default()
        );
        return Ok(());
    }
    println!("users: {}", stats.users);
    println!(
        "public projects: {} (of {})",
        stats.public_projects, stats.projects
    );
    println!("IDL versions: {}", stats.idl_versions);
    println!("\nrecent uploads:");
    let rows: Vec<Vec<Value>> = stats
        .recent_uploads
        .iter()
        .map(|u| {
            vec![
                u.name.clone().into(),
                u.version.into(),
                u.created_at.clone().into(),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &["name".into(), "version".into(), "created_at".into()],
            &rows
        )
    );
    println!("\nper user:");
    let rows: Vec<Vec<Value>> = stats
        .per_user
        .iter()
        .map(|u| {
            vec![
                u.username.clone().into(),
                u.project_count.into(),
                u.version_count.into(),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &[
                "username".into(),
                "project_count".into(),
                "version_count".into()
            ],
            &rows
        )
    );
    Ok(())
}

fn as_json(result: &QueryResult) -> String {
    if result.columns.is_empty() {
        return serde_json::json!({ "rows_affected": result.rows_affected }).to_string();
    }
    let rows: Vec<Value> = result
        .rows
        .iter()
        .map(|row| {
            let object: Map<String, Value> = result
                .columns
                .iter()
                .cloned()
                .zip(row.iter().cloned())
                .collect();
            Value::Object(object)
        })
        .collect();
    Value::Array(rows).to_string()
}

fn as_text(result: &QueryResult) -> String {
    if result.columns.is_empty() {
        return format!("{} row(s) changed\n", result.rows_affected);
    }
    table::render(&result.columns, &result.rows)
}

/// Writes to a temporary file beside the target and renames it, so an interrupted export never
/// leaves a truncated dump under the real name.
const SHELL_HELP: &str = "\
.tables            list tables
.schema            show CREATE statements
.mode table|json   result format (default table)
.help              this text
.quit              leave (also Ctrl-D)
SQL statements end with ';' and may span lines.
";

async fn shell(db: Database) -> Result<(), CliError> {
    let mut editor = rustyline::DefaultEditor::new().map_err(|e| CliError::Shell(e.to_string()))?;
    let mut json = false;
    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() {
            "orquestra> "
        } else {
            "      ...> "
        };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            Err(rustyline::error::ReadlineError::Interrupted) => {
                pending.clear();
                continue;
            }
            Err(rustyline::error::ReadlineError::Eof) => break,
            Err(e) => return Err(CliError::Shell(e.to_string())),
        };
        let trimmed = line.trim();
        if pending.is_empty() && trimmed.starts_with('.') {
            let _ = editor.add_history_entry(trimmed);
            match trimmed.split_whitespace().collect::<Vec<_>>().as_slice() {
                [".quit"] | [".exit"] => break,
                [".help"] => print!("{SHELL_HELP}"),
                [".tables"] => match db.admin.tables().await {
                    Ok(tables) => println!("{}", tables.join("  ")),
                    Err(e) => eprintln!("error: {e}"),
                },
                [".schema"] => match db.admin.schema().await {
                    Ok(schema) => println!("{}", schema.join("\n")),
                    Err(e) => eprintln!("error: {e}"),
                },
                [".mode", "json"] => json = true,
                [".mode", "table"] => json = false,
                _ => eprintln!("error: unknown command {trimmed:?} (try .help)"),
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        pending.push_str(&line);
        pending.push('\n');
        if !trimmed.ends_with(';') {
            continue;
        }
        let sql = std::mem::take(&mut pending);
        let _ = editor.add_history_entry(sql.trim());
        // A failed statement is reported and the session goes on, like sqlite3.
        match db.admin.query(sql.trim()).await {
            Ok(result) if json => println!("{}", as_json(&result)),
            Ok(result) => print!("{}", as_text(&result)),
            Err(e) => eprintln!("error: {e}"),
        }
    }
    Ok(())
}

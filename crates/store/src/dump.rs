//! Reading SQL dumps as a stream: statements one at a time, so restoring a database of any size
//! holds one statement in memory, never the whole file.

use std::io::BufRead;

/// The largest single statement a dump may hold. A row is one `INSERT`, and the biggest rows (IDL
/// JSON and its generated docs) are a few MB; this only stops a damaged or hostile file from
/// growing one statement without end.
pub const MAX_STATEMENT_BYTES: usize = 256 * 1024 * 1024;

/// Where an import has got to, reported as it goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportProgress {
    /// Statements executed.
    pub statements: u64,
    /// Bytes of the dump read.
    pub bytes: u64,
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Tables whose rows were written.
    pub tables: u64,
    /// Rows written.
    pub rows: u64,
    /// Bytes written.
    pub bytes: u64,
}

/// How often (in bytes of dump read) an import reports its progress.
pub(crate) const PROGRESS_EVERY: u64 = 8 * 1024 * 1024;

/// Whether a statement of a dump is transaction control (`BEGIN`, `COMMIT`, …), which an import
/// replaces with its own transaction.
pub(crate) fn is_transaction_control(sql: &str) -> bool {
    matches!(
        normalized(sql).as_str(),
        "BEGIN"
            | "BEGIN TRANSACTION"
            | "BEGIN IMMEDIATE"
            | "BEGIN DEFERRED"
            | "BEGIN EXCLUSIVE"
            | "START TRANSACTION"
            | "COMMIT"
            | "COMMIT TRANSACTION"
            | "END"
            | "END TRANSACTION"
    )
}

/// `sql` upper-cased, without its final `;` and with single spaces.
pub(crate) fn normalized(sql: &str) -> String {
    sql.trim_end_matches(';')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
}

/// A writer that counts the bytes through it (for an export's summary).
pub(crate) struct CountingWriter<'a> {
    pub(crate) inner: &'a mut (dyn std::io::Write + Send),
    pub(crate) bytes: u64,
}

impl std::io::Write for CountingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Why a dump could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("reading the dump: {0}")]
    Io(#[from] std::io::Error),
    #[error("the dump ends inside {inside} opened on line {line}")]
    Unterminated { inside: &'static str, line: u64 },
    #[error("the statement starting on line {line} is larger than {MAX_STATEMENT_BYTES} bytes")]
    TooLarge { line: u64 },
    #[error("the statement starting on line {line} is not UTF-8")]
    NotUtf8 { line: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    /// Inside a quoted string or identifier closed by this byte (`'`, `"`, `` ` ``, `]`).
    Quoted(u8),
    LineComment,
    BlockComment,
}

impl State {
    fn describe(self) -> &'static str {
        match self {
            State::Quoted(b'\'') => "a string",
            State::Quoted(_) => "a quoted name",
            State::BlockComment => "a comment",
            State::Code | State::LineComment => "a statement",
        }
    }
}

/// One statement of a dump and the line it starts on (for error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    pub line: u64,
}

/// The statements of SQL text read from `input`, in order. A `;` ends a statement unless it is
/// inside a string, a quoted name or a comment, or inside the body of a `CREATE TRIGGER`, which
/// ends at `END;`. Statements come without leading comments; text holding only comments and
/// whitespace is skipped.
pub struct Statements<R> {
    input: R,
    /// The line being scanned, and how far.
    line: Vec<u8>,
    position: usize,
    current: Vec<u8>,
    state: State,
    /// The last word scanned in code, upper-cased (a trigger ends at `END;`), and whether the
    /// scanner is inside it.
    last_word: Vec<u8>,
    in_word: bool,
    /// Line numbers: the one being scanned, where the statement and the open quote began.
    line_number: u64,
    statement_line: u64,
    opened_line: u64,
    bytes: u64,
}

impl<R: BufRead> Statements<R> {
    pub fn new(input: R) -> Self {
        Self {
            input,
            line: Vec::new(),
            position: 0,
            current: Vec::new(),
            state: State::Code,
            last_word: Vec::new(),
            in_word: false,
            line_number: 0,
            statement_line: 1,
            opened_line: 0,
            bytes: 0,
        }
    }

    /// Bytes of input read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// The next complete statement, or `None` at the end of the input.
    pub fn next_statement(&mut self) -> Result<Option<Statement>, ReadError> {
        loop {
            while self.position < self.line.len() {
                let byte = self.line[self.position];
                let next = self.line.get(self.position + 1).copied();
                self.position += 1;
                if self.current.is_empty()
                    && byte.is_ascii_whitespace()
                    && self.state == State::Code
                {
                    continue;
                }
                if self.current.is_empty() {
                    self.statement_line = self.line_number;
                }
                if self.current.len() >= MAX_STATEMENT_BYTES {
                    return Err(ReadError::TooLarge {
                        line: self.statement_line,
                    });
                }
                self.current.push(byte);
                if self.step(byte, next) {
                    if let Some(statement) = self.take()? {
                        return Ok(Some(statement));
                    }
                }
            }
            self.line.clear();
            self.position = 0;
            let read = self.input.read_until(b'\n', &mut self.line)?;
            if read == 0 {
                return self.finish();
            }
            self.bytes += read as u64;
            self.line_number += 1;
            if self.state == State::LineComment {
                self.state = State::Code;
            }
        }
    }

    /// Advances the scanner over `byte` (already appended); `true` when it ends a statement.
    fn step(&mut self, byte: u8, next: Option<u8>) -> bool {
        match self.state {
            State::Quoted(close) => {
                if byte == close {
                    // A doubled quote is an escaped one: stay inside.
                    if next == Some(close) && close != b']' {
                        self.position += 1;
                        self.current.push(close);
                    } else {
                        self.state = State::Code;
                    }
                }
                false
            }
            State::LineComment => {
                if byte == b'\n' {
                    self.state = State::Code;
                }
                false
            }
            State::BlockComment => {
                if byte == b'*' && next == Some(b'/') {
                    self.position += 1;
                    self.current.push(b'/');
                    self.state = State::Code;
                }
                false
            }
            State::Code => {
                if byte.is_ascii_alphanumeric() || byte == b'_' {
                    if !self.in_word {
                        self.last_word.clear();
                        self.in_word = true;
                    }
                    self.last_word.push(byte.to_ascii_uppercase());
                    return false;
                }
                self.in_word = false;
                if byte.is_ascii_whitespace() {
                    // `END ;` still ends a trigger.
                    return false;
                }
                match byte {
                    b'\'' | b'"' | b'`' | b'[' => {
                        self.state = State::Quoted(if byte == b'[' { b']' } else { byte });
                        self.opened_line = self.line_number;
                    }
                    b'-' if next == Some(b'-') => self.state = State::LineComment,
                    b'/' if next == Some(b'*') => {
                        // Past the `*`, so `/*/` does not close itself.
                        self.position += 1;
                        self.current.push(b'*');
                        self.state = State::BlockComment;
                        self.opened_line = self.line_number;
                    }
                    b';' => {
                        let ends = self.last_word == b"END" || !self.is_trigger();
                        self.last_word.clear();
                        return ends;
                    }
                    _ => {}
                }
                self.last_word.clear();
                false
            }
        }
    }

    /// Whether the statement being read is a `CREATE [TEMP] TRIGGER`.
    fn is_trigger(&self) -> bool {
        // The head is enough (past any sane leading comment), and spares copying a large row.
        let head = &self.current[..self.current.len().min(64 * 1024)];
        let text = String::from_utf8_lossy(head);
        let mut words = strip_leading_comments(&text)
            .split_whitespace()
            .map(str::to_ascii_uppercase);
        match (words.next().as_deref(), words.next().as_deref()) {
            (Some("CREATE"), Some("TRIGGER")) => true,
            (Some("CREATE"), Some("TEMP" | "TEMPORARY")) => {
                words.next().as_deref() == Some("TRIGGER")
            }
            _ => false,
        }
    }

    /// The statement read so far, without leading comments; `None` when it is only comments.
    fn take(&mut self) -> Result<Option<Statement>, ReadError> {
        let bytes = std::mem::take(&mut self.current);
        self.last_word.clear();
        self.in_word = false;
        let line = self.statement_line;
        let text = String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8 { line })?;
        let body = strip_leading_comments(&text).trim();
        if body.is_empty() || body == ";" {
            return Ok(None);
        }
        Ok(Some(Statement {
            sql: body.to_string(),
            line,
        }))
    }

    /// At the end of the input: what is left must be a complete statement (or nothing).
    fn finish(&mut self) -> Result<Option<Statement>, ReadError> {
        match self.state {
            State::Quoted(_) | State::BlockComment => Err(ReadError::Unterminated {
                inside: self.state.describe(),
                line: self.opened_line,
            }),
            State::Code | State::LineComment => {
                self.state = State::Code;
                if !self.current.is_empty() && self.is_trigger() {
                    return Err(ReadError::Unterminated {
                        inside: "a trigger",
                        line: self.statement_line,
                    });
                }
                self.take()
            }
        }
    }
}

/// `text` without the whitespace and comments it starts with.
fn strip_leading_comments(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix("--") {
            text = rest.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(rest) = text.strip_prefix("/*") {
            text = rest.split_once("*/").map_or("", |(_, after)| after);
        } else {
            return text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Result<Vec<String>, ReadError> {
        let mut statements = Statements::new(text.as_bytes());
        let mut out = Vec::new();
        while let Some(statement) = statements.next_statement()? {
            out.push(statement.sql);
        }
        Ok(out)
    }

    #[test]
    fn splits_on_semicolons_outside_strings_names_and_comments() {
        let text = "-- header\nPRAGMA foreign_keys=OFF;\nINSERT INTO t VALUES('a;b','it''s;', \"c;\"\"d\");\n\
                    /* a; comment */ INSERT INTO [x;y] VALUES(`q;`); -- trailing; comment\n\
                    INSERT INTO t VALUES('multi\nline;\n-- not a comment\n');SELECT 1;";
        assert_eq!(
            split(text).unwrap(),
            vec![
                "PRAGMA foreign_keys=OFF;",
                "INSERT INTO t VALUES('a;b','it''s;', \"c;\"\"d\");",
                "INSERT INTO [x;y] VALUES(`q;`);",
                "INSERT INTO t VALUES('multi\nline;\n-- not a comment\n');",
                "SELECT 1;",
            ]
        );
    }

    #[test]
    fn a_trigger_ends_at_end() {
        let text = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  INSERT INTO u VALUES(new.id);\n  \
                    DELETE FROM v WHERE id = new.id;\nEND;\nCREATE TEMP TRIGGER t2 AFTER DELETE ON t \
                    BEGIN SELECT 'end;'; END ;\nCREATE TABLE backend(x);";
        let statements = split(text).unwrap();
        assert_eq!(statements.len(), 3, "{statements:#?}");
        assert!(statements[0].ends_with("END;"));
        assert!(
            statements[1].starts_with("CREATE TEMP TRIGGER") && statements[1].ends_with("END ;")
        );
        assert_eq!(statements[2], "CREATE TABLE backend(x);");
    }

    #[test]
    fn a_last_statement_without_semicolon_is_kept_and_comments_alone_are_skipped() {
        assert_eq!(split("SELECT 1;\n-- bye\n").unwrap(), vec!["SELECT 1;"]);
        assert_eq!(
            split("SELECT 1; SELECT 2").unwrap(),
            vec!["SELECT 1;", "SELECT 2"]
        );
        assert!(split("   \n-- nothing\n/* at all */").unwrap().is_empty());
    }

    #[test]
    fn unterminated_text_is_an_error_naming_the_line() {
        let error = split("SELECT 1;\nINSERT INTO t VALUES('open\n").unwrap_err();
        assert!(
            matches!(
                error,
                ReadError::Unterminated {
                    inside: "a string",
                    line: 2
                }
            ),
            "{error}"
        );
        let error = split("/* open").unwrap_err();
        assert!(
            matches!(error, ReadError::Unterminated { line: 1, .. }),
            "{error}"
        );
        let error = split("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;").unwrap_err();
        assert!(
            matches!(
                error,
                ReadError::Unterminated {
                    inside: "a trigger",
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn transaction_control_is_recognised() {
        for sql in [
            "BEGIN;",
            "commit",
            "COMMIT ;",
            "begin  transaction;",
            "START TRANSACTION;",
            "END;",
        ] {
            assert!(is_transaction_control(sql), "{sql}");
        }
        assert!(!is_transaction_control("INSERT INTO t VALUES (1);"));
        assert!(!is_transaction_control("BEGIN SELECT 1; END;"));
    }

    #[test]
    fn counts_the_bytes_it_read() {
        let text = "SELECT 1;\nSELECT 2;\n";
        let mut statements = Statements::new(text.as_bytes());
        statements.next_statement().unwrap();
        assert_eq!(statements.bytes_read(), 10);
        statements.next_statement().unwrap();
        assert!(statements.next_statement().unwrap().is_none());
        assert_eq!(statements.bytes_read(), text.len() as u64);
    }
}

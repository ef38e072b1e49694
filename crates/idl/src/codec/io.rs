//! Byte writer (with a movable cursor, for Codama offsets) and bounds-checked reader.

use super::{CodecError, CodecErrorCode};

/// Largest encoding produced: Solana's largest account (10 MiB). Fixed sizes, offsets and
/// zero-filled options of a hostile IDL can ask for gigabytes; they are refused instead.
pub const MAX_ENCODED_BYTES: usize = 10 * 1024 * 1024;

/// Output buffer. Writes happen at `pos`; moving `pos` past the end leaves zero bytes. Nothing
/// is ever allocated past [`MAX_ENCODED_BYTES`]: such a write marks the buffer too large and
/// [`Writer::finish`] reports it.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
    pos: usize,
    too_large: bool,
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }

    /// `pos + n` when it stays within the bound; otherwise marks the buffer too large.
    fn within(&mut self, n: usize) -> Option<usize> {
        match self.pos.checked_add(n) {
            Some(end) if end <= MAX_ENCODED_BYTES && !self.too_large => Some(end),
            _ => {
                self.too_large = true;
                None
            }
        }
    }

    pub fn put(&mut self, bytes: &[u8]) {
        let Some(end) = self.within(bytes.len()) else {
            return;
        };
        if self.pos == self.buf.len() {
            self.buf.extend_from_slice(bytes);
        } else {
            if end > self.buf.len() {
                self.buf.resize(end, 0);
            }
            self.buf[self.pos..end].copy_from_slice(bytes);
        }
        self.pos = end;
    }

    pub fn zeros(&mut self, n: usize) {
        let Some(end) = self.within(n) else {
            return;
        };
        self.pos = end;
        if self.buf.len() < self.pos {
            self.buf.resize(self.pos, 0);
        }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn seek(&mut self, pos: usize) {
        if pos > MAX_ENCODED_BYTES {
            self.too_large = true;
        } else {
            self.pos = pos;
        }
    }

    pub fn finish(mut self) -> Result<Vec<u8>, CodecError> {
        if self.too_large {
            return Err(CodecError::new(
                CodecErrorCode::TooLarge,
                format!("the encoding would be larger than {MAX_ENCODED_BYTES} bytes"),
            ));
        }
        if self.buf.len() < self.pos {
            self.buf.resize(self.pos, 0);
        }
        Ok(self.buf)
    }
}

/// Input cursor that never reads past the end.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn rest(&self) -> &'a [u8] {
        self.data.get(self.pos..).unwrap_or(&[])
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        if n > self.remaining() {
            return Err(CodecError::new(
                CodecErrorCode::UnexpectedEnd,
                format!(
                    "unexpected end of data at byte {}: need {n} byte(s), {} left",
                    self.pos,
                    self.remaining()
                ),
            ));
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub fn seek(&mut self, pos: usize) -> Result<(), CodecError> {
        if pos > self.data.len() {
            return Err(CodecError::new(
                CodecErrorCode::UnexpectedEnd,
                format!(
                    "offset {pos} is beyond the end of the data ({} bytes)",
                    self.data.len()
                ),
            ));
        }
        self.pos = pos;
        Ok(())
    }
}

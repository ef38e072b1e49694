//! Byte writer (with a movable cursor, for Codama offsets) and bounds-checked reader.

use super::{CodecError, CodecErrorCode};

/// Output buffer. Writes happen at `pos`; moving `pos` past the end leaves zero bytes.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
    pos: usize,
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn put(&mut self, bytes: &[u8]) {
        if self.pos == self.buf.len() {
            self.buf.extend_from_slice(bytes);
        } else {
            let end = self.pos + bytes.len();
            if end > self.buf.len() {
                self.buf.resize(end, 0);
            }
            self.buf[self.pos..end].copy_from_slice(bytes);
        }
        self.pos += bytes.len();
    }

    pub fn zeros(&mut self, n: usize) {
        self.seek(self.pos + n);
        if self.buf.len() < self.pos {
            self.buf.resize(self.pos, 0);
        }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn seek(&mut self, pos: usize) {
        self.pos = pos;
    }

    pub fn finish(mut self) -> Vec<u8> {
        if self.buf.len() < self.pos {
            self.buf.resize(self.pos, 0);
        }
        self.buf
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

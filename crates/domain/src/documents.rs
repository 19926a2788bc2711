//! Uploaded documents: the one rule for what counts as a PDF (by content, not by name), the
//! German answers when it is not one, and how a file name from a client is cleaned for display.

use crate::FieldError;

/// True when `head` (the first bytes of a file) is a PDF: checked by content, not by name.
pub fn is_pdf(head: &[u8]) -> bool {
    head.starts_with(b"%PDF-")
}

/// How many bytes at the end of a file [`is_pdf_end`] looks at.
pub const PDF_TAIL_BYTES: usize = 1024;

/// True when `tail` (the last bytes of a file, up to [`PDF_TAIL_BYTES`]) ends a PDF: the
/// end-of-file marker `%%EOF` after a cross-reference pointer (`startxref`) or a trailer. A
/// truncated upload or a file that only starts like a PDF fails this.
pub fn is_pdf_end(tail: &[u8]) -> bool {
    let Some(eof) = find(tail, b"%%EOF") else {
        return false;
    };
    let before = &tail[..eof];
    find(before, b"startxref").is_some() || find(before, b"trailer").is_some()
}

/// A whole file held in memory: starts and ends like a PDF.
pub fn is_pdf_document(bytes: &[u8]) -> bool {
    is_pdf(bytes) && is_pdf_end(&bytes[bytes.len().saturating_sub(PDF_TAIL_BYTES)..])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Keeps the last [`PDF_TAIL_BYTES`] of a stream for [`is_pdf_end`].
#[derive(Debug, Clone, Default)]
pub struct PdfTail(Vec<u8>);

impl PdfTail {
    pub fn push(&mut self, chunk: &[u8]) {
        if chunk.len() >= PDF_TAIL_BYTES {
            self.0.clear();
            self.0
                .extend_from_slice(&chunk[chunk.len() - PDF_TAIL_BYTES..]);
        } else {
            self.0.extend_from_slice(chunk);
            let excess = self.0.len().saturating_sub(PDF_TAIL_BYTES);
            self.0.drain(..excess);
        }
    }

    pub fn is_pdf_end(&self) -> bool {
        is_pdf_end(&self.0)
    }
}

/// Why a received file is not an acceptable PDF document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfProblem {
    /// Nothing arrived.
    Empty,
    /// The content does not start like a PDF.
    NotPdf,
    /// It starts like a PDF but does not end like one (truncated or damaged).
    Truncated,
}

impl PdfProblem {
    /// Checks a whole received file by its first bytes and its tail.
    pub fn of(size: u64, head: &[u8], tail: &PdfTail) -> Option<PdfProblem> {
        if size == 0 {
            Some(PdfProblem::Empty)
        } else if !is_pdf(head) {
            Some(PdfProblem::NotPdf)
        } else if !tail.is_pdf_end() {
            Some(PdfProblem::Truncated)
        } else {
            None
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            PdfProblem::Empty => "required",
            PdfProblem::NotPdf => "not_pdf",
            PdfProblem::Truncated => "pdf_incomplete",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            PdfProblem::Empty => "Die Datei ist leer. Bitte ein PDF-Dokument hochladen.",
            PdfProblem::NotPdf => {
                "Die Datei ist kein PDF-Dokument (geprüft wird der Inhalt, nicht der Name)."
            }
            PdfProblem::Truncated => {
                "Die Datei beginnt wie ein PDF-Dokument, endet aber nicht wie eines (unvollständig \
                 oder beschädigt). Bitte die Datei neu erzeugen und erneut hochladen."
            }
        }
    }

    /// The 422 field error for the upload field `field`.
    pub fn for_field(self, field: &str) -> FieldError {
        FieldError::new(field, self.code(), self.message())
    }
}

/// Longest file name kept (characters).
pub const MAX_FILE_NAME_CHARS: usize = 200;

/// A client's file name as shown to people: its last path component, without control
/// characters, trimmed, at most [`MAX_FILE_NAME_CHARS`]; `None` when nothing usable remains.
pub fn clean_file_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect::<String>()
        .trim()
        .to_owned();
    (!cleaned.is_empty() && cleaned != "." && cleaned != "..").then_some(cleaned)
}

#[cfg(test)]
mod file_tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(
            clean_file_name("C:\\Users\\a\\Befund.pdf").as_deref(),
            Some("Befund.pdf")
        );
        assert_eq!(
            clean_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            clean_file_name("a\u{0}b\nc.pdf").as_deref(),
            Some("abc.pdf")
        );
        assert_eq!(clean_file_name("dir/.."), None);
        assert_eq!(clean_file_name("  "), None);
        assert_eq!(
            clean_file_name(&"x".repeat(300)).map(|n| n.chars().count()),
            Some(200)
        );
    }

    #[test]
    fn problems_are_found_in_order() {
        let mut tail = PdfTail::default();
        assert_eq!(PdfProblem::of(0, b"", &tail), Some(PdfProblem::Empty));
        assert_eq!(PdfProblem::of(5, b"GIF89", &tail), Some(PdfProblem::NotPdf));
        tail.push(b"%PDF-1.7 body");
        assert_eq!(
            PdfProblem::of(13, b"%PDF-", &tail),
            Some(PdfProblem::Truncated)
        );
        tail.push(b"\nstartxref\n9\n%%EOF\n");
        assert_eq!(PdfProblem::of(40, b"%PDF-", &tail), None);
        assert_eq!(PdfProblem::NotPdf.for_field("file").code, "not_pdf");
    }
}

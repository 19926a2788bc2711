//! The delivery receipt as a PDF to file: request, documents with their state, files with
//! SHA-256, times in German local time, and the lateness. Plain text lines in Helvetica (one of
//! the PDF standard fonts, so nothing is embedded), A4, as many pages as the lines need.
use le_domain::api::audits::Receipt;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const LEADING: f32 = 14.0;
/// Characters per line at 10 pt (Helvetica averages about 5 pt per character).
const WRAP: usize = 92;

enum Line {
    Title(String),
    Heading(String),
    Text(String),
    Gap,
}

/// The receipt's lines, in reading order.
fn lines(r: &Receipt) -> Vec<Line> {
    let mut out = vec![
        Line::Title(format!("Quittung {}", r.receipt_number)),
        Line::Text("Empfangsbestätigung über Unterlagen zur Prüfung nach § 275c SGB V".to_owned()),
        Line::Gap,
        Line::Heading("Krankenhaus und Fall".to_owned()),
        Line::Text(format!("{} (IK {})", r.hospital_name, r.hospital_ik)),
    ];
    if let Some(site) = &r.site_number {
        out.push(Line::Text(format!("Standort {site}")));
    }
    out.extend([
        Line::Text(format!(
            "Aufnahmenummer {}, Rechnungsnummer {}",
            r.admission_number, r.invoice_number
        )),
        Line::Text(format!(
            "Aufenthalt {} bis {}, Kostenträger IK {}",
            r.admission_date.to_german(),
            r.discharge_date.to_german(),
            r.insurer_ik
        )),
        Line::Text(format!("Prüfgegenstand: {}", r.subject)),
        Line::Gap,
        Line::Heading(format!("Anforderung {}", r.request_id)),
        Line::Text(format!(
            "Eingang der Anforderung: {}",
            r.received_date.to_german()
        )),
        Line::Text(format!(
            "Frist: {} (Nachfrist bis {})",
            r.due.to_german(),
            r.late_until.to_german()
        )),
    ]);
    for d in &r.document_states {
        let mut text = format!("– {}: {}", d.label, d.state_label);
        if let Some(reason) = &d.reason {
            text.push_str(&format!(" (Begründung: {reason})"));
        }
        out.push(Line::Text(text));
    }
    out.extend([
        Line::Gap,
        Line::Heading(format!("Lieferung {}", r.delivery_id)),
        Line::Text(format!(
            "Eingereicht am {} von {}",
            r.submitted_at_local, r.submitted_by
        )),
        Line::Text(format!("Fristenstand: {}", r.lateness_label)),
    ]);
    if let (Some(at), Some(by)) = (&r.acknowledged_at_local, &r.acknowledged_by) {
        out.push(Line::Text(format!("Quittiert am {at} von {by}")));
    }
    out.push(Line::Gap);
    out.push(Line::Heading(format!(
        "Dateien ({}, zusammen {} Bytes)",
        r.files.len(),
        r.total_size
    )));
    for f in &r.files {
        let doc = f
            .document
            .map(|d| format!(" – {}", d.label()))
            .unwrap_or_default();
        out.push(Line::Text(format!("{} ({} Bytes){doc}", f.name, f.size)));
        out.push(Line::Text(format!("   SHA-256 {}", f.sha256)));
    }
    out.extend([
        Line::Gap,
        Line::Text(format!(
            "Erstellt am {} (Zeiten in deutscher Ortszeit)",
            r.created_at_local
        )),
    ]);
    out
}

/// Windows-1252 bytes of `text` (the encoding of the standard fonts); other characters as "?".
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            c if (c as u32) < 0x80 || (0xA0..=0xFF).contains(&(c as u32)) => {
                u8::try_from(c as u32).unwrap_or(b'?')
            }
            _ => b'?',
        })
        .collect()
}

/// Splits a long line at spaces (or hard, for a word longer than a line).
fn wrap(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let fits = current.chars().count() + 1 + word.chars().count() <= WRAP;
        if !current.is_empty() && !fits {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        while current.chars().count() > WRAP {
            let head: String = current.chars().take(WRAP).collect();
            current = current.chars().skip(WRAP).collect();
            lines.push(head);
        }
    }
    lines.push(current);
    lines
}

/// The PDF bytes of a receipt.
pub fn render(receipt: &Receipt) -> Vec<u8> {
    // Lay the lines out on pages first: (size, bold, text) per line, pages as lists.
    let mut pages: Vec<Vec<(f32, bool, String)>> = vec![Vec::new()];
    let per_page = ((PAGE_HEIGHT - 2.0 * MARGIN) / LEADING) as usize;
    for line in lines(receipt) {
        let items: Vec<(f32, bool, String)> = match line {
            Line::Title(t) => vec![(16.0, true, t)],
            Line::Heading(t) => vec![(11.0, true, t)],
            Line::Text(t) => wrap(&t).into_iter().map(|l| (10.0, false, l)).collect(),
            Line::Gap => vec![(10.0, false, String::new())],
        };
        for item in items {
            if pages.last().is_some_and(|p| p.len() >= per_page) {
                pages.push(Vec::new());
            }
            if let Some(page) = pages.last_mut() {
                page.push(item);
            }
        }
    }
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let first_page = 5;
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(first_page + 2 * i32::try_from(i).unwrap_or(0)))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(pages.len()).unwrap_or(1));
    let total = pages.len();
    for (i, (lines, page_id)) in pages.iter().zip(&page_ids).enumerate() {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        fonts.finish();
        resources.finish();
        page.finish();
        let mut content = Content::new();
        let mut y = PAGE_HEIGHT - MARGIN;
        for (size, is_bold, text) in lines {
            if !text.is_empty() {
                content.begin_text();
                content.set_font(Name(if *is_bold { b"F2" } else { b"F1" }), *size);
                content.next_line(MARGIN, y);
                content.show(Str(&win_ansi(text)));
                content.end_text();
            }
            y -= LEADING;
        }
        if total > 1 {
            content.begin_text();
            content.set_font(Name(b"F1"), 8.0);
            content.next_line(MARGIN, MARGIN / 2.0);
            content.show(Str(&win_ansi(&format!(
                "{} – Seite {} von {total}",
                receipt.receipt_number,
                i + 1
            ))));
            content.end_text();
        }
        pdf.stream(content_id, &content.finish());
    }
    for (id, font) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(font.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_characters_in_win_ansi() {
        assert_eq!(
            win_ansi("Prüfung § 7 „ok“ – ß"),
            b"Pr\xfcfung \xa7 7 \x84ok\x93 \x96 \xdf"
        );
        assert_eq!(win_ansi("✓"), b"?");
    }

    #[test]
    fn long_lines_wrap() {
        let long = "wort ".repeat(40);
        let lines = wrap(long.trim());
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= WRAP));
        assert_eq!(wrap(&"x".repeat(200)).len(), 3);
    }
}

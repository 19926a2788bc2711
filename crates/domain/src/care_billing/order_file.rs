//! The order file (Auftragsdatei): a 348-byte ISO-8859-1 record that travels with every encrypted
//! delivery. Numeric fields are right-aligned and zero-padded, text fields left-aligned and
//! blank-padded. Every field sits at a fixed 0-based offset ([`FIELDS`], from the glossary in
//! `docs/domain-glossary.md`); [`OrderFile::to_bytes`] writes them byte-exact and
//! [`parse_order_file`] reads them back, naming the field and offset of anything malformed.
//!
//! Values the seed does not give (procedure specification, file version, record format and
//! length, block length, status, repetition, transfer route, delayed sending) are written as
//! zeros or blanks and are read without further rules (*unconfirmed*).
use serde::{Deserialize, Serialize};

use crate::{FieldError, Ik};

/// Length of every order file.
pub const ORDER_FILE_LEN: usize = 348;

/// How a field is padded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldKind {
    /// Digits, right-aligned, zero-padded.
    Numeric,
    /// ISO-8859-1 text, left-aligned, blank-padded.
    Text,
}

/// One field of the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderField {
    pub name: &'static str,
    /// German name for people (error messages, the delivery detail page).
    pub label: &'static str,
    pub offset: usize,
    pub len: usize,
    pub kind: FieldKind,
}

const fn field(
    name: &'static str,
    label: &'static str,
    offset: usize,
    len: usize,
    kind: FieldKind,
) -> OrderField {
    OrderField {
        name,
        label,
        offset,
        len,
        kind,
    }
}

use FieldKind::{Numeric, Text};

/// Every field in record order; each starts where the one before ends, the last ends at 348.
pub const FIELDS: [OrderField; 37] = [
    field("identifier", "Kennung", 0, 6, Numeric),
    field("version", "Version", 6, 2, Numeric),
    field("length", "Länge der Auftragsdatei", 8, 8, Numeric),
    field("sequence", "Folgenummer", 16, 3, Numeric),
    field("procedure", "Verfahren", 19, 5, Text),
    field("transfer_number", "Transfernummer", 24, 3, Numeric),
    field(
        "procedure_spec",
        "Verfahrenskennung-Spezifikation",
        27,
        5,
        Text,
    ),
    field("sender_owner", "Absender Eigner", 32, 15, Text),
    field("sender_physical", "Absender physikalisch", 47, 15, Text),
    field("recipient_user", "Empfänger Nutzer", 62, 15, Text),
    field("recipient_physical", "Empfänger physikalisch", 77, 15, Text),
    field("error_number", "Fehlernummer", 92, 6, Numeric),
    field("error_action", "Fehlermaßnahme", 98, 6, Numeric),
    field("file_name", "Dateiname", 104, 11, Text),
    field("created", "Datum Erstellung", 115, 14, Numeric),
    field("sent", "Datum Versand", 129, 14, Numeric),
    field("received_start", "Datum Empfang Start", 143, 14, Numeric),
    field("received_end", "Datum Empfang Ende", 157, 14, Numeric),
    field("file_version", "Dateiversion", 171, 6, Numeric),
    field("correction", "Korrektur", 177, 1, Numeric),
    field("payload_size", "Dateigröße Nutzdaten", 178, 12, Numeric),
    field("transfer_size", "Dateigröße Übertragung", 190, 12, Numeric),
    field("charset", "Zeichensatz", 202, 2, Text),
    field("compression", "Komprimierung", 204, 2, Numeric),
    field("encryption", "Verschlüsselungsart", 206, 2, Numeric),
    field("signature", "Elektronische Unterschrift", 208, 2, Numeric),
    field("record_format", "Satzformat", 210, 3, Text),
    field("record_length", "Satzlänge", 213, 5, Numeric),
    field("block_length", "Blocklänge", 218, 8, Numeric),
    field("status", "Status", 226, 1, Text),
    field("repetition", "Wiederholung", 227, 2, Numeric),
    field("transfer_route", "Übertragungsweg", 229, 1, Text),
    field("delayed_sending", "Verzögerter Versand", 230, 10, Numeric),
    field(
        "info_error_number",
        "Info- und Fehlermeldungen",
        240,
        6,
        Numeric,
    ),
    field("error_text", "Fehlertext", 246, 28, Text),
    field("sender_email", "E-Mail-Adresse Absender", 274, 44, Text),
    field("description", "Dateibezeichnung", 318, 30, Text),
];

const IDENTIFIER: &str = "500000";
const VERSION: &str = "01";
const CHARSET: &str = "I1";
const ENCRYPTION: &str = "03";
const SIGNATURE: &str = "03";
const COMPRESSION_NONE: &str = "00";
const COMPRESSION_GZIP: &str = "02";

/// Real or test procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// `EPFL0`: real data.
    Real,
    /// `TPFL0`: test data.
    Test,
}

impl Procedure {
    pub fn code(self) -> &'static str {
        match self {
            Procedure::Real => "EPFL0",
            Procedure::Test => "TPFL0",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Procedure::Real => "Echtverfahren",
            Procedure::Test => "Testverfahren",
        }
    }
}

/// A time as the order file writes it: `YYYYMMDDhhmmss` (14 digits), checked on creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp(String);

impl Timestamp {
    /// From its 14 digits; `None` unless it is a real date and time.
    pub fn parse(digits: &str) -> Option<Timestamp> {
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n = |from: usize, to: usize| digits[from..to].parse::<u32>().ok();
        let (year, month, day) = (n(0, 4)?, n(4, 6)?, n(6, 8)?);
        let (hour, minute, second) = (n(8, 10)?, n(10, 12)?, n(12, 14)?);
        let year = i32::try_from(year).ok()?;
        crate::directory::Date::from_ymd(year, month, day).ok()?;
        (hour < 24 && minute < 60 && second < 60).then(|| Timestamp(digits.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `TT.MM.JJJJ hh:mm:ss` for people.
    pub fn to_german(&self) -> String {
        let s = &self.0;
        format!(
            "{}.{}.{} {}:{}:{}",
            &s[6..8],
            &s[4..6],
            &s[0..4],
            &s[8..10],
            &s[10..12],
            &s[12..14]
        )
    }
}

impl TryFrom<String> for Timestamp {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Timestamp::parse(&value).ok_or_else(|| format!("keine gültige Zeitangabe: {value}"))
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> String {
        t.0
    }
}

/// The content of an order file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFile {
    pub procedure: Procedure,
    /// 1–999, one up per delivery from this sender to this recipient.
    pub transfer_number: u16,
    /// The care service's IK (owner of the data).
    pub sender_owner: Ik,
    /// Who sends: the care service itself or its billing centre.
    pub sender_physical: Ik,
    /// Who may decrypt (the logical recipient).
    pub recipient_user: Ik,
    /// Where the file goes (the data acceptance point).
    pub recipient_physical: Ik,
    pub error_number: u32,
    pub error_action: u32,
    pub created: Timestamp,
    pub sent: Timestamp,
    /// Filled by the receiver; `None` is written as zeros.
    pub received_start: Option<Timestamp>,
    pub received_end: Option<Timestamp>,
    /// A correction delivery (`1`) or an original one (`0`) (*unconfirmed*).
    pub correction: bool,
    /// Bytes of the plain payload.
    pub payload_size: u64,
    /// Bytes of the encrypted file as sent.
    pub transfer_size: u64,
    /// The payload was gzipped before encryption.
    pub compressed: bool,
    pub sender_email: String,
    pub description: String,
}

/// What is wrong with an order file: which field, where, what was expected, what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFileError {
    /// The field's name (`procedure`), or `file` for the whole record.
    pub field: String,
    pub label: String,
    pub offset: usize,
    pub len: usize,
    pub expected: String,
    pub found: String,
}

impl OrderFileError {
    fn new(field: &OrderField, expected: impl Into<String>, found: impl Into<String>) -> Self {
        OrderFileError {
            field: field.name.to_owned(),
            label: field.label.to_owned(),
            offset: field.offset,
            len: field.len,
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// The German sentence for people.
    pub fn message(&self) -> String {
        format!(
            "Auftragsdatei, Feld „{}“ (Byte {} bis {}): erwartet {}, gefunden „{}“.",
            self.label,
            self.offset,
            self.offset + self.len.max(1) - 1,
            self.expected,
            self.found
        )
    }

    /// As a field error of the API (`order_file.<field>`).
    pub fn to_field_error(&self) -> FieldError {
        FieldError::new(
            format!("order_file.{}", self.field),
            "order_file_field",
            self.message(),
        )
    }
}

fn field_named(name: &str) -> &'static OrderField {
    // Every name used below is in FIELDS (checked by the test `every_field_is_written`).
    FIELDS.iter().find(|f| f.name == name).unwrap_or(&FIELDS[0])
}

fn numeric(name: &str, value: u64) -> Result<(&'static OrderField, String), OrderFileError> {
    let field = field_named(name);
    let text = format!("{value:0width$}", width = field.len);
    if text.len() > field.len {
        return Err(OrderFileError::new(
            field,
            format!("höchstens {} Ziffern", field.len),
            text,
        ));
    }
    Ok((field, text))
}

fn text(name: &str, value: &str) -> Result<(&'static OrderField, String), OrderFileError> {
    let field = field_named(name);
    if let Some(c) = value
        .chars()
        .find(|c| u32::from(*c) > 0xff || c.is_control())
    {
        return Err(OrderFileError::new(
            field,
            "Zeichen aus ISO-8859-1 ohne Steuerzeichen",
            c.to_string(),
        ));
    }
    let count = value.chars().count();
    if count > field.len {
        return Err(OrderFileError::new(
            field,
            format!("höchstens {} Zeichen", field.len),
            value,
        ));
    }
    Ok((field, format!("{value}{}", " ".repeat(field.len - count))))
}

impl OrderFile {
    /// The payload's file name: procedure and transfer number (`EPFL0001`) (*unconfirmed*).
    pub fn payload_file_name(&self) -> String {
        format!("{}{:03}", self.procedure.code(), self.transfer_number)
    }

    /// The order file's own name: the payload's with `.AUF`.
    pub fn order_file_name(&self) -> String {
        format!("{}.AUF", self.payload_file_name())
    }

    /// The 348 bytes, ISO-8859-1; an error names the field whose value does not fit.
    pub fn to_bytes(&self) -> Result<Vec<u8>, OrderFileError> {
        if !(1..=999).contains(&self.transfer_number) {
            return Err(OrderFileError::new(
                field_named("transfer_number"),
                "001 bis 999",
                self.transfer_number.to_string(),
            ));
        }
        let zeros = |name: &str| numeric(name, 0);
        let time = |name: &str, t: &Option<Timestamp>| match t {
            Some(t) => text(name, t.as_str()),
            None => zeros(name),
        };
        let values = [
            text("identifier", IDENTIFIER)?,
            text("version", VERSION)?,
            numeric("length", ORDER_FILE_LEN as u64)?,
            zeros("sequence")?,
            text("procedure", self.procedure.code())?,
            numeric("transfer_number", u64::from(self.transfer_number))?,
            text("procedure_spec", "")?,
            text("sender_owner", self.sender_owner.as_str())?,
            text("sender_physical", self.sender_physical.as_str())?,
            text("recipient_user", self.recipient_user.as_str())?,
            text("recipient_physical", self.recipient_physical.as_str())?,
            numeric("error_number", u64::from(self.error_number))?,
            numeric("error_action", u64::from(self.error_action))?,
            text("file_name", &self.payload_file_name())?,
            text("created", self.created.as_str())?,
            text("sent", self.sent.as_str())?,
            time("received_start", &self.received_start)?,
            time("received_end", &self.received_end)?,
            zeros("file_version")?,
            numeric("correction", u64::from(self.correction))?,
            numeric("payload_size", self.payload_size)?,
            numeric("transfer_size", self.transfer_size)?,
            text("charset", CHARSET)?,
            text(
                "compression",
                if self.compressed {
                    COMPRESSION_GZIP
                } else {
                    COMPRESSION_NONE
                },
            )?,
            text("encryption", ENCRYPTION)?,
            text("signature", SIGNATURE)?,
            text("record_format", "")?,
            zeros("record_length")?,
            zeros("block_length")?,
            text("status", "")?,
            zeros("repetition")?,
            text("transfer_route", "")?,
            zeros("delayed_sending")?,
            zeros("info_error_number")?,
            text("error_text", "")?,
            text("sender_email", &self.sender_email)?,
            text("description", &self.description)?,
        ];
        let mut out = Vec::with_capacity(ORDER_FILE_LEN);
        for (field, value) in values {
            debug_assert_eq!(out.len(), field.offset, "{}", field.name);
            // Every character was checked to be at most U+00FF: one byte in ISO-8859-1.
            out.extend(
                value
                    .chars()
                    .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')),
            );
        }
        Ok(out)
    }
}

/// The value of `field` in `record` (decoded from ISO-8859-1).
fn slice(record: &[char], field: &OrderField) -> String {
    record[field.offset..field.offset + field.len]
        .iter()
        .collect()
}

fn digits(record: &[char], name: &str) -> Result<u64, OrderFileError> {
    let field = field_named(name);
    let value = slice(record, field);
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return Err(OrderFileError::new(
            field,
            format!("{} Ziffern (mit Nullen aufgefüllt)", field.len),
            value,
        ));
    }
    value
        .parse()
        .map_err(|_| OrderFileError::new(field, "eine Zahl", value.clone()))
}

fn exactly(record: &[char], name: &str, expected: &[&str]) -> Result<String, OrderFileError> {
    let field = field_named(name);
    let value = slice(record, field);
    if expected.contains(&value.as_str()) {
        Ok(value)
    } else {
        Err(OrderFileError::new(field, expected.join(" oder "), value))
    }
}

fn ik(record: &[char], name: &str) -> Result<Ik, OrderFileError> {
    let field = field_named(name);
    let value = slice(record, field);
    if value.starts_with(' ') {
        return Err(OrderFileError::new(
            field,
            "ein IK, linksbündig",
            value.clone(),
        ));
    }
    Ik::parse(value.trim_end()).map_err(|e| {
        OrderFileError::new(
            field,
            format!("ein gültiges IK ({})", e.message()),
            value.clone(),
        )
    })
}

fn timestamp(
    record: &[char],
    name: &str,
    zeros_allowed: bool,
) -> Result<Option<Timestamp>, OrderFileError> {
    let field = field_named(name);
    let value = slice(record, field);
    if zeros_allowed && value.chars().all(|c| c == '0') {
        return Ok(None);
    }
    Timestamp::parse(&value).map(Some).ok_or_else(|| {
        OrderFileError::new(
            field,
            if zeros_allowed {
                "JJJJMMTThhmmss oder Nullen"
            } else {
                "JJJJMMTThhmmss"
            },
            value.clone(),
        )
    })
}

fn plain_text(record: &[char], name: &str) -> Result<String, OrderFileError> {
    let field = field_named(name);
    let value = slice(record, field);
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(OrderFileError::new(
            field,
            "Text ohne Steuerzeichen",
            format!("Zeichen {:#04x}", u32::from(c)),
        ));
    }
    Ok(value.trim_end().to_owned())
}

/// Reads an order file; the first malformed field is named with its offset.
pub fn parse_order_file(bytes: &[u8]) -> Result<OrderFile, OrderFileError> {
    if bytes.len() != ORDER_FILE_LEN {
        return Err(OrderFileError {
            field: "file".to_owned(),
            label: "Auftragsdatei".to_owned(),
            offset: 0,
            len: ORDER_FILE_LEN,
            expected: format!("{ORDER_FILE_LEN} Bytes"),
            found: format!("{} Bytes", bytes.len()),
        });
    }
    // ISO-8859-1: every byte is the character of the same number.
    let record: Vec<char> = bytes.iter().map(|b| char::from(*b)).collect();
    exactly(&record, "identifier", &[IDENTIFIER])?;
    exactly(&record, "version", &[VERSION])?;
    exactly(&record, "length", &["00000348"])?;
    digits(&record, "sequence")?;
    let procedure = match exactly(&record, "procedure", &["EPFL0", "TPFL0"])?.as_str() {
        "EPFL0" => Procedure::Real,
        _ => Procedure::Test,
    };
    let transfer = digits(&record, "transfer_number")?;
    let transfer_number = u16::try_from(transfer)
        .ok()
        .filter(|n| (1..=999).contains(n))
        .ok_or_else(|| {
            OrderFileError::new(
                field_named("transfer_number"),
                "001 bis 999",
                format!("{transfer:03}"),
            )
        })?;
    plain_text(&record, "procedure_spec")?;
    let sender_owner = ik(&record, "sender_owner")?;
    let sender_physical = ik(&record, "sender_physical")?;
    let recipient_user = ik(&record, "recipient_user")?;
    let recipient_physical = ik(&record, "recipient_physical")?;
    let error_number = u32::try_from(digits(&record, "error_number")?).unwrap_or(u32::MAX);
    let error_action = u32::try_from(digits(&record, "error_action")?).unwrap_or(u32::MAX);
    plain_text(&record, "file_name")?;
    let created = timestamp(&record, "created", false)?;
    let sent = timestamp(&record, "sent", false)?;
    let received_start = timestamp(&record, "received_start", true)?;
    let received_end = timestamp(&record, "received_end", true)?;
    digits(&record, "file_version")?;
    let correction = exactly(&record, "correction", &["0", "1"])? == "1";
    let payload_size = digits(&record, "payload_size")?;
    let transfer_size = digits(&record, "transfer_size")?;
    exactly(&record, "charset", &[CHARSET])?;
    let compressed = exactly(
        &record,
        "compression",
        &[COMPRESSION_NONE, COMPRESSION_GZIP],
    )? == COMPRESSION_GZIP;
    exactly(&record, "encryption", &[ENCRYPTION])?;
    exactly(&record, "signature", &[SIGNATURE])?;
    plain_text(&record, "record_format")?;
    digits(&record, "record_length")?;
    digits(&record, "block_length")?;
    plain_text(&record, "status")?;
    digits(&record, "repetition")?;
    plain_text(&record, "transfer_route")?;
    digits(&record, "delayed_sending")?;
    digits(&record, "info_error_number")?;
    plain_text(&record, "error_text")?;
    let sender_email = plain_text(&record, "sender_email")?;
    let description = plain_text(&record, "description")?;
    let (Some(created), Some(sent)) = (created, sent) else {
        // Both were read with zeros not allowed, so they are present.
        return Err(OrderFileError::new(
            field_named("created"),
            "JJJJMMTThhmmss",
            "",
        ));
    };
    Ok(OrderFile {
        procedure,
        transfer_number,
        sender_owner,
        sender_physical,
        recipient_user,
        recipient_physical,
        error_number,
        error_action,
        created,
        sent,
        received_start,
        received_end,
        correction,
        payload_size,
        transfer_size,
        compressed,
        sender_email,
        description,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ik(s: &str) -> Ik {
        Ik::parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}"))
    }

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    /// A care service (IK 460512349) sending its 7th test delivery to KNAPPSCHAFT.
    pub(crate) fn sample() -> OrderFile {
        OrderFile {
            procedure: Procedure::Test,
            transfer_number: 7,
            sender_owner: ik("460512349"),
            sender_physical: ik("460512349"),
            recipient_user: ik("109905003"),
            recipient_physical: ik("109905003"),
            error_number: 0,
            error_action: 0,
            created: ts("20261130143005"),
            sent: ts("20261130143107"),
            received_start: None,
            received_end: None,
            correction: false,
            payload_size: 123_456,
            transfer_size: 130_210,
            compressed: true,
            sender_email: "abrechnung@pflegedienst-sonnenschein.example".to_owned(),
            description: "Abrechnung 11/2026 Lart 01".to_owned(),
        }
    }

    #[test]
    fn fields_tile_the_record() {
        let mut at = 0;
        for f in FIELDS {
            assert_eq!(f.offset, at, "{} starts where the previous ends", f.name);
            at += f.len;
        }
        assert_eq!(at, ORDER_FILE_LEN);
    }

    #[test]
    fn golden_record_every_field_at_its_offset() {
        let bytes = sample()
            .to_bytes()
            .unwrap_or_else(|e| panic!("{}", e.message()));
        assert_eq!(bytes.len(), 348);
        let record: Vec<char> = bytes.iter().map(|b| char::from(*b)).collect();
        let expected = [
            ("identifier", "500000"),
            ("version", "01"),
            ("length", "00000348"),
            ("sequence", "000"),
            ("procedure", "TPFL0"),
            ("transfer_number", "007"),
            ("procedure_spec", "     "),
            ("sender_owner", "460512349      "),
            ("sender_physical", "460512349      "),
            ("recipient_user", "109905003      "),
            ("recipient_physical", "109905003      "),
            ("error_number", "000000"),
            ("error_action", "000000"),
            ("file_name", "TPFL0007   "),
            ("created", "20261130143005"),
            ("sent", "20261130143107"),
            ("received_start", "00000000000000"),
            ("received_end", "00000000000000"),
            ("file_version", "000000"),
            ("correction", "0"),
            ("payload_size", "000000123456"),
            ("transfer_size", "000000130210"),
            ("charset", "I1"),
            ("compression", "02"),
            ("encryption", "03"),
            ("signature", "03"),
            ("record_format", "   "),
            ("record_length", "00000"),
            ("block_length", "00000000"),
            ("status", " "),
            ("repetition", "00"),
            ("transfer_route", " "),
            ("delayed_sending", "0000000000"),
            ("info_error_number", "000000"),
            ("error_text", &" ".repeat(28)),
            (
                "sender_email",
                "abrechnung@pflegedienst-sonnenschein.example",
            ),
            ("description", "Abrechnung 11/2026 Lart 01    "),
        ];
        assert_eq!(expected.len(), FIELDS.len());
        for (name, value) in expected {
            assert_eq!(slice(&record, field_named(name)), value, "{name}");
        }
    }

    #[test]
    fn iso_8859_1_umlauts_are_one_byte_and_read_back() {
        let mut file = sample();
        file.description = "Übergabe März – Pflege".replace('–', "-");
        let bytes = file
            .to_bytes()
            .unwrap_or_else(|e| panic!("{}", e.message()));
        assert_eq!(bytes.len(), 348);
        assert_eq!(bytes[318], 0xdc, "Ü in ISO-8859-1");
        assert_eq!(parse_order_file(&bytes), Ok(file));
    }

    #[test]
    fn values_that_do_not_fit_name_their_field() {
        let mut file = sample();
        file.description = "x".repeat(31);
        assert_eq!(
            file.to_bytes().map_err(|e| e.field),
            Err("description".to_owned())
        );
        let mut file = sample();
        file.sender_email = "pflege@example.org €".to_owned();
        let err = file.to_bytes().err().unwrap_or_else(|| panic!("refused"));
        assert_eq!(err.field, "sender_email");
        assert!(err.message().contains("ISO-8859-1"), "{}", err.message());
        let mut file = sample();
        file.transfer_number = 1000;
        assert_eq!(
            file.to_bytes().map_err(|e| e.field),
            Err("transfer_number".to_owned())
        );
        let mut file = sample();
        file.payload_size = 1_000_000_000_000;
        assert_eq!(
            file.to_bytes().map_err(|e| e.field),
            Err("payload_size".to_owned())
        );
    }

    #[test]
    fn build_then_parse_round_trips() {
        let mut file = sample();
        assert_eq!(
            parse_order_file(&file.to_bytes().unwrap_or_default()),
            Ok(file.clone())
        );
        file.procedure = Procedure::Real;
        file.correction = true;
        file.compressed = false;
        file.received_start = Some(ts("20261201080000"));
        file.received_end = Some(ts("20261201080002"));
        file.error_number = 240;
        file.error_action = 3;
        assert_eq!(
            parse_order_file(&file.to_bytes().unwrap_or_default()),
            Ok(file.clone())
        );
        assert_eq!(file.order_file_name(), "EPFL0007.AUF");
    }

    #[test]
    fn malformed_files_name_field_and_offset() {
        let good = sample().to_bytes().unwrap_or_default();
        let broken = |offset: usize, bytes: &[u8]| {
            let mut b = good.clone();
            b[offset..offset + bytes.len()].copy_from_slice(bytes);
            parse_order_file(&b)
                .err()
                .unwrap_or_else(|| panic!("refused at {offset}"))
        };
        let err = broken(19, b"XPFL0");
        assert_eq!((err.field.as_str(), err.offset), ("procedure", 19));
        assert_eq!(
            err.message(),
            "Auftragsdatei, Feld „Verfahren“ (Byte 19 bis 23): erwartet EPFL0 oder TPFL0, gefunden „XPFL0“."
        );
        assert_eq!(broken(0, b"500001").field, "identifier");
        assert_eq!(broken(24, b"000").field, "transfer_number");
        assert_eq!(broken(32, b"460512348").field, "sender_owner");
        assert_eq!(broken(115, b"20261331").field, "created");
        assert_eq!(broken(178, b"00000012345x").field, "payload_size");
        assert_eq!(broken(202, b"I2").field, "charset");
        assert_eq!(broken(204, b"01").field, "compression");
        assert_eq!(broken(300, b"\x07").field, "sender_email");
        let short = parse_order_file(&good[..347]).err().map(|e| e.field);
        assert_eq!(short.as_deref(), Some("file"));
        let field_error = broken(206, b"02").to_field_error();
        assert_eq!(field_error.field, "order_file.encryption");
    }
}

//! Reading back whom a sealed delivery is encrypted for: the issuer and serial number in each
//! recipient info of the CMS EnvelopedData, from the file's first bytes (the recipient infos
//! come before the encrypted content), so the server can check them against the certificates
//! the operator imported without reading a 50 MB file into memory.
use cms::enveloped_data::{RecipientIdentifier, RecipientInfo};
use der::Decode;

use crate::{ID_ENVELOPED_DATA, SealError};

/// One certificate a delivery is encrypted for, named as in [`crate::CertificateInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientId {
    pub issuer: String,
    /// Serial number, hexadecimal.
    pub serial: String,
}

fn not_enveloped(what: &str) -> SealError {
    SealError::Certificate(format!(
        "die Datei ist keine CMS-verschlüsselte Lieferung ({what})"
    ))
}

/// Reads a tag and its length at `pos`; `None` length for BER's indefinite form. Returns the
/// position of the content.
fn header(bytes: &[u8], pos: usize, tag: u8) -> Result<(usize, Option<usize>), SealError> {
    if bytes.get(pos) != Some(&tag) {
        return Err(not_enveloped("unerwartetes Element"));
    }
    let first = *bytes.get(pos + 1).ok_or_else(|| not_enveloped("zu kurz"))?;
    if first < 0x80 {
        return Ok((pos + 2, Some(usize::from(first))));
    }
    if first == 0x80 {
        return Ok((pos + 2, None));
    }
    let n = usize::from(first & 0x7F);
    if n > 4 {
        return Err(not_enveloped("Länge"));
    }
    let len_bytes = bytes
        .get(pos + 2..pos + 2 + n)
        .ok_or_else(|| not_enveloped("zu kurz"))?;
    let len = len_bytes
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    Ok((pos + 2 + n, Some(len)))
}

/// A whole element with definite length at `pos`: its content range and the position after it.
fn element(bytes: &[u8], pos: usize, tag: u8) -> Result<(&[u8], usize), SealError> {
    let (start, len) = header(bytes, pos, tag)?;
    let len = len.ok_or_else(|| not_enveloped("unbestimmte Länge"))?;
    let content = bytes
        .get(start..start + len)
        .ok_or_else(|| not_enveloped("zu kurz"))?;
    Ok((content, start + len))
}

/// The certificates `prefix` (the first bytes of a sealed file, e.g. 64 KB) is encrypted for.
pub fn recipients_of(prefix: &[u8]) -> Result<Vec<RecipientId>, SealError> {
    // ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT EnvelopedData }
    let (pos, _) = header(prefix, 0, 0x30)?;
    let (oid, pos) = element(prefix, pos, 0x06)?;
    if oid != ID_ENVELOPED_DATA.as_bytes() {
        return Err(not_enveloped("kein EnvelopedData"));
    }
    let (pos, _) = header(prefix, pos, 0xA0)?;
    // EnvelopedData ::= SEQUENCE { version, originatorInfo [0] OPTIONAL, recipientInfos SET, … }
    let (pos, _) = header(prefix, pos, 0x30)?;
    let (_, mut pos) = element(prefix, pos, 0x02)?;
    if prefix.get(pos) == Some(&0xA0) {
        pos = element(prefix, pos, 0xA0)?.1;
    }
    let (mut infos, _) = element(prefix, pos, 0x31)?;
    let mut out = Vec::new();
    while !infos.is_empty() {
        let (_, len) = element(infos, 0, *infos.first().unwrap_or(&0))?;
        let (one, rest) = infos.split_at(len);
        infos = rest;
        // Only key transport (RSA) recipients name a certificate by issuer and serial.
        if let Ok(RecipientInfo::Ktri(ktri)) = RecipientInfo::from_der(one)
            && let RecipientIdentifier::IssuerAndSerialNumber(id) = ktri.rid
        {
            out.push(RecipientId {
                issuer: crate::name::name_to_string(&id.issuer),
                serial: crate::cert::hex(id.serial_number.as_bytes()),
            });
        }
    }
    if out.is_empty() {
        return Err(not_enveloped("kein Empfänger mit Zertifikat"));
    }
    Ok(out)
}

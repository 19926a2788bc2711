//! X.509 certificates of the exchange: the sender's own (from its PKCS#12 file) and the data
//! acceptance points' (from the trust centre's public key list), with what people and the
//! server need to know of them (subject, IK, validity, fingerprint).
use base64ct::Encoding as _;
use der::{Decode, DecodePem, Encode};
use rsa::PublicKey;
use rsa::pkcs8::DecodePublicKey;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use crate::SealError;

/// What a certificate says, for lists, checks and the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    /// Serial number, hexadecimal.
    pub serial: String,
    /// Validity, seconds since 1970 (UTC).
    pub not_before: u64,
    pub not_after: u64,
    /// SHA-256 of the DER encoding, hexadecimal (lower case).
    pub sha256: String,
    /// The IK named in the subject (ITSG certificates carry `OU=IK<9 digits>`), if any.
    pub ik: Option<String>,
}

/// An RSA certificate (the key the delivery is encrypted for, or the signer's own).
#[derive(Clone)]
pub struct RecipientCertificate {
    certificate: Certificate,
    der: Vec<u8>,
    public_key: PublicKey,
    info: CertificateInfo,
}

impl std::fmt::Debug for RecipientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RecipientCertificate")
            .field(&self.info)
            .finish()
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The first `IK` followed by exactly nine digits in `text`.
pub fn ik_in(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(10)).find_map(|i| {
        let digits = bytes.get(i + 2..i + 11)?;
        let next_is_digit = bytes.get(i + 11).is_some_and(u8::is_ascii_digit);
        (bytes[i..].starts_with(b"IK") && digits.iter().all(u8::is_ascii_digit) && !next_is_digit)
            .then(|| String::from_utf8_lossy(digits).into_owned())
    })
}

/// `TT.MM.JJJJ` of a Unix time (UTC).
pub fn format_date(unix: u64) -> String {
    // Days to civil date (Howard Hinnant's algorithm).
    let days = (unix / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{day:02}.{month:02}.{year}")
}

impl RecipientCertificate {
    pub fn from_der(der: &[u8]) -> Result<Self, SealError> {
        let certificate =
            Certificate::from_der(der).map_err(|e| SealError::Certificate(e.to_string()))?;
        Self::from_certificate(certificate)
    }

    /// One PEM block (`-----BEGIN CERTIFICATE-----`).
    pub fn from_pem(pem: &[u8]) -> Result<Self, SealError> {
        let certificate =
            Certificate::from_pem(pem).map_err(|e| SealError::Certificate(e.to_string()))?;
        Self::from_certificate(certificate)
    }

    fn from_certificate(certificate: Certificate) -> Result<Self, SealError> {
        let der = certificate
            .to_der()
            .map_err(|e| SealError::Certificate(e.to_string()))?;
        let tbs = certificate.tbs_certificate();
        let spki = tbs
            .subject_public_key_info()
            .to_der()
            .map_err(|e| SealError::Certificate(e.to_string()))?;
        let public_key = PublicKey::from_public_key_der(&spki).map_err(|_| SealError::NotRsa)?;
        let subject = crate::name::name_to_string(tbs.subject());
        let validity = tbs.validity();
        let info = CertificateInfo {
            ik: ik_in(&subject),
            subject,
            issuer: crate::name::name_to_string(tbs.issuer()),
            serial: hex(tbs.serial_number().as_bytes()),
            not_before: validity.not_before.to_unix_duration().as_secs(),
            not_after: validity.not_after.to_unix_duration().as_secs(),
            sha256: hex(&Sha256::digest(&der)),
        };
        Ok(RecipientCertificate {
            certificate,
            der,
            public_key,
            info,
        })
    }

    pub fn info(&self) -> &CertificateInfo {
        &self.info
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The certificate as one PEM block.
    pub fn to_pem(&self) -> Result<String, SealError> {
        use der::EncodePem as _;
        self.certificate
            .to_pem(der::pem::LineEnding::LF)
            .map_err(|e| SealError::Certificate(e.to_string()))
    }

    pub(crate) fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    pub(crate) fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// Refuses a certificate that is expired or not yet valid at `now` (Unix seconds).
    pub fn check_valid_at(&self, now: u64) -> Result<(), SealError> {
        if now > self.info.not_after {
            return Err(SealError::Expired {
                subject: self.info.subject.clone(),
                not_after: self.info.not_after,
            });
        }
        if now < self.info.not_before {
            return Err(SealError::NotYetValid {
                subject: self.info.subject.clone(),
                not_before: self.info.not_before,
            });
        }
        Ok(())
    }
}

/// Reads a list of certificates as a trust centre publishes it: PEM blocks, one DER
/// certificate, or (the GKV key list's form) base64 certificates separated by blank lines.
pub fn parse_certificate_list(bytes: &[u8]) -> Result<Vec<RecipientCertificate>, SealError> {
    if bytes.first() == Some(&0x30) {
        return Ok(vec![RecipientCertificate::from_der(bytes)?]);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| SealError::Certificate("weder DER noch Text".to_owned()))?;
    let mut out = Vec::new();
    if text.contains("-----BEGIN CERTIFICATE-----") {
        let mut rest = text;
        while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
            let end_marker = "-----END CERTIFICATE-----";
            let Some(end) = rest[start..].find(end_marker) else {
                return Err(SealError::Certificate(
                    "PEM-Block ohne END-Zeile".to_owned(),
                ));
            };
            let block = &rest[start..start + end + end_marker.len()];
            out.push(RecipientCertificate::from_pem(block.as_bytes())?);
            rest = &rest[start + end + end_marker.len()..];
        }
    } else {
        for block in text.replace("\r\n", "\n").split("\n\n") {
            let b64: String = block.chars().filter(|c| !c.is_whitespace()).collect();
            if b64.is_empty() {
                continue;
            }
            let der = base64ct::Base64::decode_vec(&b64)
                .map_err(|_| SealError::Certificate("kein Base64".to_owned()))?;
            out.push(RecipientCertificate::from_der(&der)?);
        }
    }
    if out.is_empty() {
        return Err(SealError::Certificate(
            "die Datei enthält kein Zertifikat".to_owned(),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ik_from_subjects() {
        assert_eq!(
            ik_in("CN=Datenannahme,OU=IK109905003,O=ITSG TrustCenter"),
            Some("109905003".into())
        );
        assert_eq!(ik_in("OU=IK1099050031"), None);
        assert_eq!(ik_in("OU=IK10990500"), None);
        assert_eq!(ik_in("CN=x"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(format_date(0), "01.01.1970");
        assert_eq!(format_date(1_700_000_000), "14.11.2023");
        assert_eq!(format_date(951_782_400), "29.02.2000");
    }
}

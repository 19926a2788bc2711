//! Sealing of a care billing delivery (§ 105 SGB XI): the care service's signing key from its
//! PKCS#12 file, CMS SignedData (RSASSA-PSS, SHA-256) over the optionally gzipped payload, then
//! CMS EnvelopedData (RSA-OAEP/SHA-256 key transport, AES-256-CBC) for the data acceptance
//! point's certificate. Pure Rust without I/O: the browser runs it in wasm, so the private key
//! never leaves the care service's machine.
//!
//! The outer DER framing is written by hand around the payload (one copy of a large file
//! instead of one per nesting level); the small structures (signer info, recipient info,
//! algorithm identifiers) are encoded with the RustCrypto `cms`/`der` types.
mod cert;
mod der_out;
mod envelope;
mod name;
mod pkcs12;

pub use cert::{CertificateInfo, RecipientCertificate, format_date, parse_certificate_list};
pub use envelope::{RecipientId, recipients_of};

use cms::content_info::CmsVersion;
use cms::enveloped_data::{KeyTransRecipientInfo, RecipientIdentifier, RecipientInfo};
use cms::signed_data::{SignerIdentifier, SignerInfo};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec, UtcTime};
use der::{Any, Encode};
use rsa::PrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::rand_core::TryCryptoRng;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};
use spki_compat::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use der_out::{header, tlv};

/// The `spki` types as `rsa` and `cms` see them (one version through `x509-cert`).
mod spki_compat {
    pub use x509_cert::spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier};
}

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_ENVELOPED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.3");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_RSAES_OAEP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.7");
const ID_AES256_CBC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.42");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// Why sealing (or reading the key) failed; the `Display` text is German, for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealError {
    /// The PKCS#12 password is wrong (the file's integrity check failed).
    WrongPassword,
    /// Not a PKCS#12 file this reader understands.
    Pkcs12(String),
    /// The PKCS#12 file holds no private key.
    NoKey,
    /// The PKCS#12 file holds a private key but no certificate for it.
    NoCertificate,
    /// The key is not an RSA key.
    NotRsa,
    /// The certificate in the PKCS#12 file does not belong to its key.
    KeyCertificateMismatch,
    /// A certificate could not be read.
    Certificate(String),
    /// A certificate is not valid at the given time.
    Expired {
        subject: String,
        not_after: u64,
    },
    NotYetValid {
        subject: String,
        not_before: u64,
    },
    /// A cryptographic operation failed (random source, encoding).
    Crypto(String),
}

impl std::fmt::Display for SealError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SealError::WrongPassword => f.write_str(
                "Das Passwort der PKCS#12-Datei ist falsch (oder die Datei ist beschädigt).",
            ),
            SealError::Pkcs12(e) => write!(f, "Die PKCS#12-Datei ist nicht lesbar: {e}"),
            SealError::NoKey => f.write_str("Die PKCS#12-Datei enthält keinen privaten Schlüssel."),
            SealError::NoCertificate => f.write_str(
                "Die PKCS#12-Datei enthält kein Zertifikat zu ihrem privaten Schlüssel.",
            ),
            SealError::NotRsa => f.write_str(
                "Der Schlüssel ist kein RSA-Schlüssel; die Pflegeabrechnung verlangt RSA.",
            ),
            SealError::KeyCertificateMismatch => f.write_str(
                "Das Zertifikat in der PKCS#12-Datei gehört nicht zu ihrem privaten Schlüssel.",
            ),
            SealError::Certificate(e) => write!(f, "Das Zertifikat ist nicht lesbar: {e}"),
            SealError::Expired { subject, not_after } => write!(
                f,
                "Das Zertifikat „{subject}“ ist seit {} abgelaufen.",
                cert::format_date(*not_after)
            ),
            SealError::NotYetValid {
                subject,
                not_before,
            } => write!(
                f,
                "Das Zertifikat „{subject}“ gilt erst ab {}.",
                cert::format_date(*not_before)
            ),
            SealError::Crypto(e) => write!(f, "Verschlüsselung fehlgeschlagen: {e}"),
        }
    }
}

impl std::error::Error for SealError {}

/// An RSA private key from its PKCS#8 encoding.
fn rsa_key(pkcs8: &[u8]) -> Result<PrivateKey, SealError> {
    use der::Decode as _;
    let info = rsa::pkcs8::PrivateKeyInfoRef::from_der(pkcs8)
        .map_err(|e| SealError::Pkcs12(format!("privater Schlüssel nicht lesbar ({e})")))?;
    if info.algorithm.oid != RSA_ENCRYPTION {
        return Err(SealError::NotRsa);
    }
    PrivateKey::from_pkcs8_der(pkcs8)
        .map_err(|e| SealError::Pkcs12(format!("privater Schlüssel nicht lesbar ({e})")))
}

fn crypto(e: impl std::fmt::Display) -> SealError {
    SealError::Crypto(e.to_string())
}

/// The care service's signing key with its certificate, read from its PKCS#12 file. Lives only
/// in memory for one sealing; the SPA keeps the (password-protected) file, not this.
pub struct SigningIdentity {
    key: PrivateKey,
    certificate: RecipientCertificate,
}

impl std::fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningIdentity")
            .field("certificate", &self.certificate.info().subject)
            .finish_non_exhaustive()
    }
}

impl SigningIdentity {
    /// Reads the private key with its certificate from a PKCS#12 file (PBES2/AES as OpenSSL 3
    /// writes it, or the legacy 3DES/RC2 format). The certificate is the one the file pairs
    /// with the key (`localKeyId`), else the one whose public key is the key's; others (the
    /// issuing CA's) are ignored.
    pub fn from_pkcs12(data: &[u8], password: &str) -> Result<Self, SealError> {
        let contents = pkcs12::read(data, password)?;
        let mut error = SealError::NoKey;
        for (key_id, key_der) in &contents.keys {
            let key = match rsa_key(key_der) {
                Ok(key) => key,
                Err(e) => {
                    error = e;
                    continue;
                }
            };
            let belongs = |c: &RecipientCertificate| {
                let public = c.public_key();
                public.n() == key.n() && public.e() == key.e()
            };
            let paired = key_id.as_ref().and_then(|id| {
                contents
                    .certificates
                    .iter()
                    .find(|(cert_id, _)| cert_id.as_ref() == Some(id))
            });
            if let Some((_, der)) = paired {
                let certificate = RecipientCertificate::from_der(der)?;
                if !belongs(&certificate) {
                    return Err(SealError::KeyCertificateMismatch);
                }
                return Ok(SigningIdentity { key, certificate });
            }
            // Without a pairing, certificates we cannot use (not RSA, unreadable) are skipped.
            if let Some(certificate) = contents
                .certificates
                .iter()
                .filter_map(|(_, der)| RecipientCertificate::from_der(der).ok())
                .find(belongs)
            {
                return Ok(SigningIdentity { key, certificate });
            }
            error = SealError::NoCertificate;
        }
        Err(error)
    }

    /// The sender's certificate (subject, validity, IK).
    pub fn certificate(&self) -> &RecipientCertificate {
        &self.certificate
    }
}

/// How to seal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SealOptions {
    /// Gzip the payload before signing (order file compression `02`).
    pub gzip: bool,
    /// Seconds since 1970 (UTC): written as the signing time and used to check that both
    /// certificates are valid. The browser passes `Date.now()`; a pure crate has no clock.
    pub now: u64,
}

/// A sealed delivery: the bytes to upload and the sizes for the order file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub bytes: Vec<u8>,
    /// Bytes of the plain payload (before compression).
    pub payload_size: u64,
    pub compressed: bool,
}

/// Signs `payload` with `identity` and envelopes it for `recipient`, with randomness from the
/// system (the browser's `crypto.getRandomValues` in wasm).
pub fn seal(
    payload: &[u8],
    identity: &SigningIdentity,
    recipient: &RecipientCertificate,
    options: SealOptions,
) -> Result<Sealed, SealError> {
    seal_with_rng(
        payload,
        identity,
        recipient,
        options,
        &mut getrandom::SysRng,
    )
}

/// [`seal`] with a given random source.
pub fn seal_with_rng<R: TryCryptoRng + ?Sized>(
    payload: &[u8],
    identity: &SigningIdentity,
    recipient: &RecipientCertificate,
    options: SealOptions,
    rng: &mut R,
) -> Result<Sealed, SealError> {
    identity.certificate.check_valid_at(options.now)?;
    recipient.check_valid_at(options.now)?;
    let compressed;
    let content: std::borrow::Cow<'_, [u8]> = if options.gzip {
        compressed = gzip(payload)?;
        std::borrow::Cow::Owned(compressed)
    } else {
        std::borrow::Cow::Borrowed(payload)
    };
    let signed = signed_data(&content, identity, options.now, rng)?;
    drop(content);
    let bytes = enveloped_data(signed, recipient, rng)?;
    Ok(Sealed {
        bytes,
        payload_size: payload.len() as u64,
        compressed: options.gzip,
    })
}

fn gzip(payload: &[u8]) -> Result<Vec<u8>, SealError> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(payload.len() / 4),
        flate2::Compression::default(),
    );
    encoder.write_all(payload).map_err(crypto)?;
    encoder.finish().map_err(crypto)
}

fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    }
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, SealError> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(crypto)?;
    Ok(Attribute { oid, values })
}

/// `ContentInfo { id-signedData, SignedData }` with the content attached.
fn signed_data<R: TryCryptoRng + ?Sized>(
    content: &[u8],
    identity: &SigningIdentity,
    now: u64,
    rng: &mut R,
) -> Result<Vec<u8>, SealError> {
    let digest = Sha256::digest(content);
    let mut attrs = SetOfVec::new();
    attrs
        .insert(attribute(
            ID_CONTENT_TYPE,
            Any::encode_from(&ID_DATA).map_err(crypto)?,
        )?)
        .map_err(crypto)?;
    let digest_octets = OctetString::new(digest.to_vec()).map_err(crypto)?;
    attrs
        .insert(attribute(
            ID_MESSAGE_DIGEST,
            Any::encode_from(&digest_octets).map_err(crypto)?,
        )?)
        .map_err(crypto)?;
    let time = UtcTime::from_unix_duration(std::time::Duration::from_secs(now)).map_err(crypto)?;
    attrs
        .insert(attribute(
            ID_SIGNING_TIME,
            Any::encode_from(&time).map_err(crypto)?,
        )?)
        .map_err(crypto)?;
    // The signature covers the DER of the attributes as a SET (RFC 5652 § 5.4).
    let attrs_der = attrs.to_der().map_err(crypto)?;
    let signer = rsa::pss::SigningKey::<Sha256>::new(identity.key.clone());
    let signature = signer
        .try_sign_with_rng(rng, &attrs_der)
        .map_err(crypto)?
        .to_vec();
    let signature_algorithm = signer.signature_algorithm_identifier().map_err(crypto)?;
    let cert = identity.certificate.certificate();
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(issuer_and_serial(cert)),
        digest_alg: sha256_algorithm(),
        signed_attrs: Some(attrs),
        signature_algorithm,
        signature: OctetString::new(signature).map_err(crypto)?,
        unsigned_attrs: None,
    }
    .to_der()
    .map_err(crypto)?;

    let version = tlv(0x02, &[1]);
    let digest_algorithms = tlv(0x31, &sha256_algorithm().to_der().map_err(crypto)?);
    let certificates = tlv(0xA0, identity.certificate.der());
    let signer_infos = tlv(0x31, &signer_info);
    let id_data = ID_DATA.to_der().map_err(crypto)?;
    let octets_header = header(0x04, content.len());
    let explicit_header = header(0xA0, octets_header.len() + content.len());
    let eci_len = id_data.len() + explicit_header.len() + octets_header.len() + content.len();
    let eci_header = header(0x30, eci_len);
    let signed_len = version.len()
        + digest_algorithms.len()
        + eci_header.len()
        + eci_len
        + certificates.len()
        + signer_infos.len();
    let signed_header = header(0x30, signed_len);
    let outer_explicit = header(0xA0, signed_header.len() + signed_len);
    let id_signed = ID_SIGNED_DATA.to_der().map_err(crypto)?;
    let info_len = id_signed.len() + outer_explicit.len() + signed_header.len() + signed_len;

    let mut out = Vec::with_capacity(info_len + 8);
    out.extend_from_slice(&header(0x30, info_len));
    out.extend_from_slice(&id_signed);
    out.extend_from_slice(&outer_explicit);
    out.extend_from_slice(&signed_header);
    out.extend_from_slice(&version);
    out.extend_from_slice(&digest_algorithms);
    out.extend_from_slice(&eci_header);
    out.extend_from_slice(&id_data);
    out.extend_from_slice(&explicit_header);
    out.extend_from_slice(&octets_header);
    out.extend_from_slice(content);
    out.extend_from_slice(&certificates);
    out.extend_from_slice(&signer_infos);
    Ok(out)
}

fn issuer_and_serial(cert: &Certificate) -> cms::cert::IssuerAndSerialNumber {
    let tbs = cert.tbs_certificate();
    cms::cert::IssuerAndSerialNumber {
        issuer: tbs.issuer().clone(),
        serial_number: tbs.serial_number().clone(),
    }
}

/// `ContentInfo { id-envelopedData, EnvelopedData }` around `signed` (as id-data content).
fn enveloped_data<R: TryCryptoRng + ?Sized>(
    signed: Vec<u8>,
    recipient: &RecipientCertificate,
    rng: &mut R,
) -> Result<Vec<u8>, SealError> {
    use cbc::cipher::{BlockModeEncrypt as _, KeyIvInit as _, block_padding::Pkcs7};

    let mut key = [0u8; 32];
    let mut iv = [0u8; 16];
    rng.try_fill_bytes(&mut key).map_err(crypto)?;
    rng.try_fill_bytes(&mut iv).map_err(crypto)?;

    let oaep_params = rsa::pkcs1::RsaOaepParams::new::<Sha256>();
    let key_enc_alg = AlgorithmIdentifierOwned {
        oid: ID_RSAES_OAEP,
        parameters: Some(Any::encode_from(&oaep_params).map_err(crypto)?),
    };
    let enc_key = recipient
        .public_key()
        .encrypt(rng, rsa::Oaep::<Sha256>::new(), &key)
        .map_err(crypto)?;
    let recipient_info = RecipientInfo::Ktri(KeyTransRecipientInfo {
        version: CmsVersion::V0,
        rid: RecipientIdentifier::IssuerAndSerialNumber(issuer_and_serial(recipient.certificate())),
        key_enc_alg,
        enc_key: OctetString::new(enc_key).map_err(crypto)?,
    })
    .to_der()
    .map_err(crypto)?;

    let version = tlv(0x02, &[0]);
    let recipient_infos = tlv(0x31, &recipient_info);
    let id_data = ID_DATA.to_der().map_err(crypto)?;
    let content_alg = AlgorithmIdentifierOwned {
        oid: ID_AES256_CBC,
        parameters: Some(
            Any::encode_from(&OctetString::new(iv.to_vec()).map_err(crypto)?).map_err(crypto)?,
        ),
    }
    .to_der()
    .map_err(crypto)?;
    let plain_len = signed.len();
    let cipher_len = (plain_len / 16 + 1) * 16;
    // encryptedContent [0] IMPLICIT OCTET STRING (primitive).
    let cipher_header = header(0x80, cipher_len);
    let eci_len = id_data.len() + content_alg.len() + cipher_header.len() + cipher_len;
    let eci_header = header(0x30, eci_len);
    let env_len = version.len() + recipient_infos.len() + eci_header.len() + eci_len;
    let env_header = header(0x30, env_len);
    let outer_explicit = header(0xA0, env_header.len() + env_len);
    let id_env = ID_ENVELOPED_DATA.to_der().map_err(crypto)?;
    let info_len = id_env.len() + outer_explicit.len() + env_header.len() + env_len;

    let mut out = Vec::with_capacity(info_len + 8);
    out.extend_from_slice(&header(0x30, info_len));
    out.extend_from_slice(&id_env);
    out.extend_from_slice(&outer_explicit);
    out.extend_from_slice(&env_header);
    out.extend_from_slice(&version);
    out.extend_from_slice(&recipient_infos);
    out.extend_from_slice(&eci_header);
    out.extend_from_slice(&id_data);
    out.extend_from_slice(&content_alg);
    out.extend_from_slice(&cipher_header);
    let start = out.len();
    out.extend_from_slice(&signed);
    drop(signed);
    out.resize(start + cipher_len, 0);
    let encrypted = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &iv.into())
        .encrypt_padded::<Pkcs7>(&mut out[start..], plain_len)
        .map_err(crypto)?
        .len();
    debug_assert_eq!(encrypted, cipher_len);
    key.fill(0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::der_out::header;

    #[test]
    fn der_lengths() {
        assert_eq!(header(0x04, 5), [0x04, 5]);
        assert_eq!(header(0x04, 127), [0x04, 127]);
        assert_eq!(header(0x04, 128), [0x04, 0x81, 128]);
        assert_eq!(header(0x30, 256), [0x30, 0x82, 1, 0]);
        assert_eq!(
            header(0x30, 50_000_000),
            [0x30, 0x84, 0x02, 0xFA, 0xF0, 0x80]
        );
    }
}

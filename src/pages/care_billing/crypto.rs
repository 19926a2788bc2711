//! The care billing cryptography (PKCS#12 reader, CMS signing and encryption, crate
//! `le-care-seal`) as its own wasm chunk: it is about half of the area's code and only needed
//! when a key is imported or a delivery sealed, so it is fetched then, not when the area opens.
//!
//! The chunk exports one function returning plain function pointers; nothing else in the SPA
//! may call `le_care_seal` directly, or its code would be pulled back into the area's chunk.
use leptos::wasm_split::{SplitLoaderError, wasm_split};

/// What the browser keeps about an imported key (shown in lists; the file stays protected).
#[derive(Debug, Clone)]
pub struct KeyInfo {
    pub subject: String,
    pub ik: String,
    /// `TT.MM.JJJJ`.
    pub valid_until: String,
}

/// Why the crypto failed, in German; `WrongPassword` belongs next to the password field.
#[derive(Debug, Clone)]
pub enum CryptoError {
    WrongPassword(String),
    Other(String),
}

impl CryptoError {
    pub fn message(&self) -> &str {
        match self {
            CryptoError::WrongPassword(m) | CryptoError::Other(m) => m,
        }
    }
}

/// What a delivery is sealed from.
pub struct SealInput<'a> {
    /// The data acceptance point's certificate (PEM, from the server).
    pub recipient_pem: &'a str,
    /// The care service's PKCS#12 file (from this browser's storage) and its password.
    pub pkcs12: &'a [u8],
    pub password: &'a str,
    pub payload: &'a [u8],
    pub gzip: bool,
    /// Seconds since 1970 (UTC).
    pub now: u64,
}

/// The sealed file to upload.
pub struct SealedFile {
    pub bytes: Vec<u8>,
    /// Bytes of the plain payload (before compression), for the order file.
    pub payload_size: u64,
}

/// The chunk's functions.
#[derive(Clone, Copy)]
pub struct Crypto {
    /// Reads a PKCS#12 file with its password and checks that its certificate is valid now.
    pub check_key: fn(&[u8], &str, u64) -> Result<KeyInfo, CryptoError>,
    /// Signs and envelopes a payload.
    pub seal: fn(&SealInput<'_>) -> Result<SealedFile, CryptoError>,
}

/// The German line shown while the chunk is fetched.
pub const LOADING: &str = "Das Verschlüsselungsmodul wird geladen …";

/// Fetches the crypto chunk (once per tab; later calls answer at once).
pub async fn load() -> Result<Crypto, String> {
    crypto().await.map_err(|_| {
        "Das Verschlüsselungsmodul konnte nicht geladen werden. Bitte prüfen Sie die Verbindung und laden Sie die Seite neu."
            .to_owned()
    })
}

// `fallible`: a chunk that cannot be fetched is an error we show, not a panic.
#[wasm_split(care_seal, wasm_split_path = ::leptos::wasm_split, fallible)]
fn crypto() -> Result<Crypto, SplitLoaderError> {
    Ok(Crypto { check_key, seal })
}

fn error(e: le_care_seal::SealError) -> CryptoError {
    if e == le_care_seal::SealError::WrongPassword {
        CryptoError::WrongPassword(e.to_string())
    } else {
        CryptoError::Other(e.to_string())
    }
}

fn check_key(pkcs12: &[u8], password: &str, now: u64) -> Result<KeyInfo, CryptoError> {
    let identity = le_care_seal::SigningIdentity::from_pkcs12(pkcs12, password).map_err(error)?;
    let certificate = identity.certificate();
    certificate.check_valid_at(now).map_err(error)?;
    let info = certificate.info();
    Ok(KeyInfo {
        subject: info.subject.clone(),
        ik: info.ik.clone().unwrap_or_default(),
        valid_until: le_care_seal::format_date(info.not_after),
    })
}

fn seal(input: &SealInput<'_>) -> Result<SealedFile, CryptoError> {
    let recipient = le_care_seal::RecipientCertificate::from_pem(input.recipient_pem.as_bytes())
        .map_err(error)?;
    let identity =
        le_care_seal::SigningIdentity::from_pkcs12(input.pkcs12, input.password).map_err(error)?;
    let sealed = le_care_seal::seal(
        input.payload,
        &identity,
        &recipient,
        le_care_seal::SealOptions {
            gzip: input.gzip,
            now: input.now,
        },
    )
    .map_err(error)?;
    Ok(SealedFile {
        payload_size: sealed.payload_size,
        bytes: sealed.bytes,
    })
}

//! Cryptographic building blocks: random values, password hashing (Argon2id), TOTP (RFC 6238),
//! and encryption of stored secrets. All from well-kept crates; nothing hand-rolled.
use std::path::Path;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use le_domain::access::READABLE_ALPHABET;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Fills a buffer from the operating system's random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS source failing is not recoverable for a security service.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut buf).expect("operating-system random source unavailable");
    buf
}

/// A random code of `len` characters from the readable alphabet (no 0/O, 1/l/I).
pub fn readable_code(len: usize) -> String {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<32>() {
            // Rejection sampling keeps every character equally likely.
            let limit = 256 - (256 % READABLE_ALPHABET.len());
            if usize::from(b) < limit && out.len() < len {
                out.push(char::from(
                    READABLE_ALPHABET[usize::from(b) % READABLE_ALPHABET.len()],
                ));
            }
        }
    }
    out
}

/// A one-time password: 16 readable characters in groups of four.
pub fn one_time_password() -> String {
    le_domain::access::group_by_four(&readable_code(16), '-')
}

/// A one-time set-up code after a second-factor reset: 12 readable characters in groups of four.
pub fn enrolment_code() -> String {
    le_domain::access::group_by_four(&readable_code(12), '-')
}

/// An opaque token for cookies and CSRF (256 bits, URL-safe base64).
pub fn token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// SHA-256 hex of a token: what the database stores instead of the token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Argon2id hash (PHC string) of a password.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Constant-time check of a password against its stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when the user does not exist, so both paths cost the same.
pub fn dummy_password_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no user has this password").unwrap_or_default())
}

/// TOTP profile that every common app accepts: SHA-1, 6 digits, 30 s.
pub const TOTP_STEP: i64 = 30;
pub const TOTP_ISSUER: &str = "LE-Portal";

fn totp(secret: &[u8], account: &str) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret.to_vec())
        .with_issuer(Some(TOTP_ISSUER))
        .with_account_name(account)
        .build()
        .ok()
}

/// A new 160-bit TOTP key.
pub fn new_totp_secret() -> [u8; 20] {
    random_bytes::<20>()
}

/// Base32 (RFC 4648, no padding) of a TOTP key, as apps expect it.
pub fn base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

/// `otpauth://totp/…` URI for QR codes.
pub fn otpauth_uri(secret: &[u8], account: &str) -> String {
    totp(secret, account)
        .and_then(|t| t.to_url().ok())
        .unwrap_or_default()
}

/// The code for one time step.
pub fn totp_code_at(secret: &[u8], unix: i64) -> String {
    let time = u64::try_from(unix).unwrap_or(0);
    totp(secret, "x")
        .map(|t| t.generate(time).to_string())
        .unwrap_or_default()
}

/// The time step (±1) whose code equals `code` and is newer than `last_step`, if any.
pub fn verify_totp(secret: &[u8], code: &str, now: i64, last_step: i64) -> Option<i64> {
    let current = now.div_euclid(TOTP_STEP);
    (current - 1..=current + 1)
        .filter(|step| *step > last_step)
        .find(|step| {
            let expected = totp_code_at(secret, step * TOTP_STEP);
            constant_time_eq(expected.as_bytes(), code.as_bytes())
        })
}

/// The time step (within ±1 of now) whose code `code` is, whether or not it was used already.
pub fn totp_step_of(secret: &[u8], code: &str, now: i64) -> Option<i64> {
    verify_totp(secret, code, now, i64::MIN)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Encrypts secrets at rest with a key kept outside the database.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> Self {
        SecretBox {
            cipher: ChaCha20Poly1305::new(Key::from_slice(key)),
        }
    }

    /// Loads the key file, creating it (owner-only) with a random key when missing.
    pub fn from_key_file(path: &Path) -> std::io::Result<Self> {
        if !path.exists() {
            let key = random_bytes::<32>();
            write_private(path, &key)?;
            return Ok(SecretBox::new(&key));
        }
        Self::from_existing_key_file(path)
    }

    /// Reads the key of a cluster of instances: the file must exist (an instance never makes its
    /// own key there, or its TOTP secrets could not be read by the others).
    pub fn from_existing_key_file(path: &Path) -> std::io::Result<Self> {
        if let Ok(existing) = std::fs::read(path) {
            let key: [u8; 32] = existing.as_slice().try_into().map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} must hold exactly 32 bytes", path.display()),
                )
            })?;
            return Ok(SecretBox::new(&key));
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("secret key file {} missing", path.display()),
        ))
    }

    /// nonce (12 bytes) || ciphertext with tag.
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let nonce = random_bytes::<12>();
        let mut out = nonce.to_vec();
        // Encryption with a valid key cannot fail for in-memory buffers.
        if let Ok(ct) = self.cipher.encrypt(Nonce::from_slice(&nonce), plaintext) {
            out.extend_from_slice(&ct);
        }
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < 12 + 16 {
            return None;
        }
        let (nonce, ct) = sealed.split_at(12);
        self.cipher.decrypt(Nonce::from_slice(nonce), ct).ok()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 (8-digit codes; six-digit codes are their last six digits).
    #[test]
    fn rfc6238_vectors() {
        let seed = b"12345678901234567890";
        for (t, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(totp_code_at(seed, t), eight[2..], "T={t}");
        }
    }

    #[test]
    fn totp_accepts_one_step_either_side_and_never_a_used_step() {
        let secret = new_totp_secret();
        let now = 1_800_000_000;
        let step = now / TOTP_STEP;
        let previous = totp_code_at(&secret, now - TOTP_STEP);
        let next = totp_code_at(&secret, now + TOTP_STEP);
        let too_old = totp_code_at(&secret, now - 2 * TOTP_STEP);
        assert_eq!(verify_totp(&secret, &previous, now, 0), Some(step - 1));
        assert_eq!(verify_totp(&secret, &next, now, 0), Some(step + 1));
        assert_eq!(verify_totp(&secret, &too_old, now, 0), None);
        assert_eq!(
            verify_totp(&secret, &previous, now, step - 1),
            None,
            "replay"
        );
    }

    #[test]
    fn passwords_and_secret_box() {
        let hash = hash_password("ein langes Passwort").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("ein langes Passwort", &hash));
        assert!(!verify_password("ein langes passwort", &hash));
        let sb = SecretBox::new(&[7u8; 32]);
        let sealed = sb.seal(b"geheim");
        assert_eq!(sb.open(&sealed).unwrap(), b"geheim");
        assert!(SecretBox::new(&[8u8; 32]).open(&sealed).is_none());
        let otp = one_time_password();
        assert_eq!(otp.len(), 19);
        assert!(
            otp.chars()
                .all(|c| c == '-' || READABLE_ALPHABET.contains(&(c as u8)))
        );
        assert_eq!(
            base32(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
    }
}

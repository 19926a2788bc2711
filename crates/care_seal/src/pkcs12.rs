//! The PKCS#12 reader (RFC 7292): the care service's private key and certificate from its
//! password-protected file, on the RustCrypto types the sealing code already links (`der`,
//! `cms`, `x509-cert`, `pkcs5`, `pkcs12`), so the crypto chunk carries one ASN.1 stack.
//!
//! Reads what `openssl pkcs12 -export` writes today (PBES2: PBKDF2-HMAC-SHA256 with AES-CBC,
//! HMAC-SHA256 integrity) and with `-legacy` (PKCS#12 PBE: 3DES for the key, RC2-40 for the
//! certificates, HMAC-SHA1). The MAC is checked before anything is decrypted, so a wrong password
//! is told apart from a damaged or foreign file.
use cbc::cipher::{BlockCipherDecrypt, BlockModeDecrypt as _, KeyInit, KeyIvInit as _};
use cms::content_info::ContentInfo;
use cms::encrypted_data::EncryptedData;
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Tag, TagNumber, Tagged as _};
use hmac::Mac as _;
use hmac::digest::block_api::BlockSizeUser;
use hmac::digest::{Digest, FixedOutputReset};
use pkcs5::pbes2::{self, EncryptionScheme, Kdf, Pbkdf2Prf};
use pkcs12::kdf::{Pkcs12KeyType, derive_key};
use pkcs12::safe_bag::{SafeBag, SafeContents};
use pkcs12::{CertBag, MacData, Pfx};
use sha1::Sha1;
use sha2::Sha256;
use x509_cert::spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use crate::SealError;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const ID_LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");

/// Bounds on the iteration counts a file may ask for: OpenSSL writes 2,048 and tools that
/// follow current advice up to 600,000; a count beyond this would only stall the browser.
const MAX_ITERATIONS: u32 = 10_000_000;
/// Nesting of safe-contents bags (the format allows it; nobody needs more).
const MAX_DEPTH: u8 = 4;

/// The `localKeyId` attribute of a bag, which pairs a key with its certificate.
pub(crate) type LocalKeyId = Option<Vec<u8>>;

/// The private keys (PKCS#8 DER) and certificates (DER) of a PKCS#12 file.
#[derive(Default)]
pub(crate) struct Contents {
    pub keys: Vec<(LocalKeyId, Zeroizing<Vec<u8>>)>,
    pub certificates: Vec<(LocalKeyId, Vec<u8>)>,
}

fn unreadable(what: impl std::fmt::Display) -> SealError {
    SealError::Pkcs12(what.to_string())
}

fn unsupported(what: &str) -> SealError {
    SealError::Pkcs12(format!("{what} wird nicht unterstützt"))
}

fn structure(e: der::Error) -> SealError {
    unreadable(format_args!("Aufbau fehlerhaft ({e})"))
}

/// The password in the two forms the file's algorithms use: UTF-8 for PBES2, and for the
/// PKCS#12 KDF (MAC and legacy PBE) UTF-16 big-endian with a two-byte terminator (RFC 7292
/// appendix B.1; outside the BMP as surrogate pairs, as OpenSSL writes them).
struct Password<'a> {
    utf8: &'a [u8],
    bmp: Zeroizing<Vec<u8>>,
}

impl<'a> Password<'a> {
    fn new(password: &'a str) -> Self {
        let mut bmp = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
        for unit in password.encode_utf16() {
            bmp.extend_from_slice(&unit.to_be_bytes());
        }
        bmp.extend_from_slice(&[0, 0]);
        Password {
            utf8: password.as_bytes(),
            bmp,
        }
    }
}

fn iterations(count: i64) -> Result<u32, SealError> {
    u32::try_from(count)
        .ok()
        .filter(|n| (1..=MAX_ITERATIONS).contains(n))
        .ok_or_else(|| unreadable(format_args!("unzulässige Iterationszahl {count}")))
}

/// Reads the keys and certificates of a PKCS#12 file, checking its MAC with `password` first.
pub(crate) fn read(data: &[u8], password: &str) -> Result<Contents, SealError> {
    let pfx =
        Pfx::from_der(data).map_err(|e| unreadable(format_args!("kein PKCS#12-Format ({e})")))?;
    if pfx.auth_safe.content_type != ID_DATA {
        // Public-key integrity mode (signedData), which no common tool writes.
        return Err(unsupported(
            "Eine PKCS#12-Datei mit Signatur statt Passwort-MAC",
        ));
    }
    let auth_safe = pfx
        .auth_safe
        .content
        .decode_as::<OctetString>()
        .map_err(structure)?;
    let auth_safe = auth_safe.as_bytes();
    let mut password = Password::new(password);
    match &pfx.mac_data {
        Some(mac) => {
            let verified = verify_mac(mac, auth_safe, &password.bmp)?
                // An empty password is written by some tools without its terminator; OpenSSL
                // tries both forms, and so do we.
                || (password.utf8.is_empty() && {
                    password.bmp = Zeroizing::new(Vec::new());
                    verify_mac(mac, auth_safe, &password.bmp)?
                });
            if !verified {
                return Err(SealError::WrongPassword);
            }
        }
        None if password.utf8.is_empty() => password.bmp = Zeroizing::new(Vec::new()),
        None => {}
    }
    let mut contents = Contents::default();
    for info in Vec::<ContentInfo>::from_der(auth_safe).map_err(structure)? {
        let (safe, decrypted) = match info.content_type {
            ID_DATA => (
                Zeroizing::new(
                    info.content
                        .decode_as::<OctetString>()
                        .map_err(structure)?
                        .into_bytes()
                        .into_vec(),
                ),
                false,
            ),
            ID_ENCRYPTED_DATA => {
                let encrypted = info
                    .content
                    .decode_as::<EncryptedData>()
                    .map_err(structure)?
                    .enc_content_info;
                let Some(ciphertext) = encrypted.encrypted_content else {
                    continue;
                };
                let safe = decrypt(&encrypted.content_enc_alg, ciphertext.as_bytes(), &password)?;
                (safe, true)
            }
            // Enveloped (public-key privacy mode) or unknown: nothing for us in it.
            _ => continue,
        };
        read_bags(&safe, decrypted, &password, &mut contents, 0)?;
    }
    Ok(contents)
}

fn verify_mac(mac: &MacData, auth_safe: &[u8], bmp: &[u8]) -> Result<bool, SealError> {
    fn check<D>(mac: &MacData, data: &[u8], bmp: &[u8], rounds: i32) -> bool
    where
        D: Digest + FixedOutputReset + BlockSizeUser + hmac::EagerHash,
    {
        let size = <D as Digest>::output_size();
        let key = Zeroizing::new(derive_key::<D>(
            bmp,
            mac.mac_salt.as_bytes(),
            Pkcs12KeyType::Mac,
            rounds,
            size,
        ));
        let Ok(mut hmac) = hmac::Hmac::<D>::new_from_slice(&key) else {
            return false;
        };
        hmac.update(data);
        hmac.verify_slice(mac.mac.digest.as_bytes()).is_ok()
    }
    let rounds = i32::try_from(iterations(i64::from(mac.iterations))?)
        .map_err(|_| unreadable("unzulässige Iterationszahl"))?;
    // The MAC does not cover its own fields: the digest's parameters are absent or NULL.
    if mac
        .mac
        .algorithm
        .parameters
        .as_ref()
        .is_some_and(|p| !p.is_null())
    {
        return Err(unreadable("Aufbau fehlerhaft (MAC-Parameter)"));
    }
    match mac.mac.algorithm.oid {
        ID_SHA1 => Ok(check::<Sha1>(mac, auth_safe, bmp, rounds)),
        ID_SHA256 => Ok(check::<Sha256>(mac, auth_safe, bmp, rounds)),
        other => Err(unsupported(&format!("Das MAC-Verfahren {other}"))),
    }
}

/// The content of a bag's `[0] EXPLICIT` value.
fn explicit_content(value: &[u8]) -> der::Result<&[u8]> {
    let any = der::AnyRef::from_der(value)?;
    let expected = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber(0),
    };
    if any.tag() != expected {
        return Err(any.tag().unexpected_error(Some(expected)).into());
    }
    Ok(any.value())
}

fn local_key_id(bag: &SafeBag) -> LocalKeyId {
    let attribute = bag
        .bag_attributes
        .as_ref()?
        .iter()
        .find(|a| a.oid == ID_LOCAL_KEY_ID)?;
    Some(attribute.values.iter().next()?.value().to_vec())
}

/// Reads a `SafeContents`. When it was `decrypted`, content that does not parse means a
/// wrong password (a file without MAC) or a damaged file, and is reported as such.
fn read_bags(
    safe: &[u8],
    decrypted: bool,
    password: &Password<'_>,
    contents: &mut Contents,
    depth: u8,
) -> Result<(), SealError> {
    use pkcs12::{
        PKCS_12_CERT_BAG_OID, PKCS_12_KEY_BAG_OID, PKCS_12_PKCS8_KEY_BAG_OID,
        PKCS_12_SAFE_CONTENTS_BAG_OID, PKCS_12_X509_CERT_OID,
    };
    if depth > MAX_DEPTH {
        return Err(unreadable("zu tief geschachtelt"));
    }
    let malformed = |e: der::Error| {
        if decrypted {
            SealError::WrongPassword
        } else {
            structure(e)
        }
    };
    for bag in SafeContents::from_der(safe).map_err(malformed)? {
        let value = explicit_content(&bag.bag_value).map_err(malformed)?;
        match bag.bag_id {
            PKCS_12_KEY_BAG_OID => contents
                .keys
                .push((local_key_id(&bag), Zeroizing::new(value.to_vec()))),
            PKCS_12_PKCS8_KEY_BAG_OID => {
                let shrouded = pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(value)
                    .map_err(malformed)?;
                let key = decrypt(
                    &shrouded.encryption_algorithm,
                    shrouded.encrypted_data.as_bytes(),
                    password,
                )?;
                // Garbage with valid padding (a wrong password without MAC, 1 in 256).
                if rsa::pkcs8::PrivateKeyInfoRef::from_der(&key).is_err() {
                    return Err(SealError::WrongPassword);
                }
                contents.keys.push((local_key_id(&bag), key));
            }
            PKCS_12_CERT_BAG_OID => {
                let cert = CertBag::from_der(value).map_err(malformed)?;
                // SDSI certificates or others: not what the exchange uses.
                if cert.cert_id == PKCS_12_X509_CERT_OID {
                    contents
                        .certificates
                        .push((local_key_id(&bag), cert.cert_value.into_bytes().into_vec()));
                }
            }
            PKCS_12_SAFE_CONTENTS_BAG_OID => {
                read_bags(value, decrypted, password, contents, depth + 1)?;
            }
            // CRLs and secrets.
            _ => {}
        }
    }
    Ok(())
}

/// Decrypts with a password-based scheme: PBES2 (PBKDF2 with HMAC-SHA1/SHA-256, AES-CBC) or
/// the PKCS#12 PBE with SHA-1 (3DES, RC2-40, RC2-128).
fn decrypt(
    algorithm: &AlgorithmIdentifierOwned,
    ciphertext: &[u8],
    password: &Password<'_>,
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    use pkcs12::{
        PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC as PBE_SHA1_3DES,
        PKCS_12_PBE_WITH_SHAAND128_BIT_RC2_CBC as PBE_SHA1_RC2_128,
        PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC as PBE_SHA1_RC2_40,
    };
    let parameters = algorithm
        .parameters
        .as_ref()
        .ok_or_else(|| unreadable("Verschlüsselungsparameter fehlen"))?;
    match algorithm.oid {
        ID_PBES2 => {
            let params = pbes2::Parameters::try_from(parameters.to_ref())
                .map_err(|e| unsupported(&format!("Das Verfahren ({e})")))?;
            pbes2_decrypt(&params, ciphertext, password.utf8)
        }
        PBE_SHA1_3DES => pbe_decrypt::<des::TdesEde3>(parameters, 24, ciphertext, password),
        PBE_SHA1_RC2_40 => pbe_decrypt::<rc2::Rc2>(parameters, 5, ciphertext, password),
        PBE_SHA1_RC2_128 => pbe_decrypt::<rc2::Rc2>(parameters, 16, ciphertext, password),
        other => Err(unsupported(&format!(
            "Das Verschlüsselungsverfahren {other}"
        ))),
    }
}

fn pbes2_decrypt(
    params: &pbes2::Parameters,
    ciphertext: &[u8],
    password: &[u8],
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    let Kdf::Pbkdf2(kdf) = &params.kdf else {
        return Err(unsupported("Die Schlüsselableitung scrypt"));
    };
    let rounds = iterations(i64::from(kdf.iteration_count))?;
    let (key_len, iv) = match params.encryption {
        EncryptionScheme::Aes128Cbc { iv } => (16, iv),
        EncryptionScheme::Aes192Cbc { iv } => (24, iv),
        EncryptionScheme::Aes256Cbc { iv } => (32, iv),
        _ => return Err(unsupported("Das Verschlüsselungsverfahren AES-GCM")),
    };
    if kdf.key_length.is_some_and(|l| usize::from(l) != key_len) {
        return Err(unreadable("Schlüssellänge passt nicht zum Verfahren"));
    }
    let mut key = Zeroizing::new(vec![0u8; key_len]);
    let salt = kdf.salt.as_bytes();
    match kdf.prf {
        Pbkdf2Prf::HmacWithSha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, rounds, &mut key),
        Pbkdf2Prf::HmacWithSha256 => {
            pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, rounds, &mut key);
        }
        other => return Err(unsupported(&format!("Die Schlüsselableitung {other:?}"))),
    }
    match key_len {
        16 => cbc_decrypt::<aes::Aes128>(&key, &iv, ciphertext),
        24 => cbc_decrypt::<aes::Aes192>(&key, &iv, ciphertext),
        _ => cbc_decrypt::<aes::Aes256>(&key, &iv, ciphertext),
    }
}

/// PKCS#12 PBE (RFC 7292 appendix C): key and IV from the PKCS#12 KDF with SHA-1.
fn pbe_decrypt<C: BlockCipherDecrypt + KeyInit>(
    parameters: &der::Any,
    key_len: usize,
    ciphertext: &[u8],
    password: &Password<'_>,
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    let params = parameters
        .decode_as::<pkcs12::pbe_params::Pkcs12PbeParams>()
        .map_err(structure)?;
    let rounds = i32::try_from(iterations(i64::from(params.iterations))?)
        .map_err(|_| unreadable("unzulässige Iterationszahl"))?;
    let salt = params.salt.as_bytes();
    let key = Zeroizing::new(derive_key::<Sha1>(
        &password.bmp,
        salt,
        Pkcs12KeyType::EncryptionKey,
        rounds,
        key_len,
    ));
    let iv = derive_key::<Sha1>(&password.bmp, salt, Pkcs12KeyType::Iv, rounds, 8);
    cbc_decrypt::<C>(&key, &iv, ciphertext)
}

fn cbc_decrypt<C: BlockCipherDecrypt + KeyInit>(
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv)
        .map_err(|_| unreadable("Schlüssel- oder IV-Länge"))?;
    // With the MAC verified, bad padding means a damaged file or a second password for the
    // contents; without a MAC it is the only sign of a wrong password.
    decryptor
        .decrypt_padded_vec::<cbc::cipher::block_padding::Pkcs7>(ciphertext)
        .map(Zeroizing::new)
        .map_err(|_| SealError::WrongPassword)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciphertexts_of_no_or_partial_blocks_are_refused() {
        for ciphertext in [&[][..], &[7u8; 5][..], &[7u8; 8][..], &[7u8; 17][..]] {
            assert!(cbc_decrypt::<aes::Aes256>(&[1; 32], &[2; 16], ciphertext).is_err());
            assert!(cbc_decrypt::<des::TdesEde3>(&[1; 24], &[2; 8], ciphertext).is_err());
        }
        assert!(cbc_decrypt::<rc2::Rc2>(&[], &[2; 8], &[0; 8]).is_err());
    }

    #[test]
    fn the_password_forms() {
        let p = Password::new("ä🔑");
        assert_eq!(p.utf8, "ä🔑".as_bytes());
        assert_eq!(*p.bmp, [0x00, 0xE4, 0xD8, 0x3D, 0xDD, 0x11, 0, 0]);
        assert_eq!(*Password::new("").bmp, [0, 0]);
    }

    #[test]
    fn iteration_counts_are_bounded() {
        assert!(iterations(0).is_err());
        assert!(iterations(-1).is_err());
        assert_eq!(iterations(2048).ok(), Some(2048));
        assert!(iterations(i64::from(MAX_ITERATIONS) + 1).is_err());
    }
}

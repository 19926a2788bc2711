//! The independent check of the cryptography: certificates and PKCS#12 files made by the
//! `openssl` command line, sealed by this crate, opened again by `openssl cms -decrypt` and
//! `openssl cms -verify`; the bytes must be the payload's, and a tampered file must fail.
mod support;

use std::process::Command;

use le_care_seal::{RecipientId, SealError, SealOptions, SigningIdentity, recipients_of, seal};
use support::{Pki, now, ok, openssl_available, run};

fn payload() -> Vec<u8> {
    // Text with umlauts in ISO-8859-1 and every byte value, longer than one AES block.
    let mut p = b"UNH+1+PLGA:2:0:0'\xc4rztin M\xfcller'".to_vec();
    p.extend((0..=255u8).cycle().take(70_001));
    p
}

#[test]
fn openssl_opens_and_verifies_what_the_crate_sealed() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new();
    let recipient = pki.recipient();
    assert_eq!(recipient.info().ik.as_deref(), Some("109905003"));
    for (file, extra) in [
        ("aes.p12", &[][..]),
        // The legacy format (3DES key bag, RC2 certificates, SHA-1 MAC).
        ("legacy.p12", &["-legacy"][..]),
        (
            "3des.p12",
            &[
                "-keypbe",
                "PBE-SHA1-3DES",
                "-certpbe",
                "PBE-SHA1-3DES",
                "-macalg",
                "sha1",
            ][..],
        ),
    ] {
        let p12 = pki.pkcs12(file, extra);
        let identity = SigningIdentity::from_pkcs12(&p12, "geheim ü")
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            identity.certificate().info().ik.as_deref(),
            Some("460512349")
        );
        let data = payload();
        let sealed = seal(
            &data,
            &identity,
            &recipient,
            SealOptions {
                gzip: false,
                now: now(),
            },
        )
        .expect("seal");
        assert!(!sealed.compressed);
        assert_eq!(sealed.payload_size, data.len() as u64);
        assert_eq!(pki.open(&sealed.bytes).expect("verifies"), data, "{file}");
    }
}

#[test]
fn the_recipient_is_read_back_from_the_first_bytes_of_a_sealed_file() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new();
    let recipient = pki.recipient();
    let expected = RecipientId {
        issuer: recipient.info().issuer.clone(),
        serial: recipient.info().serial.clone(),
    };
    let identity =
        SigningIdentity::from_pkcs12(&pki.pkcs12("a.p12", &[]), "geheim ü").expect("identity");
    let sealed = seal(
        &payload(),
        &identity,
        &recipient,
        SealOptions {
            gzip: false,
            now: now(),
        },
    )
    .expect("seal");
    // The server reads only the first 64 KB.
    let head = &sealed.bytes[..sealed.bytes.len().min(64 * 1024)];
    assert_eq!(
        recipients_of(head).expect("recipient"),
        std::slice::from_ref(&expected)
    );
    // A file enveloped by openssl itself (BER, indefinite lengths) names the same certificate.
    std::fs::write(pki.path("plain.bin"), payload()).expect("write");
    ok(
        pki.dir.path(),
        &[
            "cms",
            "-encrypt",
            "-binary",
            "-aes256",
            "-in",
            "plain.bin",
            "-recip",
            "recipient.pem",
            "-outform",
            "DER",
            "-out",
            "openssl.p7m",
        ],
    );
    let by_openssl = std::fs::read(pki.path("openssl.p7m")).expect("read");
    assert_eq!(recipients_of(&by_openssl).expect("recipient"), [expected]);
    // Anything else is refused, never a panic.
    assert!(recipients_of(b"verschluesselt").is_err());
    assert!(recipients_of(&sealed.bytes[..40]).is_err());
    assert!(recipients_of(&[]).is_err());
}

#[test]
fn gzip_before_signing_recovers_the_payload_after_gunzip() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new();
    let identity =
        SigningIdentity::from_pkcs12(&pki.pkcs12("a.p12", &[]), "geheim ü").expect("identity");
    let data = payload();
    let sealed = seal(
        &data,
        &identity,
        &pki.recipient(),
        SealOptions {
            gzip: true,
            now: now(),
        },
    )
    .expect("seal");
    assert!(sealed.compressed);
    let gz = pki.open(&sealed.bytes).expect("verifies");
    assert_eq!(&gz[..2], b"\x1f\x8b", "gzip magic");
    let out = Command::new("gzip")
        .args(["-dc"])
        .stdin(std::fs::File::open(pki.path("plain.out")).expect("open"))
        .output()
        .expect("gzip runs");
    assert_eq!(out.stdout, data);
}

#[test]
fn a_tampered_file_fails_verification() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new();
    let identity =
        SigningIdentity::from_pkcs12(&pki.pkcs12("a.p12", &[]), "geheim ü").expect("identity");
    let data = payload();
    let sealed = seal(
        &data,
        &identity,
        &pki.recipient(),
        SealOptions {
            gzip: false,
            now: now(),
        },
    )
    .expect("seal");
    pki.open(&sealed.bytes)
        .expect("the untouched file verifies");
    // Change one payload byte inside the signed data (after decryption) and verify again.
    let mut signed = std::fs::read(pki.path("signed.p7s")).expect("signed");
    let at = signed
        .windows(17)
        .position(|w| w == b"UNH+1+PLGA:2:0:0'")
        .expect("payload inside");
    signed[at] ^= 0x01;
    std::fs::write(pki.path("tampered.p7s"), &signed).expect("write");
    let err = pki
        .verify("tampered.p7s")
        .expect_err("tampered content must not verify");
    assert!(
        err.contains("digest failure") || err.contains("erification failure"),
        "{err}"
    );
    // A flipped ciphertext byte breaks decryption or verification, never yields the payload.
    let mut enc = sealed.bytes.clone();
    let n = enc.len();
    enc[n - 40] ^= 0x80;
    std::fs::write(pki.path("bad.p7m"), &enc).expect("write");
    let out = run(
        pki.dir.path(),
        &[
            "cms",
            "-decrypt",
            "-inform",
            "DER",
            "-in",
            "bad.p7m",
            "-recip",
            "recipient.pem",
            "-inkey",
            "recipient.key",
            "-out",
            "bad.p7s",
        ],
    );
    if out.status.success() {
        assert!(pki.verify("bad.p7s").is_err());
    }
}

#[test]
fn wrong_password_expired_and_foreign_certificates_are_refused() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new();
    let p12 = pki.pkcs12("a.p12", &[]);
    assert_eq!(
        SigningIdentity::from_pkcs12(&p12, "falsch").expect_err("wrong password"),
        SealError::WrongPassword
    );
    assert!(matches!(
        SigningIdentity::from_pkcs12(b"not a pkcs12 file", "x"),
        Err(SealError::Pkcs12(_))
    ));
    let identity = SigningIdentity::from_pkcs12(&p12, "geheim ü").expect("identity");
    let after_expiry = SealOptions {
        gzip: false,
        now: now() + 2 * 365 * 86_400,
    };
    let err = seal(b"x", &identity, &pki.recipient(), after_expiry).expect_err("expired");
    assert!(matches!(err, SealError::Expired { .. }), "{err:?}");
    assert!(err.to_string().contains("abgelaufen"), "{err}");
}

#[test]
fn key_lists_in_pem_der_and_bare_base64() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new();
    let pem_r = std::fs::read_to_string(pki.path("recipient.pem")).expect("pem");
    let pem_s = std::fs::read_to_string(pki.path("sender.pem")).expect("pem");
    let both = le_care_seal::parse_certificate_list(format!("{pem_r}\n{pem_s}").as_bytes())
        .expect("two PEM");
    assert_eq!(both.len(), 2);
    let der = pki.recipient().der().to_vec();
    assert_eq!(
        le_care_seal::parse_certificate_list(&der).expect("der")[0]
            .info()
            .sha256,
        pki.recipient().info().sha256
    );
    // The GKV list form: base64 bodies separated by blank lines, no armour.
    let bare = |pem: &str| {
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let list = format!("{}\n\n{}\n", bare(&pem_r), bare(&pem_s));
    let parsed = le_care_seal::parse_certificate_list(list.as_bytes()).expect("bare list");
    assert_eq!(
        parsed
            .iter()
            .map(|c| c.info().ik.clone())
            .collect::<Vec<_>>(),
        [Some("109905003".into()), Some("460512349".into())]
    );
    assert!(le_care_seal::parse_certificate_list(b"hello\n\nworld").is_err());
}

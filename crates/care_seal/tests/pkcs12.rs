//! The PKCS#12 reader against files the `openssl` command line writes at test time: today's
//! default (PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, HMAC-SHA256 MAC), `-legacy` (3DES key
//! bag, RC2-40 certificates, HMAC-SHA1 MAC) and their variants; the errors people see for a wrong
//! password or an incomplete file; and damaged or random input, which must be refused, never
//! panic.
mod support;

use le_care_seal::{RecipientCertificate, SealError, SigningIdentity};
use support::{Pki, openssl_available, run};

const PASSWORD: &str = "geheim ü";

/// What `openssl pkcs12 -info` says of a file (its algorithms), so each case below is shown to
/// be the format it claims to be.
fn info(pki: &Pki, file: &str, password: &str) -> String {
    let passin = format!("pass:{password}");
    let out = run(
        pki.dir.path(),
        &[
            "pkcs12", "-info", "-noout", "-legacy", "-in", file, "-passin", &passin,
        ],
    );
    assert!(
        out.status.success(),
        "openssl cannot read {file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // OpenSSL prints the algorithms on stderr.
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn sender(pki: &Pki) -> RecipientCertificate {
    RecipientCertificate::from_pem(&std::fs::read(pki.path("sender.pem")).expect("pem"))
        .expect("sender certificate")
}

/// The sender's key and certificate with the CA's certificate beside them.
const SENDER: [&str; 6] = [
    "-in",
    "sender.pem",
    "-inkey",
    "sender.key",
    "-certfile",
    "ca.pem",
];

#[test]
fn files_written_by_openssl_are_read_and_a_wrong_password_is_told() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new();
    let expected = sender(&pki).info().sha256.clone();
    // (file, password, options, what `openssl pkcs12 -info` must report)
    let cases: &[(&str, &str, &[&str], &[&str])] = &[
        (
            "modern.p12",
            PASSWORD,
            &[],
            &["PBES2, PBKDF2, AES-256-CBC", "MAC: sha256"],
        ),
        (
            "legacy.p12",
            PASSWORD,
            &["-legacy"],
            &[
                "pbeWithSHA1And3-KeyTripleDES-CBC",
                "pbeWithSHA1And40BitRC2-CBC",
                "MAC: sha1",
            ],
        ),
        (
            "aes128-sha1mac.p12",
            PASSWORD,
            &[
                "-keypbe",
                "AES-128-CBC",
                "-certpbe",
                "AES-192-CBC",
                "-macalg",
                "sha1",
            ],
            &[
                "PBES2, PBKDF2, AES-128-CBC",
                "PBES2, PBKDF2, AES-192-CBC",
                "MAC: sha1",
            ],
        ),
        (
            "rc2-128.p12",
            PASSWORD,
            &["-legacy", "-certpbe", "PBE-SHA1-RC2-128"],
            &["pbeWithSHA1And128BitRC2-CBC"],
        ),
        (
            "3des-only.p12",
            PASSWORD,
            &["-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES"],
            &["pbeWithSHA1And3-KeyTripleDES-CBC", "MAC: sha256"],
        ),
        // Nothing encrypted: a plain key bag and certificates, protected by the MAC alone.
        (
            "plain.p12",
            PASSWORD,
            &["-keypbe", "NONE", "-certpbe", "NONE"],
            &["Key bag", "MAC: sha256"],
        ),
        // No MAC: a wrong password shows only when decrypting.
        ("nomac.p12", PASSWORD, &["-nomac"], &["PBES2"]),
        ("nomac-legacy.p12", PASSWORD, &["-nomac", "-legacy"], &[]),
        // The password's forms: empty, and with a character outside the BMP (UTF-16 surrogates
        // for the PKCS#12 KDF, UTF-8 for PBKDF2).
        ("empty.p12", "", &[], &[]),
        ("empty-legacy.p12", "", &["-legacy"], &[]),
        ("emoji.p12", "Schlüssel 🔑 2026", &[], &[]),
        ("emoji-legacy.p12", "Schlüssel 🔑 2026", &["-legacy"], &[]),
        // More iterations than the default.
        (
            "iter.p12",
            PASSWORD,
            &["-iter", "20000", "-maciter"],
            &["Iteration 20000"],
        ),
    ];
    for (file, password, options, reported) in cases {
        let mut args = SENDER.to_vec();
        args.extend_from_slice(options);
        let p12 = pki.export(file, password, &args);
        let said = info(&pki, file, password);
        for fragment in *reported {
            assert!(
                said.contains(fragment),
                "{file}: {fragment:?} not in\n{said}"
            );
        }
        let identity = SigningIdentity::from_pkcs12(&p12, password)
            .unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_eq!(identity.certificate().info().sha256, expected, "{file}");
        assert_eq!(
            identity.certificate().info().ik.as_deref(),
            Some("460512349")
        );
        for wrong in ["falsch", "geheim u", "geheim ü ", ""] {
            if wrong == *password {
                continue;
            }
            let err = SigningIdentity::from_pkcs12(&p12, wrong).expect_err(file);
            assert_eq!(err, SealError::WrongPassword, "{file} with {wrong:?}");
            assert_eq!(
                err.to_string(),
                "Das Passwort der PKCS#12-Datei ist falsch (oder die Datei ist beschädigt)."
            );
        }
    }
}

#[test]
fn a_file_without_key_or_without_certificate_is_refused_with_its_reason() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new();
    let no_key = pki.export(
        "nokey.p12",
        PASSWORD,
        &["-nokeys", "-in", "sender.pem", "-certfile", "ca.pem"],
    );
    let err = SigningIdentity::from_pkcs12(&no_key, PASSWORD).expect_err("no key");
    assert_eq!(err, SealError::NoKey);
    assert!(
        err.to_string().contains("keinen privaten Schlüssel"),
        "{err}"
    );

    let no_certificate = pki.export(
        "nocert.p12",
        PASSWORD,
        &["-nocerts", "-inkey", "sender.key"],
    );
    let err = SigningIdentity::from_pkcs12(&no_certificate, PASSWORD).expect_err("no cert");
    assert_eq!(err, SealError::NoCertificate);
    assert!(err.to_string().contains("kein Zertifikat"), "{err}");
    // The password is still checked first.
    assert_eq!(
        SigningIdentity::from_pkcs12(&no_certificate, "falsch").expect_err("wrong"),
        SealError::WrongPassword
    );

    // A certificate (PEM) or a private key instead of a PKCS#12 file.
    for other in ["sender.pem", "sender.key", "ca.pem"] {
        let bytes = std::fs::read(pki.path(other)).expect("read");
        assert!(
            matches!(
                SigningIdentity::from_pkcs12(&bytes, PASSWORD),
                Err(SealError::Pkcs12(_))
            ),
            "{other}"
        );
    }
}

/// A small deterministic random source (xorshift), so a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Reads `bytes`, failing the test with the case's name if the reader panics.
fn read(bytes: &[u8], password: &str, case: &str) -> Result<SigningIdentity, SealError> {
    std::panic::catch_unwind(|| SigningIdentity::from_pkcs12(bytes, password))
        .unwrap_or_else(|_| panic!("the reader panicked on {case}: {bytes:02x?}"))
}

#[test]
fn truncated_damaged_and_random_files_are_errors_never_panics() {
    if !openssl_available() {
        return;
    }
    let pki = Pki::new();
    let mut rng = Rng(0x5EA1_u64 << 32 | 0x2026);
    // One iteration for the key derivations (`-noiter -nomaciter`), so that each of the many
    // reads below is quick in a debug build.
    let fast = ["-noiter", "-nomaciter"];
    for (file, options) in [
        ("modern.p12", &[][..]),
        ("legacy.p12", &["-legacy"][..]),
        ("plain.p12", &["-keypbe", "NONE", "-certpbe", "NONE"][..]),
    ] {
        let mut args = SENDER.to_vec();
        args.extend_from_slice(options);
        args.extend_from_slice(&fast);
        let p12 = pki.export(file, PASSWORD, &args);
        assert!(read(&p12, PASSWORD, file).is_ok(), "{file}");
        // Every truncation.
        for len in 0..p12.len() {
            let case = format!("{file} cut to {len} bytes");
            assert!(read(&p12[..len], PASSWORD, &case).is_err(), "{case}");
        }
        // Trailing bytes.
        let mut longer = p12.clone();
        longer.extend_from_slice(b"\0\0");
        assert!(read(&longer, PASSWORD, "trailing bytes").is_err());
        // One to three damaged bytes: the MAC covers everything but its own fields, which a
        // change makes fail as well.
        for round in 0..500 {
            let mut damaged = p12.clone();
            for _ in 0..=rng.below(3) {
                let at = rng.below(damaged.len());
                damaged[at] ^= 1 + rng.below(255) as u8;
            }
            let case = format!("{file} damaged (round {round})");
            let changed: Vec<(usize, u8, u8)> = (0..p12.len())
                .filter(|&i| p12[i] != damaged[i])
                .map(|i| (i, p12[i], damaged[i]))
                .collect();
            assert!(
                read(&damaged, PASSWORD, &case).is_err(),
                "{case}: {changed:02x?} of {} bytes",
                p12.len()
            );
        }
    }
    // Without a MAC, damage reaches the decryption and the parsers of the bags, the key and
    // the certificate: whatever they make of it, they must not panic.
    for (file, options) in [
        ("nomac.p12", &["-nomac"][..]),
        (
            "nomac-plain.p12",
            &["-nomac", "-keypbe", "NONE", "-certpbe", "NONE"][..],
        ),
    ] {
        let mut args = SENDER.to_vec();
        args.extend_from_slice(options);
        args.extend_from_slice(&fast);
        let p12 = pki.export(file, PASSWORD, &args);
        assert!(read(&p12, PASSWORD, file).is_ok(), "{file}");
        for round in 0..1000 {
            let mut damaged = p12.clone();
            for _ in 0..=rng.below(3) {
                let at = rng.below(damaged.len());
                damaged[at] ^= 1 + rng.below(255) as u8;
            }
            let _ = read(
                &damaged,
                PASSWORD,
                &format!("{file} damaged (round {round})"),
            );
        }
    }
    // Random bytes, half of them starting like a DER SEQUENCE.
    for round in 0..3000 {
        let len = rng.below(600);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if round % 2 == 0 && len > 4 {
            bytes[0] = 0x30;
            bytes[1] = 0x82;
            let inner = (len - 4) as u16;
            bytes[2..4].copy_from_slice(&inner.to_be_bytes());
        }
        let case = format!("random bytes (round {round})");
        assert!(read(&bytes, PASSWORD, &case).is_err(), "{case}");
    }
}

#[test]
fn the_repositorys_own_key_files_are_read() {
    // The demo key the server seeds its deliveries with and visitors may load (password
    // `le_domain::api::demo::DEMO_CARE_KEY_PASSWORD`), and the API tests' sender key.
    for (bytes, password, subject) in [
        (
            &include_bytes!("../../server/demo/care-demo-key.p12")[..],
            "Demo-Pflege-2026",
            "Pflegedienst Sonnenschein Abrechnung (Demo)",
        ),
        (
            &include_bytes!("../../server/tests/api/fixtures/care-sender.p12")[..],
            "test",
            "CN=Pflegedienst",
        ),
    ] {
        let identity = SigningIdentity::from_pkcs12(bytes, password).expect(subject);
        let info = identity.certificate().info();
        assert!(info.subject.contains(subject), "{}", info.subject);
        // The names as `x509-cert` writes them (what the server has stored so far).
        let parsed =
            <x509_cert::Certificate as der::Decode>::from_der(identity.certificate().der())
                .expect("certificate");
        assert_eq!(info.subject, parsed.tbs_certificate().subject().to_string());
        assert_eq!(info.issuer, parsed.tbs_certificate().issuer().to_string());
        assert_eq!(info.ik.as_deref(), Some("460512349"));
        assert_eq!(
            SigningIdentity::from_pkcs12(bytes, "Demo-Pflege-2025").expect_err("wrong"),
            SealError::WrongPassword
        );
    }
}

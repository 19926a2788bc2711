//! Shared by the integration tests: a test PKI made by the `openssl` command line.
#![allow(dead_code)] // each test binary uses its own part
use std::path::{Path, PathBuf};
use std::process::Command;

use le_care_seal::RecipientCertificate;

/// Now (the certificates below are valid for a year from their creation).
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

pub fn openssl_available() -> bool {
    match Command::new("openssl").arg("version").output() {
        Ok(out) if out.status.success() => true,
        _ => {
            eprintln!(
                "SKIPPED: the `openssl` command is not installed (scripts/setup.sh installs it)"
            );
            false
        }
    }
}

pub fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl runs")
}

pub fn ok(dir: &Path, args: &[&str]) {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, the data acceptance point's certificate and the care service's, valid around `NOW`.
pub struct Pki {
    pub dir: tempfile::TempDir,
}

impl Pki {
    pub fn new() -> Pki {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        std::fs::write(
            d.join("leaf.cnf"),
            "keyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n",
        )
        .expect("write ext");
        ok(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-subj",
                "/O=Test TrustCenter/CN=Test CA",
                "-days",
                "3650",
            ],
        );
        for (name, subject) in [
            (
                "recipient",
                "/O=Test TrustCenter/OU=IK109905003/CN=Datenannahmestelle",
            ),
            (
                "sender",
                "/O=Test TrustCenter/OU=IK460512349/CN=Pflegedienst Sonnenschein",
            ),
        ] {
            ok(
                d,
                &[
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    &format!("{name}.key"),
                    "-out",
                    &format!("{name}.csr"),
                    "-subj",
                    subject,
                ],
            );
            ok(
                d,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &format!("{name}.csr"),
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-out",
                    &format!("{name}.pem"),
                    "-extfile",
                    "leaf.cnf",
                    "-days",
                    "365",
                ],
            );
        }
        Pki { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn pkcs12(&self, name: &str, extra: &[&str]) -> Vec<u8> {
        let mut args = vec![
            "pkcs12",
            "-export",
            "-in",
            "sender.pem",
            "-inkey",
            "sender.key",
            "-certfile",
            "ca.pem",
            "-out",
            name,
            "-passout",
            "pass:geheim ü",
        ];
        args.extend_from_slice(extra);
        ok(self.dir.path(), &args);
        std::fs::read(self.path(name)).expect("read p12")
    }

    /// `openssl pkcs12 -export -out NAME -passout pass:PASSWORD ARGS…`; the file's bytes.
    pub fn export(&self, name: &str, password: &str, args: &[&str]) -> Vec<u8> {
        let passout = format!("pass:{password}");
        let mut all = vec!["pkcs12", "-export", "-out", name, "-passout", &passout];
        all.extend_from_slice(args);
        ok(self.dir.path(), &all);
        std::fs::read(self.path(name)).expect("read p12")
    }

    pub fn recipient(&self) -> RecipientCertificate {
        RecipientCertificate::from_pem(&std::fs::read(self.path("recipient.pem")).expect("pem"))
            .expect("recipient certificate")
    }

    /// Decrypts with the recipient's key and verifies against the CA; the recovered payload.
    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, String> {
        let d = self.dir.path();
        std::fs::write(d.join("sealed.p7m"), sealed).expect("write");
        ok(
            d,
            &[
                "cms",
                "-decrypt",
                "-inform",
                "DER",
                "-in",
                "sealed.p7m",
                "-recip",
                "recipient.pem",
                "-inkey",
                "recipient.key",
                "-out",
                "signed.p7s",
            ],
        );
        self.verify("signed.p7s")
    }

    pub fn verify(&self, signed: &str) -> Result<Vec<u8>, String> {
        let out = run(
            self.dir.path(),
            &[
                "cms",
                "-verify",
                "-inform",
                "DER",
                "-in",
                signed,
                "-CAfile",
                "ca.pem",
                "-binary",
                "-out",
                "plain.out",
            ],
        );
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(std::fs::read(self.path("plain.out")).expect("read plain"))
    }
}

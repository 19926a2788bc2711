//! The sealing as the browser runs it, for `scripts/bench-care-seal.sh`: built for wasm32 with
//! wasm-bindgen, loaded by a small page in Chromium. `load` keeps the payload in wasm memory so
//! that only `seal_loaded` (read the key, sign, encrypt) is timed. Empty on other targets.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

thread_local! {
    static PAYLOAD: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Keeps `payload` for the next `seal_loaded`.
#[wasm_bindgen]
pub fn load(payload: Vec<u8>) {
    PAYLOAD.with_borrow_mut(|p| *p = payload);
}

/// Reads the PKCS#12 file, signs and envelopes the loaded payload; the sealed size.
#[wasm_bindgen]
pub fn seal_loaded(
    p12: &[u8],
    password: &str,
    recipient_pem: &str,
    gzip: bool,
    now: f64,
) -> Result<f64, JsError> {
    let identity = le_care_seal::SigningIdentity::from_pkcs12(p12, password)?;
    let recipient = le_care_seal::RecipientCertificate::from_pem(recipient_pem.as_bytes())?;
    PAYLOAD.with_borrow(|payload| {
        let sealed = le_care_seal::seal(
            payload,
            &identity,
            &recipient,
            le_care_seal::SealOptions {
                gzip,
                now: now as u64,
            },
        )?;
        Ok(sealed.bytes.len() as f64)
    })
}

//! The care service's PKCS#12 file in this browser's IndexedDB: kept exactly as imported (still
//! protected by its password, which is never stored), read again when a delivery is sealed.
//! Nothing of it is ever sent to the server.
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

const DB_NAME: &str = "le-portal-pflegeabrechnung";
const STORE: &str = "schluessel";
const KEY: &str = "pkcs12";

/// The stored key file with what was read from its certificate at import.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredKey {
    pub file_name: String,
    pub subject: String,
    pub ik: String,
    /// `TT.MM.JJJJ`
    pub valid_until: String,
    pub bytes: Vec<u8>,
}

const FAILED: &str = "Der Schlüsselspeicher des Browsers (IndexedDB) ist nicht verfügbar.";

/// Resolves when `request` succeeds (its result) or fails.
async fn done(request: &IdbRequest) -> Result<JsValue, String> {
    let req = request.clone();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok_req = req.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &ok_req.result().unwrap_or(JsValue::NULL));
        });
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        req.set_onsuccess(Some(on_success.unchecked_ref()));
        req.set_onerror(Some(on_error.unchecked_ref()));
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| FAILED.to_owned())
}

async fn open() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| FAILED.to_owned())?;
    let request = factory.open_with_u32(DB_NAME, 1).map_err(|_| FAILED)?;
    let upgrade_req = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Ok(db) = upgrade_req.result()
            && let Ok(db) = db.dyn_into::<IdbDatabase>()
        {
            let _ = db.create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    done(&request)
        .await?
        .dyn_into::<IdbDatabase>()
        .map_err(|_| FAILED.to_owned())
}

fn text(object: &JsValue, field: &str) -> String {
    Reflect::get(object, &JsValue::from_str(field))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The stored key file, if any.
pub async fn load() -> Result<Option<StoredKey>, String> {
    let db = open().await?;
    let tx = db.transaction_with_str(STORE).map_err(|_| FAILED)?;
    let store = tx.object_store(STORE).map_err(|_| FAILED)?;
    let value = done(&store.get(&JsValue::from_str(KEY)).map_err(|_| FAILED)?).await?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let bytes = Reflect::get(&value, &JsValue::from_str("data"))
        .ok()
        .and_then(|d| d.dyn_into::<Uint8Array>().ok())
        .map(|a| a.to_vec())
        .unwrap_or_default();
    Ok(Some(StoredKey {
        file_name: text(&value, "name"),
        subject: text(&value, "subject"),
        ik: text(&value, "ik"),
        valid_until: text(&value, "validUntil"),
        bytes,
    }))
}

/// Keeps `key` (replacing an earlier one).
pub async fn save(key: &StoredKey) -> Result<(), String> {
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
        .map_err(|_| FAILED)?;
    let store = tx.object_store(STORE).map_err(|_| FAILED)?;
    let object = Object::new();
    for (field, value) in [
        ("name", &key.file_name),
        ("subject", &key.subject),
        ("ik", &key.ik),
        ("validUntil", &key.valid_until),
    ] {
        let _ = Reflect::set(
            &object,
            &JsValue::from_str(field),
            &JsValue::from_str(value),
        );
    }
    let _ = Reflect::set(
        &object,
        &JsValue::from_str("data"),
        &Uint8Array::from(key.bytes.as_slice()),
    );
    done(
        &store
            .put_with_key(&object, &JsValue::from_str(KEY))
            .map_err(|_| FAILED)?,
    )
    .await
    .map(|_| ())
}

/// Removes the stored key file.
pub async fn remove() -> Result<(), String> {
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
        .map_err(|_| FAILED)?;
    let store = tx.object_store(STORE).map_err(|_| FAILED)?;
    done(&store.delete(&JsValue::from_str(KEY)).map_err(|_| FAILED)?)
        .await
        .map(|_| ())
}

/// The bytes of a picked file.
pub async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "Die Datei konnte nicht gelesen werden.".to_owned())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Seconds since 1970 now (the browser's clock; the seal crate has none).
pub fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

//! Typed client of the audits API (MD portal): one function per endpoint; uploads go through
//! `XMLHttpRequest` so that the page can show their progress.
use gloo_net::http::Request;
use le_domain::api::audits::{
    CaseDetail, CaseForm, CaseList, CaseSummary, Dashboard, Delivery, DocumentRequest, Inbox,
    Inspection, InspectionForm, InspectionList, Notice, NoticeForm, Receipt, ReminderSettings,
    RequestForm, StoredFile, StructureAudit, StructureDecision, StructureForm, StructureList,
    SubmitResult, UnavailableForm,
};
use le_domain::audits::DocumentKind;
use le_domain::{ApiErrorBody, FieldError};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::access::encode;
use super::{ApiFailure, mutating, send_empty, send_json};

/// `GET /api/v1/audits/cases?state=…` (`state`: `open`, `closed` or empty for all).
pub async fn cases(state: &str) -> Result<CaseList, ApiFailure> {
    let url = if state.is_empty() {
        "/api/v1/audits/cases".to_owned()
    } else {
        format!("/api/v1/audits/cases?state={}", encode(state))
    };
    send_json(Request::get(&url).build()).await
}

/// `POST /api/v1/audits/cases` (MD): the case with its first notice.
pub async fn create_case(csrf: &str, form: &CaseForm) -> Result<CaseDetail, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/audits/cases"), Some(csrf)).json(form)).await
}

/// `GET /api/v1/audits/cases/{id}`
pub async fn case(id: i64) -> Result<CaseDetail, ApiFailure> {
    send_json(Request::get(&format!("/api/v1/audits/cases/{id}")).build()).await
}

/// `POST /api/v1/audits/cases/{id}/notices` (MD): an extension of the subject.
pub async fn add_notice(csrf: &str, case_id: i64, form: &NoticeForm) -> Result<Notice, ApiFailure> {
    let url = format!("/api/v1/audits/cases/{case_id}/notices");
    send_json(mutating(Request::post(&url), Some(csrf)).json(form)).await
}

/// `POST /api/v1/audits/cases/{id}/close` (MD)
pub async fn close_case(csrf: &str, case_id: i64) -> Result<CaseSummary, ApiFailure> {
    let url = format!("/api/v1/audits/cases/{case_id}/close");
    send_json(mutating(Request::post(&url), Some(csrf)).build()).await
}

/// `POST /api/v1/audits/cases/{id}/requests` (MD)
pub async fn create_request(
    csrf: &str,
    case_id: i64,
    form: &RequestForm,
) -> Result<DocumentRequest, ApiFailure> {
    let url = format!("/api/v1/audits/cases/{case_id}/requests");
    send_json(mutating(Request::post(&url), Some(csrf)).json(form)).await
}

/// `PUT /api/v1/audits/cases/{id}/reports?name=…` (MD): the expert report (URL for [`upload`]).
pub fn report_upload_url(case_id: i64, name: &str) -> String {
    format!(
        "/api/v1/audits/cases/{case_id}/reports?name={}",
        encode(name)
    )
}

/// `GET /api/v1/audits/inbox?status=&site=&sort=`; `query` is already encoded.
pub async fn inbox(query: &str) -> Result<Inbox, ApiFailure> {
    let url = if query.is_empty() {
        "/api/v1/audits/inbox".to_owned()
    } else {
        format!("/api/v1/audits/inbox?{query}")
    };
    send_json(Request::get(&url).build()).await
}

/// `GET /api/v1/audits/dashboard`
pub async fn dashboard() -> Result<Dashboard, ApiFailure> {
    send_json(Request::get("/api/v1/audits/dashboard").build()).await
}

/// `PUT /api/v1/audits/requests/{id}/files?name=…&document=…` (hospital; URL for [`upload`]):
/// the requested document the file is for.
pub fn file_upload_url(request_id: i64, name: &str, document: DocumentKind) -> String {
    format!(
        "/api/v1/audits/requests/{request_id}/files?name={}&document={}",
        encode(name),
        document.wire()
    )
}

/// `POST /api/v1/audits/requests/{id}/unavailable` (hospital): a requested document does not
/// exist, with the reason.
pub async fn declare_unavailable(
    csrf: &str,
    request_id: i64,
    form: &UnavailableForm,
) -> Result<DocumentRequest, ApiFailure> {
    let url = format!("/api/v1/audits/requests/{request_id}/unavailable");
    send_json(mutating(Request::post(&url), Some(csrf)).json(form)).await
}

/// `GET /api/v1/audits/reminder-settings`: the signed-in user's e-mail reminders.
pub async fn reminder_settings() -> Result<ReminderSettings, ApiFailure> {
    send_json(Request::get("/api/v1/audits/reminder-settings").build()).await
}

/// `PUT /api/v1/audits/reminder-settings`: subscribe or unsubscribe.
pub async fn set_reminder_settings(
    csrf: &str,
    settings: &ReminderSettings,
) -> Result<ReminderSettings, ApiFailure> {
    send_json(mutating(Request::put("/api/v1/audits/reminder-settings"), Some(csrf)).json(settings))
        .await
}

/// `POST /api/v1/audits/requests/{id}/submit` (hospital): hands over the pending files.
pub async fn submit(csrf: &str, request_id: i64) -> Result<SubmitResult, ApiFailure> {
    let url = format!("/api/v1/audits/requests/{request_id}/submit");
    send_json(mutating(Request::post(&url), Some(csrf)).build()).await
}

/// `GET /api/v1/audits/files/{id}` (a download link).
pub fn file_url(id: i64) -> String {
    format!("/api/v1/audits/files/{id}")
}

/// `DELETE /api/v1/audits/files/{id}` (hospital, before submission).
pub async fn delete_file(csrf: &str, id: i64) -> Result<(), ApiFailure> {
    send_empty(mutating(Request::delete(&file_url(id)), Some(csrf)).build()).await
}

/// `POST /api/v1/audits/deliveries/{id}/acknowledge` (hospital)
pub async fn acknowledge(csrf: &str, delivery_id: i64) -> Result<Delivery, ApiFailure> {
    let url = format!("/api/v1/audits/deliveries/{delivery_id}/acknowledge");
    send_json(mutating(Request::post(&url), Some(csrf)).build()).await
}

/// `GET /api/v1/audits/deliveries/{id}/receipt`
pub async fn receipt(delivery_id: i64) -> Result<Receipt, ApiFailure> {
    let url = format!("/api/v1/audits/deliveries/{delivery_id}/receipt");
    send_json(Request::get(&url).build()).await
}

/// `GET /api/v1/audits/deliveries/{id}/receipt.pdf` (a download link: the receipt to file).
pub fn receipt_pdf_url(delivery_id: i64) -> String {
    format!("/api/v1/audits/deliveries/{delivery_id}/receipt.pdf")
}

/// `GET /api/v1/audits/reports/{id}` (a download link).
pub fn report_url(id: i64) -> String {
    format!("/api/v1/audits/reports/{id}")
}

/// `GET /api/v1/audits/inspections`
pub async fn inspections() -> Result<InspectionList, ApiFailure> {
    send_json(Request::get("/api/v1/audits/inspections").build()).await
}

/// `POST /api/v1/audits/inspections` (MD)
pub async fn create_inspection(
    csrf: &str,
    form: &InspectionForm,
) -> Result<Inspection, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/audits/inspections"), Some(csrf)).json(form)).await
}

/// `GET /api/v1/audits/structure`
pub async fn structure_audits() -> Result<StructureList, ApiFailure> {
    send_json(Request::get("/api/v1/audits/structure").build()).await
}

/// `POST /api/v1/audits/structure` (hospital)
pub async fn apply_structure(
    csrf: &str,
    form: &StructureForm,
) -> Result<StructureAudit, ApiFailure> {
    send_json(mutating(Request::post("/api/v1/audits/structure"), Some(csrf)).json(form)).await
}

/// `GET /api/v1/audits/structure/{id}`
#[allow(
    dead_code,
    reason = "the list carries every application; kept for completeness"
)]
pub async fn structure_audit(id: i64) -> Result<StructureAudit, ApiFailure> {
    send_json(Request::get(&format!("/api/v1/audits/structure/{id}")).build()).await
}

/// `PUT /api/v1/audits/structure/{id}/evidence?name=…` (hospital; URL for [`upload`]).
pub fn evidence_upload_url(id: i64, name: &str) -> String {
    format!(
        "/api/v1/audits/structure/{id}/evidence?name={}",
        encode(name)
    )
}

/// `POST /api/v1/audits/structure/{id}/decide` (MD)
pub async fn decide_structure(
    csrf: &str,
    id: i64,
    decision: &StructureDecision,
) -> Result<StructureAudit, ApiFailure> {
    let url = format!("/api/v1/audits/structure/{id}/decide");
    send_json(mutating(Request::post(&url), Some(csrf)).json(decision)).await
}

/// `GET /api/v1/audits/evidence/{id}` (a download link).
pub fn evidence_url(id: i64) -> String {
    format!("/api/v1/audits/evidence/{id}")
}

// The subset of XMLHttpRequest the uploads need (fetch() cannot report upload progress).
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = XMLHttpRequest)]
    type Xhr;

    #[wasm_bindgen(constructor, js_class = "XMLHttpRequest", catch)]
    fn new() -> Result<Xhr, JsValue>;

    #[wasm_bindgen(method, catch, js_class = "XMLHttpRequest")]
    fn open(this: &Xhr, method: &str, url: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_class = "XMLHttpRequest", js_name = setRequestHeader)]
    fn set_request_header(this: &Xhr, name: &str, value: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_class = "XMLHttpRequest")]
    fn send(this: &Xhr, body: &web_sys::Blob) -> Result<(), JsValue>;

    #[wasm_bindgen(method, getter, js_class = "XMLHttpRequest")]
    fn upload(this: &Xhr) -> web_sys::EventTarget;

    #[wasm_bindgen(method, getter, js_class = "XMLHttpRequest")]
    fn status(this: &Xhr) -> u16;

    #[wasm_bindgen(method, getter, js_class = "XMLHttpRequest", js_name = responseText)]
    fn response_text(this: &Xhr) -> Option<String>;

    #[wasm_bindgen(method, setter, js_class = "XMLHttpRequest", js_name = onload)]
    fn set_onload(this: &Xhr, callback: &js_sys::Function);

    #[wasm_bindgen(method, setter, js_class = "XMLHttpRequest", js_name = onerror)]
    fn set_onerror(this: &Xhr, callback: &js_sys::Function);

    #[wasm_bindgen(method, setter, js_class = "XMLHttpRequest", js_name = onabort)]
    fn set_onabort(this: &Xhr, callback: &js_sys::Function);
}

/// `PUT url` with the raw file as body, reporting `(sent, total)` bytes while it runs and the
/// stored file (or the failure) at the end.
pub fn upload(
    csrf: &str,
    url: &str,
    file: &web_sys::File,
    on_progress: impl Fn(f64, f64) + 'static,
    on_done: impl FnOnce(Result<StoredFile, ApiFailure>) + 'static,
) -> Result<(), ApiFailure> {
    let xhr = Xhr::new().map_err(|_| ApiFailure::browser())?;
    xhr.open("PUT", url).map_err(|_| ApiFailure::browser())?;
    xhr.set_request_header("X-Requested-With", "le-portal")
        .and_then(|()| xhr.set_request_header("X-CSRF-Token", csrf))
        .and_then(|()| xhr.set_request_header("Content-Type", "application/pdf"))
        .map_err(|_| ApiFailure::browser())?;

    let progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
            if ev.length_computable() {
                on_progress(ev.loaded(), ev.total());
            }
        });
    xhr.upload()
        .add_event_listener_with_callback("progress", progress.as_ref().unchecked_ref())
        .map_err(|_| ApiFailure::browser())?;
    // The closures live as long as the request: forgotten once, freed with the page.
    progress.forget();

    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(on_done)));
    let (done_load, done_error) = (done.clone(), done);
    let target = xhr.clone_ref();
    let onload = Closure::once_into_js(move || {
        if let Some(cb) = done_load.borrow_mut().take() {
            cb(answer(&target));
        }
    });
    let onerror = Closure::<dyn Fn()>::new(move || {
        if let Some(cb) = done_error.borrow_mut().take() {
            cb(Err(ApiFailure::network("Übertragung abgebrochen")));
        }
    });
    xhr.set_onload(onload.unchecked_ref());
    xhr.set_onerror(onerror.as_ref().unchecked_ref());
    xhr.set_onabort(onerror.as_ref().unchecked_ref());
    onerror.forget();
    xhr.send(file).map_err(|_| ApiFailure::browser())
}

/// [`upload`] as a future: resolves when the server has answered (for uploading one file after
/// the other; the server's storage handles parallel uploads of one request poorly).
pub async fn upload_one(
    csrf: &str,
    url: &str,
    file: &web_sys::File,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<StoredFile, ApiFailure> {
    let answer = std::rc::Rc::new(std::cell::RefCell::new(None));
    let slot = answer.clone();
    let mut started = Ok(());
    let mut on_progress = Some(on_progress);
    // The executor runs synchronously, exactly once.
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let Some(on_progress) = on_progress.take() else {
            return;
        };
        let slot = slot.clone();
        started = upload(csrf, url, file, on_progress, move |result| {
            *slot.borrow_mut() = Some(result);
            let _ = resolve.call0(&JsValue::NULL);
        });
    });
    started?;
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    answer
        .borrow_mut()
        .take()
        .unwrap_or_else(|| Err(ApiFailure::browser()))
}

impl Xhr {
    fn clone_ref(&self) -> Xhr {
        let value: &JsValue = self.as_ref();
        value.clone().unchecked_into()
    }
}

/// The stored file of a finished upload, or the server's error (a gone session reported to the
/// session context, as every other call of the client does).
fn answer(xhr: &Xhr) -> Result<StoredFile, ApiFailure> {
    let answer = read_answer(xhr);
    if let Err(failure) = &answer {
        super::observe_failure(failure);
    }
    answer
}

fn read_answer(xhr: &Xhr) -> Result<StoredFile, ApiFailure> {
    let status = xhr.status();
    let text = xhr.response_text().unwrap_or_default();
    if (200..300).contains(&status) {
        return serde_json::from_str(&text).map_err(ApiFailure::network);
    }
    Err(match serde_json::from_str::<ApiErrorBody>(&text) {
        Ok(body) => ApiFailure {
            status,
            code: body.code,
            message: body.message,
            fields: body.fields,
        },
        Err(_) => ApiFailure {
            status,
            code: "unexpected".to_owned(),
            message: format!("Der Server antwortete mit Status {status}."),
            fields: Vec::<FieldError>::new(),
        },
    })
}

/// The code of the failure [`upload_pdf`] reports for a file that is no PDF (nothing was sent).
pub const NOT_PDF: &str = "not_pdf";

/// Checks that `file` is a PDF ([`check_pdf`]), then uploads it ([`upload_one`]).
pub async fn upload_pdf(
    csrf: &str,
    url: &str,
    file: &web_sys::File,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<StoredFile, ApiFailure> {
    check_pdf(file).await.map_err(|message| ApiFailure {
        status: 0,
        code: NOT_PDF.to_owned(),
        message,
        fields: Vec::new(),
    })?;
    upload_one(csrf, url, file, on_progress).await
}

/// Checks by content that `file` is a PDF (reads only its first bytes, the domain's rule);
/// `Err` carries the German message for people.
pub async fn check_pdf(file: &web_sys::File) -> Result<(), String> {
    let head = match file.slice_with_i32_and_i32(0, 5) {
        Ok(head) => wasm_bindgen_futures::JsFuture::from(head.array_buffer())
            .await
            .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    if le_domain::audits::is_pdf(&head) {
        Ok(())
    } else {
        Err(format!(
            "„{}“ ist keine PDF-Datei (sie beginnt nicht mit %PDF-).",
            file.name()
        ))
    }
}

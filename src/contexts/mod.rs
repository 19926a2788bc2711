//! App-wide state provided as Leptos contexts.
pub mod kiosk;
pub mod session;

/// A non-secret yes/no marker in the browser's localStorage (set: present with "1"). Storage may
/// be disabled: then it reads as unset and setting it does nothing.
pub(crate) struct LocalFlag(&'static str);

impl LocalFlag {
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window().and_then(|w| w.local_storage().ok().flatten())
    }

    pub(crate) fn get(&self) -> bool {
        Self::storage().is_some_and(|s| s.get_item(self.0).ok().flatten().is_some())
    }

    pub(crate) fn set(&self, on: bool) {
        if let Some(storage) = Self::storage() {
            let _ = if on {
                storage.set_item(self.0, "1")
            } else {
                storage.remove_item(self.0)
            };
        }
    }
}

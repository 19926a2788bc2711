//! One API mutation wired once (a small stand-in for Leptos' `Action`): the pending flag (a second click while it
//! runs does nothing), the CSRF token, and the form's message (progress while it runs, the
//! server's German message when it fails) for `<Notice>`. A gone session needs nothing here:
//! the API client reports it to the session context. Data is loaded with `api::Load`
//! (`reload()` after a change).
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::contexts::session::Session;

/// What a `<Notice>` shows: progress or success (`Ok`), a failure (`Err`), or nothing.
pub type Message = Option<Result<String, String>>;

pub struct Mutation<I: 'static> {
    /// Starts the call for an input (the page's `call` and `done`, boxed once: every page's
    /// mutation shares the code below instead of one copy of Leptos' `Action` per input type).
    start: StoredValue<Rc<dyn Fn(I)>, LocalStorage>,
    /// The input of the running call, if one runs.
    input: RwSignal<Option<I>, LocalStorage>,
    notice: RwSignal<Message>,
}

impl<I: 'static> Clone for Mutation<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static> Copy for Mutation<I> {}

/// Runs a call to its end; boxed, so the task code exists once in the binary, not once per page.
fn spawn(call: Pin<Box<dyn Future<Output = ()>>>) {
    leptos::task::spawn_local(call);
}

impl<I: Clone + 'static> Mutation<I> {
    /// `call` sends the request (given the session's CSRF token and the input); `done` takes
    /// the answer once the message is updated: cleared on success (`done` may set its own),
    /// the server's message on failure (`done` then shows the field errors, moves the focus).
    pub fn new<T, Fu>(
        call: impl Fn(String, I) -> Fu + 'static,
        done: impl Fn(Result<T, ApiFailure>) + 'static,
    ) -> Self
    where
        T: 'static,
        Fu: Future<Output = Result<T, ApiFailure>> + 'static,
    {
        Self::with_notice(RwSignal::new(None), call, done)
    }

    /// Like [`Mutation::new`], with a message the page owns (shared by several mutations, or
    /// set by `done` on success).
    pub fn with_notice<T, Fu>(
        notice: RwSignal<Message>,
        call: impl Fn(String, I) -> Fu + 'static,
        done: impl Fn(Result<T, ApiFailure>) + 'static,
    ) -> Self
    where
        T: 'static,
        Fu: Future<Output = Result<T, ApiFailure>> + 'static,
    {
        let session = Session::use_context();
        let done = Rc::new(done);
        let input: RwSignal<Option<I>, LocalStorage> = RwSignal::new_local(None);
        let start: Rc<dyn Fn(I)> = Rc::new(move |value: I| {
            let answer = call(session.csrf(), value);
            let done = Rc::clone(&done);
            spawn(Box::pin(async move {
                let answer = answer.await;
                // The page may be gone meanwhile (navigation): then nothing is shown. The message
                // is set before `done`, which may set its own; the call counts as ended, so `done`
                // may start the next one (a queue of uploads).
                let _ = notice.try_set(answer.as_ref().err().map(|f| Err(f.message.clone())));
                let _ = input.try_set(None);
                done(answer);
            }));
        });
        Mutation {
            start: StoredValue::new_local(start),
            input,
            notice,
        }
    }

    /// Starts the call unless one is running (then `false`).
    pub fn run(&self, input: I) -> bool {
        if self.running() {
            return false;
        }
        self.input.set(Some(input.clone()));
        if let Some(start) = self.start.try_get_value() {
            start(input);
        }
        true
    }

    /// Like [`Mutation::run`], showing `progress` ("… wird gespeichert …") meanwhile.
    pub fn run_with(&self, progress: &str, input: I) -> bool {
        if self.running() {
            return false;
        }
        self.notice.set(Some(Ok(progress.to_owned())));
        self.run(input)
    }
}

impl<I: 'static> Mutation<I> {
    /// Whether a call is running (tracked).
    pub fn pending(&self) -> bool {
        self.input.with(Option::is_some)
    }

    /// What `f` says about the input of the running call, if one runs (tracked): e.g. which
    /// row is busy.
    pub fn running_input<R>(&self, f: impl Fn(&I) -> R) -> Option<R> {
        self.input.with(|input| input.as_ref().map(f))
    }

    /// Whether a call is running, read in an event handler (untracked).
    pub fn running(&self) -> bool {
        self.input.with_untracked(Option::is_some)
    }

    /// The pending flag as a signal (for `ConfirmAction`'s `busy`).
    pub fn busy(&self) -> Signal<bool> {
        let input = self.input;
        Signal::derive(move || input.with(Option::is_some))
    }

    /// The message for `<Notice>`; pages also set it (e.g. "Bitte die markierten Felder
    /// korrigieren.") or clear it.
    pub fn notice(&self) -> RwSignal<Message> {
        self.notice
    }
}

//! One API mutation wired once, on Leptos' `Action`: the pending flag (a second click while it
//! runs does nothing), the CSRF token, and the form's message (progress while it runs, the
//! server's German message when it fails) for `<Notice>`. A gone session needs nothing here:
//! the API client reports it to the session context. Data is loaded with `api::Load`
//! (`reload()` after a change).
use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;

use crate::api::ApiFailure;
use crate::contexts::session::Session;

/// What a `<Notice>` shows: progress or success (`Ok`), a failure (`Err`), or nothing.
pub type Message = Option<Result<String, String>>;

pub struct Mutation<I: 'static> {
    action: Action<I, ()>,
    /// The action's pending flag, taken once (each `Action::pending()` makes a new memo).
    pending: Memo<bool>,
    notice: RwSignal<Message>,
}

impl<I: 'static> Clone for Mutation<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static> Copy for Mutation<I> {}

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
        let action = Action::new_local(move |input: &I| {
            let answer = call(session.csrf(), input.clone());
            let done = Rc::clone(&done);
            async move {
                let answer = answer.await;
                // The page may be gone meanwhile (navigation): then nothing is shown.
                let _ = notice.try_set(match &answer {
                    Ok(_) => None,
                    Err(failure) => Some(Err(failure.message.clone())),
                });
                done(answer);
            }
        });
        Mutation {
            action,
            pending: action.pending(),
            notice,
        }
    }

    /// Starts the call unless one is running (then `false`).
    pub fn run(&self, input: I) -> bool {
        if self.running() {
            return false;
        }
        self.action.dispatch_local(input);
        true
    }

    /// Like [`Mutation::run`], showing `progress` ("… wird gespeichert …") meanwhile.
    pub fn run_with(&self, progress: &str, input: I) -> bool {
        if self.running() {
            return false;
        }
        self.notice.set(Some(Ok(progress.to_owned())));
        self.action.dispatch_local(input);
        true
    }
}

impl<I: 'static> Mutation<I> {
    /// Whether a call is running (tracked).
    pub fn pending(&self) -> bool {
        self.pending.get()
    }

    /// What `f` says about the input of the running call, if one runs (tracked): e.g. which
    /// row is busy.
    pub fn running_input<R>(&self, f: impl Fn(&I) -> R) -> Option<R> {
        self.action.input().with(|input| input.as_ref().map(f))
    }

    /// Whether a call is running, read in an event handler (untracked).
    pub fn running(&self) -> bool {
        self.pending.get_untracked()
    }

    /// The pending flag as a signal (for `ConfirmAction`'s `busy`).
    pub fn busy(&self) -> Signal<bool> {
        self.pending.into()
    }

    /// The message for `<Notice>`; pages also set it (e.g. "Bitte die markierten Felder
    /// korrigieren.") or clear it.
    pub fn notice(&self) -> RwSignal<Message> {
        self.notice
    }
}

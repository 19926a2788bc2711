//! An action that asks before it acts: the button opens an inline question with "Ja" and
//! "Abbrechen"; the focus moves to the question's first button and back on cancel.
use leptos::prelude::*;

use crate::components::form::{BUTTON_DANGER, BUTTON_SECONDARY, focus_soon};

#[component]
pub fn ConfirmAction(
    /// Id of the opening button; the confirming one gets "<id>-ja".
    id: String,
    label: &'static str,
    /// Read to screen readers after the label (which row the button is for).
    #[prop(optional)]
    context: Option<String>,
    question: &'static str,
    confirm_label: &'static str,
    #[prop(optional)] disabled: bool,
    #[prop(into)] busy: Signal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let yes_id = format!("{id}-ja");
    let (show_id, yes_focus) = (id.clone(), yes_id.clone());
    move || {
        if open.get() {
            let back = show_id.clone();
            view! {
                <div class="space-y-3 rounded border border-amber-400 bg-amber-50 p-3">
                    <p class="font-medium text-amber-950">{question}</p>
                    <div class="flex flex-wrap gap-2">
                        <button
                            id=yes_id.clone()
                            type="button"
                            class=BUTTON_DANGER
                            aria-busy=move || busy.get().to_string()
                            on:click=move |_| {
                                if !busy.get_untracked() {
                                    on_confirm.run(());
                                }
                            }
                        >
                            {confirm_label}
                        </button>
                        <button
                            type="button"
                            class=BUTTON_SECONDARY
                            on:click=move |_| {
                                open.set(false);
                                focus_soon(back.clone());
                            }
                        >
                            "Abbrechen"
                        </button>
                    </div>
                </div>
            }
            .into_any()
        } else {
            let yes = yes_focus.clone();
            view! {
                <button
                    id=show_id.clone()
                    type="button"
                    class=BUTTON_SECONDARY
                    disabled=disabled
                    on:click=move |_| {
                        open.set(true);
                        focus_soon(yes.clone());
                    }
                >
                    {label}
                    {context.clone().map(|c| view! { <span class="sr-only">{format!(" ({c})")}</span> })}
                </button>
            }
            .into_any()
        }
    }
}

//! A QR code drawn in the browser as inline SVG (the key never leaves the page as an image).
use leptos::prelude::*;
use qrcode::QrCode;
use qrcode::render::svg;

#[component]
pub fn QrCodeImage(
    /// The text to encode (an otpauth URI).
    data: String,
    /// What the image is, for screen readers.
    label: &'static str,
) -> impl IntoView {
    match QrCode::new(data.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<svg::Color<'_>>()
                .min_dimensions(200, 200)
                .dark_color(svg::Color("#000000"))
                .light_color(svg::Color("#ffffff"))
                .build();
            // Drop the XML declaration: the markup goes into an HTML document.
            let svg = svg.find("<svg").map_or(svg.clone(), |i| svg[i..].to_owned());
            view! {
                <div
                    role="img"
                    aria-label=label
                    data-testid="qr-code"
                    class="inline-block w-52 border border-slate-300 bg-white p-1 [&>svg]:h-auto [&>svg]:w-full"
                    inner_html=svg
                ></div>
            }
            .into_any()
        }
        Err(_) => view! {
            <p class="font-medium text-red-800">
                "Der QR-Code konnte nicht erzeugt werden. Bitte geben Sie den Schlüssel von Hand ein."
            </p>
        }
        .into_any(),
    }
}

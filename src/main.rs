#[cfg(target_arch = "wasm32")]
fn main() {
    ai_interviewer::crash::install();
    leptos::mount::mount_to_body(ai_interviewer::app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("ai-interviewer is a browser app: build it with `trunk build` (see README.md).");
}

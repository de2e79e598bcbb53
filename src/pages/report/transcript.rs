//! An answer's transcript with fillers, repetitions and stammers highlighted (each mark
//! seeks the recording to where it was said), its text figures, and an editor.

use interviewer_core::record::TranscriptSource;
use interviewer_core::report::QuestionRow;
use interviewer_core::speech::text::Kind;
use leptos::prelude::*;

/// An answer's transcript with fillers, repetitions and stammers highlighted, its text
/// figures, and an editor to correct it (figures recompute on save).
#[component]
pub fn AnswerTranscript(
    row: QuestionRow,
    on_save: Callback<(usize, String)>,
    /// Seek the recording to a time (ms).
    on_seek: Callback<f64>,
) -> impl IntoView {
    let index = row.index;
    let transcript = row.transcript.clone();
    let delivery = row.delivery.clone();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(transcript.clone().unwrap_or_default());
    let text = transcript.unwrap_or_default();
    let highlighted = {
        let mut parts = Vec::new();
        let mut pos = 0;
        if let Some(d) = &delivery {
            for f in &d.findings {
                if f.start < pos || f.end > text.len() {
                    continue;
                }
                parts.push((None, text[pos..f.start].to_string(), 0.0));
                let (class, title) = match f.kind {
                    Kind::Filler => ("hl-filler", "filler"),
                    Kind::Repetition | Kind::PhraseRepetition => ("hl-repeat", "repetition"),
                    Kind::Stammer => ("hl-stammer", "stammer"),
                    Kind::Revision => ("hl-revision", "revision"),
                };
                parts.push((
                    Some((class, title)),
                    f.text.clone(),
                    row.time_of_text(f.start),
                ));
                pos = f.end;
            }
        }
        parts.push((None, text[pos..].to_string(), 0.0));
        parts
    };
    let has_text = !text.trim().is_empty();
    // Which recogniser wrote it (or that the user did).
    let source = row
        .transcript_source
        .map(|s| match (s, row.transcript_corrected) {
            (_, true) | (TranscriptSource::Typed, _) => "Typed or corrected by you.",
            (TranscriptSource::Model, _) => {
                "Transcribed on this device by the app's speech recognition (Whisper tiny.en)."
            }
            (TranscriptSource::Browser, _) => "Transcribed by the browser's speech recognition.",
        });
    let figures = delivery.map(|d| {
        let mut s = format!("{} words", d.words);
        if let Some(w) = d.wpm_elapsed {
            s.push_str(&format!(" · {w:.0} words/min over the answer"));
        }
        s.push_str(&format!(
            " · {} filler{} ({:.1} per 100 words) · {} repetition{} · {} stammer{} · {} revision{}",
            d.fillers,
            plural(d.fillers),
            d.fillers_per_100_words,
            d.repetitions + d.phrase_repetitions,
            plural(d.repetitions + d.phrase_repetitions),
            d.stammers,
            plural(d.stammers),
            d.revisions,
            plural(d.revisions)
        ));
        if !d.top_words.is_empty() {
            let top: Vec<String> = d
                .top_words
                .iter()
                .map(|(w, n)| format!("“{w}” ×{n}"))
                .collect();
            s.push_str(&format!(" · most repeated: {}", top.join(", ")));
        }
        s
    });
    view! {
        <div class="transcript" data-testid=format!("transcript-{index}")>
            <Show when=move || !editing.get() fallback=move || view! {
                <label class="sr-only" for=format!("edit-{index}")>"Transcript of this answer"</label>
                <textarea id=format!("edit-{index}") rows="4" data-testid=format!("transcript-editor-{index}")
                    prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <button class="btn small primary" data-testid=format!("transcript-save-{index}")
                    on:click=move |_| { editing.set(false); on_save.run((index, draft.get_untracked())); }>"Save"</button>
                " "
                <button class="btn small" on:click=move |_| editing.set(false)>"Cancel"</button>
            }>
                {has_text.then(|| view! {
                    <p class="said">
                        {highlighted.iter().map(|(mark, t, at)| match mark {
                            Some((class, title)) => {
                                let at = *at;
                                view! {
                                    <mark class=*class title=format!("{title}: play from {}", interviewer_core::format::mmss(at))
                                        role="button" tabindex="0"
                                        on:click=move |_| on_seek.run(at)
                                        on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " { ev.prevent_default(); on_seek.run(at) }
                                    >{t.clone()}</mark>
                                }.into_any()
                            }
                            None => view! { <span>{t.clone()}</span> }.into_any(),
                        }).collect_view()}
                    </p>
                })}
                {figures.clone().map(|f| view! { <p class="qtime" data-testid=format!("text-figures-{index}")>{f}</p> })}
                {source.map(|s| view! { <p class="hint" data-testid=format!("transcript-source-{index}")>{s}</p> })}
                <button class="btn small" data-testid=format!("transcript-edit-{index}") on:click=move |_| editing.set(true)>
                    {if has_text { "Correct the transcript" } else { "Add a transcript" }}
                </button>
            </Show>
        </div>
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

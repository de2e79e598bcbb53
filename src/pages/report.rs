//! Report (first version): when, what, how long, and the recording with a seek list.

use crate::app::navigate;
use crate::components::Notice;
use crate::session;
use interviewer_core::format;
use interviewer_core::record::{InterviewRecord, Status};
use interviewer_core::report::build_report;
use interviewer_core::route::Route;
use interviewer_core::speech::text::{Kind, TextMetrics};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn Report(id: String) -> impl IntoView {
    let record = RwSignal::new(None::<Result<InterviewRecord, String>>);
    let report = Memo::new(move |_| {
        record
            .get()
            .map(|r| r.map(|rec| build_report(&rec, session::tz_offset_min())))
    });
    let save_transcript = Callback::new(move |(index, text): (usize, String)| {
        let Some(Ok(mut rec)) = record.get_untracked() else {
            return;
        };
        rec.set_transcript(index, &text, true);
        record.set(Some(Ok(rec.clone())));
        spawn_local(async move {
            if let Ok(store) = session::store().await {
                if let Err(e) = store.put_interview(&rec).await {
                    web_sys::console::error_1(&format!("saving the transcript failed: {e}").into());
                }
            }
        });
    });
    let url = RwSignal::new(None::<String>);
    let video = NodeRef::<leptos::html::Video>::new();
    let audio_only = RwSignal::new(false);

    {
        let id = id.clone();
        spawn_local(async move {
            let res = async {
                let store = session::store().await.map_err(|e| e.to_string())?;
                let rec = store
                    .get_interview(&id)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| {
                        "This interview does not exist (it may have been deleted).".to_string()
                    })?;
                if rec.chunk_count > 0 {
                    let blob = store
                        .recording(&id, &rec.mime_type)
                        .await
                        .map_err(|e| e.to_string())?;
                    url.set(web_sys::Url::create_object_url_with_blob(&blob).ok());
                }
                audio_only.set(rec.mime_type.starts_with("audio/"));
                Ok(rec)
            }
            .await;
            record.set(Some(res));
        });
    }
    on_cleanup(move || {
        if let Some(u) = url.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });

    // MediaRecorder's WebM has no duration in its header: Chromium reports Infinity until
    // it has seen the end. Seeking far forward once makes it scan, then we go back to 0.
    Effect::new(move |_| {
        let Some(v) = video.get() else { return };
        let v2 = v.clone();
        let fixing = std::rc::Rc::new(std::cell::Cell::new(false));
        let f2 = fixing.clone();
        let on_meta = Closure::<dyn FnMut()>::new(move || {
            if v2.duration().is_infinite() {
                f2.set(true);
                v2.set_current_time(1e101);
            }
        });
        let v3 = v.clone();
        let on_dur = Closure::<dyn FnMut()>::new(move || {
            if fixing.get() && v3.duration().is_finite() {
                fixing.set(false);
                v3.set_current_time(0.0);
            }
        });
        v.set_onloadedmetadata(Some(on_meta.as_ref().unchecked_ref()));
        v.set_ondurationchange(Some(on_dur.as_ref().unchecked_ref()));
        on_meta.forget();
        on_dur.forget();
    });

    let seek = move |ms: f64| {
        if let Some(v) = video.get_untracked() {
            v.set_current_time(ms / 1000.0);
            let _ = v.play();
        }
    };
    let delete = move |id: String| {
        let ok = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(
                    "Delete this interview and its recording? This cannot be undone.",
                )
                .ok()
            })
            .unwrap_or(false);
        if ok {
            spawn_local(async move {
                if let Ok(store) = session::store().await {
                    if store.delete_interview(&id).await.is_ok() {
                        navigate(Route::History);
                    }
                }
            });
        }
    };

    view! {
        {move || match report.get() {
            None => view! { <p>"Loading report…"</p> }.into_any(),
            Some(Err(e)) => view! {
                <Notice kind="error"><p data-testid="report-error">{e}</p></Notice>
                <a class="btn" href="#/history">"Back to history"</a>
            }.into_any(),
            Some(Ok(r)) => {
                let id = r.id.clone();
                view! {
                    <section class="card">
                        <h1>"Interview report"</h1>
                        <dl class="summary" data-testid="summary">
                            <div><dt>"Date"</dt><dd>{r.date.clone()}</dd></div>
                            <div><dt>"Track"</dt><dd>{r.track}</dd></div>
                            <div><dt>"Duration"</dt><dd data-testid="duration">{r.duration.clone()}</dd></div>
                            <div><dt>"Questions answered"</dt><dd>{format!("{} of {}", r.asked, r.planned)}</dd></div>
                            <div><dt>"Average answer"</dt><dd>{format::mmss(r.mean_answer_ms)}</dd></div>
                            <div><dt>"Recorded with"</dt><dd>{r.media}</dd></div>
                            <div><dt>"Transcript"</dt><dd data-testid="transcript-mode">{r.transcript_mode}</dd></div>
                        </dl>
                        {match r.speech.clone() {
                            Some(sp) => view! {
                                <h2>"Speech delivery"</h2>
                                <dl class="summary" data-testid="speech-summary">
                                    <div><dt>"Pace (from the audio)"</dt>
                                        <dd data-testid="pace">{format!("{:.0} words/min", sp.wpm)}</dd>
                                        <dd class="hint">{pace_hint(sp.wpm)}</dd></div>
                                    <div><dt>"Speaking time"</dt><dd>{format::mmss(sp.speaking_ms)}</dd></div>
                                    <div><dt>"Pauses of 1 s or more"</dt><dd data-testid="pauses">{sp.pauses_1s}</dd>
                                        <dd class="hint">{format!("{} of 1.5 s or more; longest {:.1} s", sp.long_pauses, sp.longest_pause_ms / 1000.0)}</dd></div>
                                    <div><dt>"Filled pauses heard (“uhh”, “umm”)"</dt><dd>{sp.filled_pauses}</dd></div>
                                    <div><dt>"Pitch variation"</dt><dd>{sp.pitch_spread_st.map(|v| format!("{v:.1} semitones")).unwrap_or_else(|| "–".into())}</dd>
                                        <dd class="hint">{sp.pitch_spread_st.map(|v| if v < interviewer_core::speech::audio::MONOTONE_SEMITONES { "Fairly flat: vary your tone to stress key points." } else { "Varied." }).unwrap_or("")}</dd></div>
                                    <div><dt>"Loudness"</dt><dd>{sp.loudness_dbfs.map(|v| format!("{v:.0} dBFS")).unwrap_or_else(|| "–".into())}</dd></div>
                                </dl>
                                <p class="hint">"Pace is estimated from syllables in the audio (about 1.45 per word), so it works without a transcript; expect about ±10%. Pauses are silences between your words."</p>
                            }.into_any(),
                            None => view! { <p class="hint" data-testid="no-speech">"No speech figures: no microphone audio was analysed for this interview."</p> }.into_any(),
                        }}
                        {match r.face.clone() {
                            Some(f) => view! {
                                <h2>"Eye focus and expression"</h2>
                                <dl class="summary" data-testid="face-summary">
                                    <div><dt>"Looking at the screen centre"</dt><dd data-testid="focus-centre">{pct(f.focus[0])}</dd></div>
                                    <div><dt>"At the screen border"</dt><dd>{pct(f.focus[1])}</dd></div>
                                    <div><dt>"Away from the screen"</dt><dd>{pct(f.focus[2])}</dd></div>
                                    <div><dt>"No face in view"</dt><dd>{pct(f.focus[3])}</dd></div>
                                    <div><dt>"Expressions observed"</dt><dd data-testid="expressions">{expression_shares(&f.expressions)}</dd></div>
                                </dl>
                                <p class="hint">{format!(
                                    "Shares of {} analysed frames while answering. {} Expressions are what a model trained on FER2013 photos read from your face (about two in three right on its test set; weaker in low light, at an angle or with glasses); they describe the face, not how you felt.",
                                    f.frames,
                                    if r.focus_calibrated { "Eye focus used the calibration made on this device." } else { "Eye focus used the default screen layout (not calibrated on this device): treat border/away as approximate." }
                                )}</p>
                            }.into_any(),
                            None => view! { <p class="hint" data-testid="no-face">{r.vision_note.clone().unwrap_or_else(|| "No face analysis for this interview (no camera, or no frames analysed).".into())}</p> }.into_any(),
                        }}
                        {(r.status == Status::Recovered).then(|| view! { <p class="badge" data-testid="recovered">"Recovered"</p> })}
                        {r.note.clone().map(|n| view! { <Notice kind="warn"><p data-testid="report-note">{n}</p></Notice> })}
                    </section>
                    <section class="card report-grid">
                        <div>
                            {move || match url.get() {
                                Some(u) => view! {
                                    <video node_ref=video class="playback" class:audio=move || audio_only.get()
                                        controls=true preload="metadata" src=u data-testid="playback"
                                        aria-label="Recording of the interview"></video>
                                }.into_any(),
                                None => view! { <p>"No recording was saved for this interview."</p> }.into_any(),
                            }}
                        </div>
                        <div>
                            <h2>"Questions"</h2>
                            <ol class="qlist" data-testid="question-list">
                                {r.rows.iter().map(|row| {
                                    let start = row.start_ms;
                                    view! {
                                        <li>
                                            <button class="seek" on:click=move |_| seek(start)
                                                aria-label=format!("Play answer {} from {}", row.index + 1, format::mmss(start))>
                                                {format::mmss(start)}
                                            </button>
                                            <span class="qtext">{row.text.clone()}</span>
                                            <span class="qtime">
                                                {format!("answered for {}", format::mmss(row.answer_ms))}
                                                {row.hit_limit.then(|| format!(" (reached the {} s limit)", row.limit_s))}
                                            </span>
                                            <AnswerTranscript index=row.index transcript=row.transcript.clone()
                                                delivery=row.delivery.clone() on_save=save_transcript/>
                                            {
                                                let advice = interviewer_core::advice::advise(row, interviewer_core::advice::PaceBand::default());
                                                (!advice.is_empty()).then(|| view! {
                                                    <ul class="advice" data-testid=format!("advice-{}", row.index) aria-label="Advice for this answer">
                                                        {advice.into_iter().map(|a| view! { <li data-rule=a.rule>{a.text}</li> }).collect_view()}
                                                    </ul>
                                                })
                                            }
                                            {row.face.as_ref().map(|f| view! {
                                                <span class="qtime" data-testid="answer-face">{format!(
                                                    "Eyes: centre {} · border {} · away {} · no face {} — expressions: {}",
                                                    pct(f.focus[0]), pct(f.focus[1]), pct(f.focus[2]), pct(f.focus[3]),
                                                    expression_shares(&f.expressions)
                                                )}</span>
                                            })}
                                            {row.speech.as_ref().map(|a| view! {
                                                <span class="qtime">{format!(
                                                    "≈{:.0} words/min · {}",
                                                    a.wpm_estimate_speaking,
                                                    match a.pauses_1s {
                                                        0 if a.longest_pause_ms == 0.0 => "no pauses".to_string(),
                                                        0 => format!("no pause of 1 s or more (longest {:.1} s)", a.longest_pause_ms / 1000.0),
                                                        n => format!("{n} pause{} of 1 s or more, longest {:.1} s", if n == 1 { "" } else { "s" }, a.longest_pause_ms / 1000.0),
                                                    }
                                                )}</span>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                        </div>
                    </section>
                    <div class="actions">
                        <a class="btn primary" href="#/">"New interview"</a>
                        <a class="btn" href="#/history">"History"</a>
                        <button class="btn danger" on:click=move |_| delete(id.clone())>"Delete this interview"</button>
                    </div>
                }.into_any()
            }
        }}
    }
}

fn pct(v: f32) -> String {
    format!("{:.0}%", v * 100.0)
}

/// The expressions that took at least 5% of the time, largest first.
fn expression_shares(e: &[f32; 7]) -> String {
    let mut v: Vec<(usize, f32)> = e
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, p)| *p >= 0.05)
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    if v.is_empty() {
        return "–".into();
    }
    v.iter()
        .map(|(k, p)| format!("{} {}", interviewer_core::face::EXPRESSIONS[*k], pct(*p)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Plain advice on pace against the usual 120-160 words per minute band.
fn pace_hint(wpm: f64) -> String {
    if wpm > 160.0 {
        format!(
            "Faster than the 120-160 most listeners follow easily; slow down by about {:.0}.",
            wpm - 150.0
        )
    } else if wpm < 120.0 {
        "Slower than the usual 120-160; fine for emphasis, but keep the thread moving.".into()
    } else {
        "Within the usual 120-160.".into()
    }
}

/// An answer's transcript with fillers, repetitions and stammers highlighted, its text
/// figures, and an editor to correct it (figures recompute on save).
#[component]
fn AnswerTranscript(
    index: usize,
    transcript: Option<String>,
    delivery: Option<TextMetrics>,
    on_save: Callback<(usize, String)>,
) -> impl IntoView {
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
                parts.push((None, text[pos..f.start].to_string()));
                let (class, title) = match f.kind {
                    Kind::Filler => ("hl-filler", "filler"),
                    Kind::Repetition | Kind::PhraseRepetition => ("hl-repeat", "repetition"),
                    Kind::Stammer => ("hl-stammer", "stammer"),
                    Kind::Revision => ("hl-revision", "revision"),
                };
                parts.push((Some((class, title)), f.text.clone()));
                pos = f.end;
            }
        }
        parts.push((None, text[pos..].to_string()));
        parts
    };
    let has_text = !text.trim().is_empty();
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
                        {highlighted.iter().map(|(mark, t)| match mark {
                            Some((class, title)) => view! { <mark class=*class title=*title>{t.clone()}</mark> }.into_any(),
                            None => view! { <span>{t.clone()}</span> }.into_any(),
                        }).collect_view()}
                    </p>
                })}
                {figures.clone().map(|f| view! { <p class="qtime" data-testid=format!("text-figures-{index}")>{f}</p> })}
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

//! Report: summary figures, charts beside the replayable recording (a cursor follows
//! playback, clicks seek), then answer by answer: transcript, figures and advice.

mod charts;
mod content;
mod transcript;

use crate::components::{ExportControls, Notice};
use crate::media::asr::{self, AsrStatus};
use crate::session;
use crate::state::{navigate, state};
use charts::ReportCharts;
use content::{terms_never_used, AnswerContent};
use interviewer_core::advice::{self, PaceBand};
use interviewer_core::format::{self, expression_shares, pct};
use interviewer_core::record::{InterviewRecord, Status};
use interviewer_core::report::{build_report, Report as ReportData};
use interviewer_core::route::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use transcript::AnswerTranscript;

/// What the report page loads: the record, and an object URL of its recording.
#[derive(Clone)]
struct Loaded {
    record: InterviewRecord,
    url: Option<String>,
}

async fn load(id: String) -> Result<Loaded, String> {
    let store = session::store().await.map_err(|e| e.to_string())?;
    let record = store
        .get_interview(&id)
        .await
        .map_err(|e| format!("This interview could not be read: {e}"))?
        .ok_or_else(|| "This interview does not exist (it may have been deleted).".to_string())?;
    let url = if record.chunk_count > 0 {
        let blob = store
            .recording(&id, &record.mime_type)
            .await
            .map_err(|e| e.to_string())?;
        web_sys::Url::create_object_url_with_blob(&blob).ok()
    } else {
        None
    };
    Ok(Loaded { record, url })
}

#[component]
pub fn Report(id: String) -> impl IntoView {
    let loaded = LocalResource::new(move || load(id.clone()));
    view! {
        <Suspense fallback=|| view! { <p>"Loading report…"</p> }>
            {move || loaded.get().map(|res| match res {
                Ok(l) => view! { <ReportView loaded=l/> }.into_any(),
                Err(e) => view! {
                    <Notice kind="error"><p data-testid="report-error">{e}</p></Notice>
                    <a class="btn" href="#/history">"Back to history"</a>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ReportView(loaded: Loaded) -> impl IntoView {
    let id = loaded.record.id.clone();
    let audio_only = loaded.record.mime_type.starts_with("audio/");
    // Where the paused recording rests: the start of the first answer (the camera's first
    // frames can be dark while it adjusts), else its start.
    let rest_ms = loaded
        .record
        .spans
        .first()
        .map(|s| s.start_ms)
        .unwrap_or(0.0);
    let url = loaded.url.clone();
    let record = RwSignal::new(loaded.record);
    let report = Memo::new(move |_| record.with(|rec| build_report(rec, session::tz_offset_min())));
    if let Some(u) = url.clone() {
        on_cleanup(move || {
            let _ = web_sys::Url::revoke_object_url(&u);
        });
    }

    // A corrected transcript: shown at once, saved as its answer's row.
    let save_transcript = Action::new_local(move |(index, text): &(usize, String)| {
        let (index, text) = (*index, text.clone());
        async move {
            let Some((id, row)) = record.try_update(|rec| {
                rec.set_transcript(index, &text, true);
                (rec.id.clone(), rec.answer_data(index))
            }) else {
                return Ok(());
            };
            let store = session::store().await.map_err(|e| e.to_string())?;
            store.put_answer(&id, &row).await.map_err(|e| e.to_string())
        }
    });
    let save = Callback::new(move |v: (usize, String)| {
        save_transcript.dispatch_local(v);
    });
    let delete = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            let store = session::store().await.map_err(|e| e.to_string())?;
            store
                .delete_interview(&id)
                .await
                .map_err(|e| e.to_string())?;
            navigate(Route::History);
            Ok::<(), String>(())
        }
    });
    let video = NodeRef::<leptos::html::Video>::new();

    // MediaRecorder's WebM has no duration in its header: Chromium reports Infinity until
    // it has seen the end. Seeking far forward once makes it scan, then it rests at the
    // first answer (see `rest_ms`), so the paused video shows the candidate.
    let fixing = RwSignal::new(false);
    let on_meta = move |_| {
        if let Some(v) = video.get_untracked() {
            if v.duration().is_infinite() {
                fixing.set(true);
                v.set_current_time(1e101);
            } else {
                v.set_current_time(rest_ms / 1000.0);
            }
        }
    };
    let on_duration = move |_| {
        if let Some(v) = video.get_untracked() {
            if fixing.get_untracked() && v.duration().is_finite() {
                fixing.set(false);
                v.set_current_time(rest_ms / 1000.0);
            }
        }
    };

    // Playback position for the charts' cursors (10 times a second is smooth enough and
    // cheaper than redrawing on every frame).
    let now_ms = RwSignal::new(0.0f64);
    if let Ok(h) = set_interval_with_handle(
        move || {
            if let Some(v) = video.get_untracked() {
                let t = v.current_time() * 1000.0;
                if t.is_finite() && (t - now_ms.get_untracked()).abs() > 1.0 {
                    now_ms.set(t);
                }
            }
        },
        Duration::from_millis(100),
    ) {
        on_cleanup(move || h.clear());
    }

    let seek = Callback::new(move |ms: f64| {
        if let Some(v) = video.get_untracked() {
            v.set_current_time(ms / 1000.0);
            now_ms.set(ms);
            // A later pause() rejects the play() promise; that is expected, not an error.
            if let Ok(p) = v.play() {
                spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
                });
            }
        }
    });
    let ask_delete = {
        let id = id.clone();
        Callback::new(move |_: ()| {
            let ok = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(
                        "Delete this interview and its recording? This cannot be undone.",
                    )
                    .ok()
                })
                .unwrap_or(false);
            if ok {
                delete.dispatch_local(id.clone());
            }
        })
    };
    let settings = state().settings;
    let band = Signal::derive(move || settings.with(|s| s.pace_band));
    // The summary renders first; the replay, charts and answers a frame later, so the page
    // is built in two main-thread tasks instead of one long one.
    let rest = RwSignal::new(false);
    request_animation_frame(move || rest.set(true));
    let export_ids = {
        let id = id.clone();
        Signal::derive(move || vec![id.clone()])
    };
    let timeline = Memo::new(move |_| record.with(|r| r.timeline.clone()));

    // On-device transcription: answers fill in as the model finishes them; answers the
    // interview asked it for and that have no transcript (the tab was closed while they
    // waited) are transcribed from the stored recording.
    let asr = asr::transcriber();
    let asr_progress = asr.progress.clone();
    let asr_status = asr.status.clone();
    let refresh = {
        let id = id.clone();
        Action::new_local(move |_: &()| {
            let id = id.clone();
            async move {
                let store = session::store().await.map_err(|e| e.to_string())?;
                if let Some(fresh) = store.get_interview(&id).await.map_err(|e| e.to_string())? {
                    record.try_update(|r| r.transcripts = fresh.transcripts);
                }
                Ok::<(), String>(())
            }
        })
    };
    {
        let asr_progress = asr_progress.clone();
        Effect::new(move |last: Option<u64>| {
            let saved = asr_progress.with(|p| p.saved);
            if last.is_some_and(|l| l != saved) {
                refresh.dispatch_local(());
            }
            saved
        });
    }
    let transcribe = Action::new_local(move |answers: &Vec<usize>| {
        let answers = answers.clone();
        let rec = record.get_untracked();
        async move { asr::transcribe_recording(&rec, &answers).await }
    });
    // Answers with no transcript that the model is not already working on.
    let untranscribed = {
        let id = id.clone();
        let asr_progress = asr_progress.clone();
        Memo::new(move |_| {
            let queued: Vec<usize> = asr_progress.with(|p| {
                p.waiting
                    .iter()
                    .map(|(i, k)| (i, *k))
                    .chain(p.current.iter().map(|(i, k, _)| (i, *k)))
                    .filter(|(i, _)| **i == id)
                    .map(|(_, k)| k)
                    .collect()
            });
            record.with(|r| {
                r.spans
                    .iter()
                    .map(|s| s.index)
                    .filter(|i| !r.transcripts.iter().any(|t| t.index == *i) && !queued.contains(i))
                    .collect::<Vec<_>>()
            })
        })
    };
    {
        let (resume, has_recording) =
            record.with_untracked(|r| (r.awaiting_model(), r.chunk_count > 0));
        let queued = asr.pending(&id);
        let resume: Vec<usize> = resume.into_iter().filter(|i| !queued.contains(i)).collect();
        if has_recording && !resume.is_empty() {
            transcribe.dispatch_local(resume);
        }
    }
    let transcription_line = {
        let id = id.clone();
        move || {
            let (current, waiting) = asr_progress.with(|p| {
                (
                    p.current.clone().filter(|c| c.0 == id),
                    p.waiting.iter().filter(|w| w.0 == id).count(),
                )
            });
            let error = asr_progress.with(|p| p.error.clone().filter(|e| e.0 == id));
            let loading = match asr_status.get() {
                AsrStatus::Loading(f) => Some(f),
                _ => None,
            };
            let failed = match asr_status.get() {
                AsrStatus::Failed(m) => Some(m),
                _ => None,
            };
            if current.is_none() && waiting == 0 {
                return error.map(|(_, k, m)| {
                    (
                        format!("Answer {} could not be transcribed: {m}", k + 1),
                        true,
                    )
                });
            }
            let text = match (failed, loading, current) {
                (Some(m), _, _) => format!("On-device transcription is waiting: the speech model could not be loaded ({m})."),
                (_, Some(f), _) => format!("Downloading the speech model ({:.0}%); then {} answer{} will be transcribed on this device.", f * 100.0, waiting, if waiting == 1 { "" } else { "s" }),
                (_, _, Some((_, k, done))) => format!(
                    "Transcribing answer {} on this device… {:.0}%{}",
                    k + 1,
                    done * 100.0,
                    if waiting > 0 { format!(" ({waiting} more waiting)") } else { String::new() }
                ),
                _ => format!("{waiting} answer{} waiting to be transcribed on this device.", if waiting == 1 { "" } else { "s" }),
            };
            Some((text, false))
        }
    };
    let transcription_line = Memo::new(move |_| transcription_line());
    let has_recording = record.with_untracked(|r| r.chunk_count > 0);
    let model_bytes: u64 =
        interviewer_core::models::for_worker(interviewer_core::models::WorkerKind::Asr)
            .map(|m| m.bytes)
            .sum();

    view! {
        {move || view! { <Summary r=report.get() band=band/> }}
        <section class="card no-print" style:display=move || {
            let offer = has_recording && !untranscribed.with(|u| u.is_empty());
            if !offer && transcription_line.with(|l| l.is_none()) { "none" } else { "" }
        }>
            {move || transcription_line.get().map(|(text, failed)| if failed {
                view! { <Notice kind="warn"><p data-testid="transcription-error">{text}</p></Notice> }.into_any()
            } else {
                view! { <p class="notice notice-info" role="status" data-testid="transcription-progress">{text}</p> }.into_any()
            })}
            {move || (has_recording && !untranscribed.with(|u| u.is_empty()) && !transcribe.pending().get()).then(|| view! {
                <p class="hint">{move || format!(
                    "{} answer{} no transcript. This app can transcribe {} on this device from the recording (English; the speech model, {}, is downloaded once).",
                    untranscribed.with(|u| u.len()),
                    if untranscribed.with(|u| u.len()) == 1 { " has" } else { "s have" },
                    if untranscribed.with(|u| u.len()) == 1 { "it" } else { "them" },
                    format::bytes(model_bytes as f64)
                )}</p>
                <button class="btn" data-testid="transcribe-now" on:click=move |_| { transcribe.dispatch_local(untranscribed.get_untracked()); }>"Transcribe now"</button>
            })}
            {move || transcribe.value().get().and_then(|r| r.err()).map(|e| view! {
                <Notice kind="error"><p>{format!("Transcription could not start: {e}")}</p></Notice>
            })}
        </section>
        <Show when=move || rest.get()>
            <section class="card">
                <h2>"Replay"</h2>
                <div class="replay">
                    <div class="replay-video">
                        {match url.clone() {
                            Some(u) => view! {
                                <video node_ref=video class="playback" class:audio=audio_only
                                    controls=true preload="auto" src=u data-testid="playback"
                                    on:loadedmetadata=on_meta on:durationchange=on_duration
                                    aria-label="Recording of the interview"></video>
                                <p class="hint">"Click a chart, a question's time or a highlighted word to play from there; on a focused chart the arrow keys step back and forward."</p>
                            }.into_any(),
                            None => view! { <p data-testid="no-recording">"No recording was saved for this interview (or it was exported without it)."</p> }.into_any(),
                        }}
                    </div>
                    {move || view! {
                        <ReportCharts report=report.get() timeline=timeline.get() band=band
                            now_ms=now_ms.into() on_seek=seek/>
                    }}
                </div>
            </section>
            {move || save_transcript.value().get().and_then(|r| r.err()).map(|e| view! {
                <Notice kind="error"><p>{format!("The corrected transcript could not be saved: {e}")}</p></Notice>
            })}
            {move || view! { <Answers r=report.get() band=band save=save seek=seek/> }}
            <section class="card no-print">
                <h2>"Keep or remove"</h2>
                <ExportControls ids=export_ids label="Export this interview" what="" testid="export-one"/>
                <div class="actions">
                    <a class="btn primary" href="#/">"New interview"</a>
                    <a class="btn" href="#/history">"History"</a>
                    <button class="btn" on:click=move |_| { let _ = web_sys::window().and_then(|w| w.print().ok()); }>"Print or save as PDF"</button>
                    <button class="btn danger" on:click=move |_| ask_delete.run(()) disabled=move || delete.pending().get()>"Delete this interview"</button>
                </div>
                {move || delete.value().get().and_then(|r| r.err()).map(|e| view! {
                    <Notice kind="error"><p>{format!("Could not delete: {e}")}</p></Notice>
                })}
            </section>
        </Show>
    }
}

/// Summary cards: the interview, speech delivery, eye focus and expression.
#[component]
fn Summary(r: ReportData, band: Signal<PaceBand>) -> impl IntoView {
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
                Some(sp) => {
                    let transcript_wpm = r.delivery.as_ref().and_then(|d| d.wpm);
                    view! {
                        <h2>"Speech delivery"</h2>
                        <dl class="summary" data-testid="speech-summary">
                            <div><dt>"Pace (from the audio)"</dt>
                                <dd data-testid="pace">{sp.wpm.map(|w| format!("{w:.0} words/min")).unwrap_or_else(|| "–".into())}</dd>
                                {sp.wpm.map(|w| view! { <dd class="hint" data-testid="pace-hint">{move || advice::pace_summary(w, band.get())}</dd> })}
                                {(sp.withheld > 0).then(|| view! {
                                    <dd class="hint" data-testid="pace-withheld">{format!(
                                        "Not counted for {} answer{}: {}.",
                                        sp.withheld,
                                        if sp.withheld == 1 { "" } else { "s" },
                                        sp.withheld_reason.clone().unwrap_or_default()
                                    )}</dd>
                                })}
                                {transcript_wpm.map(|w| view! { <dd class="hint">{format!("{w:.0} words/min from the transcript")}</dd> })}
                                <dd><PaceBandEditor/></dd>
                            </div>
                            <div><dt>"Speaking time"</dt><dd>{format::mmss(sp.speaking_ms)}</dd></div>
                            <div><dt>"Pauses of 1 s or more"</dt><dd data-testid="pauses">{sp.pauses_1s}</dd>
                                <dd class="hint">{format!("{} of 1.5 s or more (long pauses); longest {:.1} s", sp.long_pauses, sp.longest_pause_ms / 1000.0)}</dd></div>
                            <div><dt>"Filled pauses heard (“uhh”, “umm”)"</dt><dd>{sp.filled_pauses}</dd></div>
                            <div><dt>"Pitch variation"</dt><dd>{sp.pitch_spread_st.map(|v| format!("{v:.1} semitones")).unwrap_or_else(|| "–".into())}</dd>
                                <dd class="hint">{sp.pitch_spread_st.map(|v| if v < interviewer_core::speech::audio::MONOTONE_SEMITONES { "Fairly flat: vary your tone to stress key points." } else { "Varied." }).unwrap_or("")}</dd></div>
                            <div><dt>"Loudness"</dt><dd>{sp.loudness_dbfs.map(|v| format!("{v:.0} dBFS")).unwrap_or_else(|| "–".into())}</dd>
                                <dd class="hint">"Level of your speech below the microphone's maximum"</dd></div>
                        </dl>
                        {(sp.speaking_ms <= 0.0).then(|| view! {
                            <Notice kind="warn"><p data-testid="no-speech-heard">
                                "No speech was heard in the answers: the microphone may have been muted, far away, or picking up only background noise."
                            </p></Notice>
                        })}
                        {(sp.noisy > 0).then(|| view! {
                            <Notice kind="warn"><p data-testid="noise-warning">{format!(
                                "Background noise high in {} of {} answers: pace and pauses less reliable there.",
                                sp.noisy, r.rows.iter().filter(|q| q.speech.is_some()).count()
                            )}</p></Notice>
                        })}
                        <p class="hint" data-testid="speech-method">{format!(
                            "Speech and pauses told apart by {}. Pace is estimated from syllables in the audio (about 1.45 per word), so it works without a transcript: within about ±10% on clear speech at usual rates, up to ±40% for slow or low voices. Pauses are silences between your words.",
                            sp.detector.map(|d| d.label()).unwrap_or("a voice-activity model for some answers, a loudness threshold for others")
                        )}</p>
                    }.into_any()
                }
                None => view! { <p class="hint" data-testid="no-speech">"No speech figures: no microphone audio was analysed for this interview."</p> }.into_any(),
            }}
            {match r.delivery.clone() {
                Some(d) => view! {
                    <h2>"Words"</h2>
                    <dl class="summary" data-testid="delivery-summary">
                        <div><dt>"Words in the transcript"</dt><dd>{d.words}</dd>
                            <dd class="hint">{format!("{} of {} answers transcribed", d.answers, r.asked)}</dd></div>
                        <div><dt>"Fillers per 100 words"</dt><dd data-testid="fillers-per-100">{format!("{:.1}", d.fillers_per_100_words)}</dd>
                            <dd class="hint">{format!("{} filler{} (“um”, “like”, “you know”…)", d.fillers, if d.fillers == 1 { "" } else { "s" })}</dd></div>
                        <div><dt>"Repetitions and stammers"</dt><dd data-testid="disfluencies">{d.repetitions + d.stammers}</dd>
                            <dd class="hint">{format!("{} repeated words or phrases, {} stammers, {} restarts", d.repetitions, d.stammers, d.revisions)}</dd></div>
                    </dl>
                }.into_any(),
                None => view! { <p class="hint" data-testid="no-delivery">"No transcript: fillers, repetitions and stammers need one. Add or correct it under each answer below."</p> }.into_any(),
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
                        "Shares of {} analysed frames while answering. {}",
                        f.frames,
                        if r.focus_calibrated { "Eye focus used the calibration made on this device." } else { "Eye focus used the default screen layout (not calibrated on this device): treat border/away as approximate." }
                    )}</p>
                }.into_any(),
                None => view! { <p class="hint" data-testid="no-face">{r.vision_note.clone().unwrap_or_else(|| "No face analysis for this interview (no camera, or no frames analysed).".into())}</p> }.into_any(),
            }}
            <details class="limits" data-testid="limits">
                <summary>"What these measurements can get wrong"</summary>
                <ul>
                    <li>"Pace from the audio counts syllables, not words: within about ±10% on clear speech, up to ±40% for very slow or low voices and more with a strong accent; under heavy background noise it is not shown. With a transcript, its words are used instead."</li>
                    <li>"Speaking time and pauses hold within a few percent with steady noise (a fan, traffic, a keyboard) at least 10 dB below your voice; other people talking nearby is counted as speech."</li>
                    <li>"Transcripts come from the browser's speech recognition and miss or mishear words; fillers such as “um” are often left out by it. Correct the text below and the figures update."</li>
                    <li>"Eye focus is estimated from head pose and the irises in the camera image; glasses, low light and a camera far from the screen make it less reliable. Calibrating in Setup helps."</li>
                    <li>"Expressions come from a model trained on the FER2013 photo set, right about two times in three on its test faces, less in poor light, at an angle, with glasses, and for faces under-represented in FER2013 (by age and skin tone). They describe the face, not how you felt."</li>
                    <li>"None of these figures says anything about you as a candidate: they describe delivery."</li>
                </ul>
            </details>
            {(r.status == Status::Recovered).then(|| view! { <p class="badge" data-testid="recovered">"Recovered"</p> })}
            {r.note.clone().map(|n| view! { <Notice kind="warn"><p data-testid="report-note">{n}</p></Notice> })}
        </section>
    }
}

/// The user's target pace band, editable in place (kept in the settings).
#[component]
fn PaceBandEditor() -> impl IntoView {
    let settings = state().settings;
    let band = settings.with_untracked(|s| s.pace_band);
    let low = RwSignal::new(band.low.to_string());
    let high = RwSignal::new(band.high.to_string());
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parse = |s: String| s.trim().parse::<f64>().unwrap_or(f64::NAN);
        match PaceBand::new(parse(low.get_untracked()), parse(high.get_untracked())) {
            Ok(b) => {
                error.set(None);
                settings.update(|s| s.pace_band = b);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <details class="band-edit no-print">
            <summary>"Change the target"</summary>
            <form on:submit=save data-testid="pace-band-form">
                <label>"From " <input type="number" min="60" max="260" step="5" aria-label="Lowest pace, words per minute"
                    prop:value=move || low.get() on:input=move |ev| low.set(event_target_value(&ev)) data-testid="pace-low"/></label>
                <label>" to " <input type="number" min="60" max="260" step="5" aria-label="Highest pace, words per minute"
                    prop:value=move || high.get() on:input=move |ev| high.set(event_target_value(&ev)) data-testid="pace-high"/></label>
                " words/min "
                <button class="btn small" type="submit">"Save"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
        </details>
    }
}

/// Answer by answer: the question, when it starts, transcript, figures and advice.
#[component]
fn Answers(
    r: ReportData,
    band: Signal<PaceBand>,
    save: Callback<(usize, String)>,
    seek: Callback<f64>,
) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Answer by answer"</h2>
            {terms_never_used(&r.rows).map(|t| view! {
                <p class="hint" data-testid="job-terms-never-used">{if t.is_empty() {
                    "Every key term of the job posting came up in your answers.".to_string()
                } else {
                    format!("Key terms of the job posting that no answer used: {}.", t.join(", "))
                }}</p>
            })}
            <ol class="qlist" data-testid="question-list">
                {r.rows.iter().map(|row| {
                    let start = row.start_ms;
                    let advice_row = row.clone();
                    view! {
                        <li>
                            <h3 class="qhead">
                                <button class="seek" on:click=move |_| seek.run(start)
                                    aria-label=format!("Play answer {} from {}", row.index + 1, format::mmss(start))>
                                    {format::mmss(start)}
                                </button>
                                <span class="qtext">
                                    {row.follows.map(|f| view! { <span class="follow-up-tag" data-testid="follow-up-tag">{format!("Follow-up to question {}: ", f + 1)}</span> })}
                                    {row.text.clone()}
                                </span>
                            </h3>
                            <span class="qtime">
                                {format!("answered for {}", format::mmss(row.answer_ms))}
                                {row.hit_limit.then(|| format!(" (reached the {} s limit)", row.limit_s))}
                            </span>
                            <AnswerTranscript row=row.clone() on_save=save on_seek=seek/>
                            <AnswerContent row=row.clone()/>
                            {move || {
                                let advice = advice::advise(&advice_row, band.get());
                                (!advice.is_empty()).then(|| view! {
                                    <ul class="advice" data-testid=format!("advice-{}", advice_row.index) aria-label="Advice for this answer">
                                        {advice.into_iter().map(|a| view! { <li data-rule=a.rule>{a.text}</li> }).collect_view()}
                                    </ul>
                                })
                            }}
                            {row.face.as_ref().map(|f| view! {
                                <span class="qtime" data-testid="answer-face">{format!(
                                    "Eyes: centre {} · border {} · away {} · no face {} — expressions: {}",
                                    pct(f.focus[0]), pct(f.focus[1]), pct(f.focus[2]), pct(f.focus[3]),
                                    expression_shares(&f.expressions)
                                )}</span>
                            })}
                            {row.speech.as_ref().map(|a| view! {
                                <span class="qtime" data-testid="answer-speech">{format!(
                                    "{} · {}{}",
                                    a.audio_pace().map(|w| format!("≈{w:.0} words/min")).unwrap_or_else(|| "pace not shown (background noise)".into()),
                                    match a.pauses_1s {
                                        0 if a.longest_pause_ms == 0.0 => "no pauses".to_string(),
                                        0 => format!("no pause of 1 s or more (longest {:.1} s)", a.longest_pause_ms / 1000.0),
                                        n => format!("{n} pause{} of 1 s or more, longest {:.1} s", if n == 1 { "" } else { "s" }, a.longest_pause_ms / 1000.0),
                                    },
                                    a.snr_db.map(|s| format!(" · speech {s:.0} dB above the background")).unwrap_or_default()
                                )}</span>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

//! Setup: camera and microphone permission, preview, device choice, level meter.

use crate::components::calibration::FocusCalibration;
use crate::components::{MicLevel, Notice};
use crate::media::asr::{self, AsrStatus};
use crate::media::camera::{self, Device, DeviceChoice, MediaError};
use crate::media::speech;
use crate::media::transcript::{self, Availability};
use crate::session;
use crate::state::{navigate, state};
use interviewer_core::models::{self, WorkerKind};
use interviewer_core::record::{MediaKind, TranscriptMode};
use interviewer_core::route::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use web_sys::MediaStream;

#[derive(Clone)]
enum Status {
    Asking,
    Ready(SendWrapper<MediaStream>),
    Failed(MediaError),
}

#[component]
pub fn Setup() -> impl IntoView {
    let st = state();
    if st.plan.get_untracked().is_none() {
        navigate(Route::Home);
        return view! { <p>"Choose an interview first."</p> }.into_any();
    }
    let status = RwSignal::new(Status::Asking);
    let devices = RwSignal::new(Vec::<Device>::new());
    let choice = RwSignal::new(DeviceChoice {
        video: Some(String::new()),
        audio: Some(String::new()),
    });
    let video = NodeRef::<leptos::html::Video>::new();

    let open = move |c: DeviceChoice| {
        status.set(Status::Asking);
        session::release_stream();
        spawn_local(async move {
            match camera::open_stream(&c).await {
                Ok(s) => {
                    // Labels and ids are only listed once permission is granted.
                    devices.set(camera::list_devices().await);
                    choice.set(DeviceChoice {
                        video: c
                            .video
                            .as_ref()
                            .map(|_| camera::track_device_id(&s, true).unwrap_or_default()),
                        audio: c
                            .audio
                            .as_ref()
                            .map(|_| camera::track_device_id(&s, false).unwrap_or_default()),
                    });
                    session::set_stream(Some(s.clone()));
                    status.set(Status::Ready(SendWrapper::new(s)));
                }
                Err(e) => status.set(Status::Failed(e)),
            }
        });
    };
    open(choice.get_untracked());

    Effect::new(move |_| {
        if let (Status::Ready(s), Some(v)) = (status.get(), video.get()) {
            v.set_src_object(Some(&s));
            let _ = v.play();
        }
    });

    let begin = move |_| {
        let Status::Ready(s) = status.get_untracked() else {
            return;
        };
        let kind = match (camera::has_video(&s), camera::has_audio(&s)) {
            (true, true) => MediaKind::AudioVideo,
            (false, true) => MediaKind::AudioOnly,
            _ => MediaKind::VideoOnly,
        };
        st.media.set(kind);
        navigate(Route::Interview);
    };
    let back = move |_| {
        session::release_stream();
        navigate(Route::Home);
    };

    let select_device = move |video_kind: bool, id: String| {
        let mut c = choice.get_untracked();
        if video_kind {
            c.video = Some(id)
        } else {
            c.audio = Some(id)
        }
        open(c);
    };

    let no_voice = !speech::available();

    // Speech recognition, in the order the app prefers: its own model on this device;
    // the browser's on-device recognition; the vendor's cloud only if allowed; none.
    let settings = st.settings;
    let on_device = Signal::derive(move || settings.with(|s| s.transcribe_on_device));
    let asr = asr::transcriber();
    let asr_status = asr.status.clone();
    if on_device.get_untracked() {
        asr.load();
    }
    let model_bytes: u64 = models::for_worker(WorkerKind::Asr).map(|m| m.bytes).sum();
    let avail = LocalResource::new(transcript::availability);
    let allow_cloud = RwSignal::new(false);
    let install = Action::new_local(move |_: &()| async move {
        let ok = transcript::install().await;
        avail.refetch();
        ok
    });
    {
        let asr_status = asr_status.clone();
        Effect::new(move |_| {
            let model_ok = !matches!(asr_status.get(), AsrStatus::Failed(_));
            st.transcript.set(if on_device.get() && model_ok {
                TranscriptMode::Model
            } else {
                match avail.get() {
                    Some(Availability::OnDevice) => TranscriptMode::OnDevice,
                    Some(Availability::CloudOnly | Availability::OnDeviceDownloadable)
                        if allow_cloud.get() =>
                    {
                        TranscriptMode::Cloud
                    }
                    _ => TranscriptMode::None,
                }
            })
        });
    }
    let toggle_on_device = move |ev| {
        let on = event_target_checked(&ev);
        settings.update(|s| s.transcribe_on_device = on);
        if on {
            asr::transcriber().load();
        }
    };
    let model_line = {
        let asr_status = asr_status.clone();
        move || {
            on_device.get().then(|| match asr_status.get() {
                AsrStatus::Off | AsrStatus::Loading(_) => {
                    let f = match asr_status.get() {
                        AsrStatus::Loading(f) => f,
                        _ => 0.0,
                    };
                    view! {
                        <p class="hint" data-testid="asr-status">{format!("Downloading the speech model… {:.0}%", f * 100.0)}</p>
                        <progress max="1" value=f aria-label="Speech model download"></progress>
                    }.into_any()
                }
                AsrStatus::Ready => view! {
                    <p class="ok" data-testid="asr-status">"Speech recognition ready: each answer is transcribed on this device, and your audio never leaves it."</p>
                }.into_any(),
                AsrStatus::Failed(m) => view! {
                    <Notice kind="warn">
                        <p data-testid="asr-status">{format!(
                            "The speech model could not be loaded ({m}). The interview still records; you can transcribe it later from its report."
                        )}</p>
                        <button class="btn" on:click=move |_| asr::transcriber().load()>"Try again"</button>
                    </Notice>
                }.into_any(),
            })
        }
    };

    view! {
        <section class="card">
            <h1>"Camera and microphone check"</h1>
            <div class="setup-grid">
                <div class="preview-box">
                    <video node_ref=video class="preview mirrored" autoplay=true muted=true playsinline=true
                        aria-label="Camera preview (mirrored)" data-testid="preview"></video>
                    {move || matches!(status.get(), Status::Asking).then(|| view! {
                        <p class="overlay-msg" data-testid="asking">"Waiting for camera and microphone permission…"</p>
                    })}
                </div>
                <div class="setup-side">
                    {move || match status.get() {
                        Status::Ready(s) => view! {
                            <p class="ok" data-testid="media-ready">
                                {match (camera::has_video(&s), camera::has_audio(&s)) {
                                    (true, true) => "Camera and microphone are working.",
                                    (false, true) => "Microphone only: the interview will be recorded as audio.",
                                    _ => "Camera only: no microphone, so no sound will be recorded.",
                                }}
                            </p>
                            {camera::has_audio(&s).then(|| view! {
                                <label>"Microphone level (speak to test)"</label>
                                <MicLevel stream=(*s).clone()/>
                            })}
                            {camera::has_video(&s).then(|| view! { <FocusCalibration video=video/> })}
                        }.into_any(),
                        Status::Failed(e) => {
                            let retry = move |_| open(DeviceChoice { video: Some(String::new()), audio: Some(String::new()) });
                            let audio_only = move |_| open(DeviceChoice { video: None, audio: Some(String::new()) });
                            let video_only = move |_| open(DeviceChoice { video: Some(String::new()), audio: None });
                            view! {
                                <Notice kind="error">
                                    <p data-testid="media-error">{e.message()}</p>
                                    <div class="actions">
                                        <button class="btn primary" data-testid="retry" on:click=retry>"Retry"</button>
                                        <button class="btn" data-testid="audio-only" on:click=audio_only>"Continue with microphone only"</button>
                                        <button class="btn" on:click=video_only>"Continue with camera only"</button>
                                    </div>
                                </Notice>
                            }.into_any()
                        }
                        Status::Asking => view! { <p>"Your browser may ask for permission."</p> }.into_any(),
                    }}

                    <Show when=move || !devices.get().is_empty()>
                        <label for="cam">"Camera"</label>
                        <select id="cam" on:change=move |ev| select_device(true, event_target_value(&ev))>
                            {move || devices.get().into_iter().filter(|d| d.video).map(|d| {
                                let sel = choice.get().video.as_deref() == Some(d.id.as_str());
                                view! { <option value=d.id.clone() selected=sel>{d.label.clone()}</option> }
                            }).collect_view()}
                        </select>
                        <label for="mic">"Microphone"</label>
                        <select id="mic" on:change=move |ev| select_device(false, event_target_value(&ev))>
                            {move || devices.get().into_iter().filter(|d| !d.video).map(|d| {
                                let sel = choice.get().audio.as_deref() == Some(d.id.as_str());
                                view! { <option value=d.id.clone() selected=sel>{d.label.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </Show>

                    <div class="transcript-choice" data-testid="transcript-choice">
                        <label>"Transcript"</label>
                        <label class="check">
                            <input type="checkbox" data-testid="transcribe-on-device" prop:checked=move || on_device.get()
                                on:change=toggle_on_device/>
                            {format!(
                                " Transcribe my answers on this device with the app's own speech recognition (English; a one-time download of {}, then it works offline)",
                                interviewer_core::format::bytes(model_bytes as f64)
                            )}
                        </label>
                        {model_line}
                        {move || (!on_device.get()).then(|| match avail.get() {
                            None => view! { <p class="hint">"Checking for the browser's speech recognition…"</p> }.into_any(),
                            Some(Availability::OnDevice) => view! {
                                <p class="ok">"The browser's on-device speech recognition will be used: your audio stays on this device."</p>
                            }.into_any(),
                            Some(a) => view! {
                                {(a == Availability::OnDeviceDownloadable).then(|| view! {
                                    <p class="hint">"This browser can recognise speech on the device after a one-time download of the English language pack."</p>
                                    <button class="btn" on:click=move |_| { install.dispatch_local(()); } disabled=move || install.pending().get()>
                                        {move || if install.pending().get() { "Installing…" } else { "Install on-device recognition" }}
                                    </button>
                                })}
                                {(a != Availability::Unsupported).then(|| view! {
                                    <label class="mute">
                                        <input type="checkbox" prop:checked=move || allow_cloud.get()
                                            on:change=move |ev| allow_cloud.set(event_target_checked(&ev))/>
                                        " Use the browser's cloud recognition instead (your audio is then sent to the browser's vendor)"
                                    </label>
                                })}
                                <p class="hint" data-testid="no-transcript">
                                    {move || if allow_cloud.get() { "Cloud recognition will be used for this interview." } else {
                                        "Without recognition the interview runs with no transcript; pace, pauses, pitch and loudness still come from the audio. You can type or paste a transcript in the report, or transcribe it there later."
                                    }}
                                </p>
                            }.into_any(),
                        })}
                    </div>
                    {no_voice.then(|| view! {
                        <p class="hint" data-testid="no-voice">"No on-device voice is available, so questions will be shown but not read aloud."</p>
                    })}
                    <div class="actions">
                        <button class="btn primary" data-testid="begin" disabled=move || !matches!(status.get(), Status::Ready(_)) on:click=begin>
                            "Begin interview"
                        </button>
                        <button class="btn" on:click=back>"Back"</button>
                    </div>
                </div>
            </div>
        </section>
    }
    .into_any()
}

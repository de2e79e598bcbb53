//! The report's charts beside the recording: expressions, eye focus, pace per answer,
//! loudness and pitch; a cursor follows playback and a click seeks. The numbers behind
//! them are in a table (the charts' text alternative).

// Draws stored data (issue 20): no index, slice or narrowing cast that data can break.
#![deny(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use crate::components::charts::{
    draw_bars, draw_time, ChartCanvas, TimeChart, TimeData, EXPRESSION_COLOURS, FOCUS_COLOURS,
};
use interviewer_core::advice::PaceBand;
use interviewer_core::charts::{self, answer_pace};
use interviewer_core::face::timeline::FrameSample;
use interviewer_core::face::EXPRESSIONS;
use interviewer_core::format::{self, expression_shares, pct};
use interviewer_core::report::Report;
use leptos::prelude::*;

/// Arrow keys move the recording this far on a time chart.
const STEP_MS: f64 = 5000.0;

/// The answer being played at `t_ms`: the last one started by then (0 before the first).
fn answer_at(starts: &[f64], t_ms: f64) -> usize {
    starts.iter().rposition(|x| *x <= t_ms + 1.0).unwrap_or(0)
}

#[component]
pub fn ReportCharts(
    report: Report,
    timeline: Vec<FrameSample>,
    band: Signal<PaceBand>,
    now_ms: Signal<f64>,
    on_seek: Callback<f64>,
) -> impl IntoView {
    let data = TimeData {
        duration_ms: report.duration_ms,
        boundaries: charts::boundaries(&report),
        expressions: charts::expression_bins(&timeline, report.duration_ms),
        focus: charts::focus_runs(&timeline),
        voice: charts::voice_points(&report),
    };
    let has_face = !timeline.is_empty();
    let has_level = data.voice.iter().any(|p| p.level_dbfs.is_some());
    let has_pitch = data.voice.iter().any(|p| p.pitch_hz.is_some());
    let data = StoredValue::new(data);
    let starts: Vec<f64> = report.rows.iter().map(|r| r.start_ms).collect();
    let paces: Vec<Option<f64>> = report.rows.iter().map(answer_pace).collect();
    let labels: Vec<String> = report
        .rows
        .iter()
        .map(|r| format!("Q{}", r.index + 1))
        .collect();
    let has_pace = paces.iter().any(Option::is_some);
    let step_time = Callback::new(move |dir: i32| {
        on_seek.run((now_ms.get_untracked() + dir as f64 * STEP_MS).max(0.0))
    });
    let time_chart = move |kind: TimeChart, label: &str, testid: &'static str, h: f64| {
        view! {
            <ChartCanvas label=format!("{label}. Click to play the recording from that moment; the numbers per answer are in the table below.")
                testid=testid css_height=h described_by="chart-numbers"
                draw=Callback::new(move |c| data.with_value(|d| draw_time(&c, kind, d, h)))
                cursor=now_ms on_pick=on_seek on_step=step_time/>
        }
    };
    let pace_chart = {
        let starts = StoredValue::new(starts);
        let paces = StoredValue::new(paces.clone());
        let labels = StoredValue::new(labels.clone());
        // Arrow keys move to the previous or next answer.
        let step_answer = Callback::new(move |dir: i32| {
            let t = now_ms.get_untracked();
            starts.with_value(|s| {
                // An interview with no answer has nowhere to step (clamp(0, -1) panics).
                let k = if dir < 0 {
                    answer_at(s, t).checked_sub(1)
                } else {
                    answer_at(s, t).checked_add(1)
                };
                if let Some(x) = k.and_then(|k| s.get(k)).or_else(|| s.get(answer_at(s, t))) {
                    on_seek.run(*x)
                }
            })
        });
        view! {
            <ChartCanvas label="Pace per answer in words per minute, with your target band shaded. Click a bar to play that answer.".to_string()
                testid="chart-pace" css_height=150.0 described_by="chart-numbers"
                draw=Callback::new(move |c| {
                    let b = band.get();
                    paces.with_value(|p| labels.with_value(|l| draw_bars(&c, p, l, Some((b.low, b.high)), 150.0)))
                })
                on_pick=Callback::new(move |x: f64| {
                    starts.with_value(|s| {
                        // The bar under a click: a saturating cast of a finite pixel index.
                        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "saturating, NaN gives 0")]
                        let k = x.floor().max(0.0) as usize;
                        if let Some(t) = s.get(k) { on_seek.run(*t) }
                    })
                })
                cursor=Signal::derive(move || {
                    // The answer being played: a cursor through the middle of its bar.
                    let t = now_ms.get();
                    starts.with_value(|s| answer_at(s, t) as f64 + 0.5)
                })
                on_step=step_answer/>
        }
    };
    let swatch = |colour: &'static str, name: &'static str| {
        view! { <li><span class="swatch" style:background=colour></span>{name}</li> }
    };
    view! {
        <div class="charts" data-testid="charts">
            {has_face.then(|| view! {
                <h3>"Expressions over time"</h3>
                {time_chart(TimeChart::Expressions, "Expressions over time: the share of each of the 7 expressions, averaged over 2-second steps", "chart-expressions", 130.0)}
                <ul class="legend">
                    {EXPRESSIONS.iter().zip(EXPRESSION_COLOURS).map(|(n, c)| swatch(c, n)).collect_view()}
                </ul>
                <h3>"Eye focus over time"</h3>
                {time_chart(TimeChart::Focus, "Eye focus over time: screen centre, border, away, or no face", "chart-focus", 70.0)}
                <ul class="legend">
                    {swatch(FOCUS_COLOURS[0], "screen centre")}
                    {swatch(FOCUS_COLOURS[1], "screen border")}
                    {swatch(FOCUS_COLOURS[2], "away")}
                    {swatch(FOCUS_COLOURS[3], "no face")}
                </ul>
            })}
            {has_pace.then(|| view! { <h3>"Pace per answer"</h3> {pace_chart} })}
            {has_level.then(|| view! {
                <h3>"Loudness over time"</h3>
                {time_chart(TimeChart::Loudness, "Loudness of your voice over time, in dB below full scale", "chart-loudness", 110.0)}
            })}
            {has_pitch.then(|| view! {
                <h3>"Pitch over time"</h3>
                {time_chart(TimeChart::Pitch, "Pitch of your voice over time, in hertz", "chart-pitch", 110.0)}
            })}
            {(!has_face && !has_pace && !has_level).then(|| view! {
                <p class="hint">"No charts: this interview has no face or speech analysis."</p>
            })}
            <ChartNumbers report=report.clone()/>
        </div>
    }
}

/// The charts' numbers, per answer (their text alternative, and handy on paper).
#[component]
fn ChartNumbers(report: Report) -> impl IntoView {
    view! {
        <details class="chart-numbers">
            <summary>"The numbers behind the charts"</summary>
            <table id="chart-numbers" data-testid="chart-numbers">
                <caption class="sr-only">"Figures per answer"</caption>
                <thead><tr>
                    <th scope="col">"Answer"</th><th scope="col">"Starts at"</th><th scope="col">"Pace (words/min)"</th>
                    <th scope="col">"Loudness"</th><th scope="col">"Pitch"</th>
                    <th scope="col">"Centre / border / away / no face"</th><th scope="col">"Main expressions"</th>
                </tr></thead>
                <tbody>
                    {report.rows.iter().map(|r| {
                        let s = r.speech.as_ref();
                        view! {
                            <tr>
                                <th scope="row">{format!("Q{}", r.index + 1)}</th>
                                <td>{format::mmss(r.start_ms)}</td>
                                <td>{answer_pace(r).map(|w| format!("{w:.0}")).unwrap_or_else(|| "–".into())}</td>
                                <td>{s.and_then(|s| s.loudness_dbfs).map(|v| format!("{v:.0} dBFS")).unwrap_or_else(|| "–".into())}</td>
                                <td>{s.and_then(|s| s.pitch_mean_hz.map(|m| format!("{m:.0} Hz ± {:.1} st", s.pitch_spread_st.unwrap_or(0.0)))).unwrap_or_else(|| "–".into())}</td>
                                <td>{r.face.as_ref().map(|f| format!("{} / {} / {} / {}", pct(f.focus[0]), pct(f.focus[1]), pct(f.focus[2]), pct(f.focus[3]))).unwrap_or_else(|| "–".into())}</td>
                                <td>{r.face.as_ref().map(|f| expression_shares(&f.expressions)).unwrap_or_else(|| "–".into())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

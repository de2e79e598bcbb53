//! The report's and history's charts, drawn with plotters on a canvas. What they show is
//! computed in `interviewer_core::charts` / `progress`; this only draws it and returns
//! the pixel mapping (`TimeFrame`) that the playback cursor and click-to-seek use.

// Draws stored data (issue 20): no index or slice that data can break. Casts to pixel
// sizes and label counts stay: float-to-int casts saturate (NaN gives 0), never panic.
#![deny(clippy::indexing_slicing)]
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "pixel sizes, label counts and colour bytes: saturating casts of finite values"
)]

use interviewer_core::charts::{ExpressionBin, FocusRun, TimeFrame, VoicePoint};
use interviewer_core::face::focus::Focus;
use interviewer_core::format;
use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// Colours of the FER2013 classes, in their order (angry .. neutral).
pub const EXPRESSION_COLOURS: [&str; 7] = [
    "#d9534f", "#8a6d3b", "#7b5ea7", "#f0ad4e", "#4a7fd6", "#24a89b", "#a3adb8",
];
/// Colours of centre, border, away, no face.
pub const FOCUS_COLOURS: [&str; 4] = ["#2e9d5b", "#e0b000", "#d9534f", "#c9ced6"];

fn rgb(hex: &str) -> RGBColor {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    RGBColor((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

const INK: RGBColor = RGBColor(0x33, 0x3a, 0x44);
const GRID: RGBColor = RGBColor(0xe3, 0xe7, 0xec);

/// What a time chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeChart {
    Expressions,
    Focus,
    Loudness,
    Pitch,
}

/// Everything the time charts draw, computed once per report.
pub struct TimeData {
    pub duration_ms: f64,
    /// Answer starts with their 1-based numbers.
    pub boundaries: Vec<(f64, usize)>,
    pub expressions: Vec<ExpressionBin>,
    pub focus: Vec<FocusRun>,
    pub voice: Vec<VoicePoint>,
}

/// Device pixels per CSS pixel, for crisp lines and text.
pub fn scale() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .unwrap_or(1.0)
        .clamp(1.0, 3.0)
}

/// Width the charts are drawn at (CSS pixels; the canvas is then scaled to its column by
/// CSS). A fixed width means drawing never reads the layout, which on a long report
/// forced a full layout per chart.
pub const CHART_WIDTH: f64 = 720.0;

/// Sizes the canvas to `css_width` × `css_height` at the device's pixel ratio.
fn prepare(canvas: &HtmlCanvasElement, css_width: f64, css_height: f64) -> f64 {
    let s = scale();
    canvas.set_width((css_width * s).round() as u32);
    canvas.set_height((css_height * s).round() as u32);
    s
}

fn area(canvas: &HtmlCanvasElement) -> Option<DrawingArea<CanvasBackend, Shift>> {
    let root = CanvasBackend::with_canvas_object(canvas.clone())?.into_drawing_area();
    root.fill(&WHITE).ok()?;
    Some(root)
}

fn font(s: f64, px: f64) -> TextStyle<'static> {
    ("sans-serif", px * s).into_font().color(&INK)
}

type Chart<'a> = ChartContext<'a, CanvasBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A chart's frame: margins (CSS px: top, right), a 22-px time/label row under it and
/// `y_area` px of value labels on its left.
fn frame(
    root: &DrawingArea<CanvasBackend, Shift>,
    s: f64,
    (top, right, y_area): (f64, f64, f64),
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Option<Chart<'_>> {
    ChartBuilder::on(root)
        .margin_top(top * s)
        .margin_right(right * s)
        .margin_left(4.0 * s)
        .x_label_area_size(22.0 * s)
        .y_label_area_size(y_area * s)
        .build_cartesian_2d(x, y)
        .ok()
}

/// Every chart's grid: horizontal lines only, light, small labels.
fn mesh<'a, 'b>(
    chart: &'b mut Chart<'a>,
    s: f64,
) -> MeshStyle<'a, 'b, RangedCoordf64, RangedCoordf64, CanvasBackend> {
    let mut m = chart.configure_mesh();
    m.disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_style(GRID)
        .label_style(font(s, 11.0));
    m
}

/// The shaded target band (pace).
fn band_rect(x0: f64, x1: f64, (lo, hi): (f64, f64)) -> Rectangle<(f64, f64)> {
    Rectangle::new([(x0, lo), (x1, hi)], rgb("#2e9d5b").mix(0.12).filled())
}

/// Draws one time chart and returns its time <-> pixel mapping (canvas pixels).
pub fn draw_time(
    canvas: &HtmlCanvasElement,
    kind: TimeChart,
    d: &TimeData,
    css_height: f64,
) -> Option<TimeFrame> {
    let s = prepare(canvas, CHART_WIDTH, css_height);
    let root = area(canvas)?;
    let dur = d.duration_ms.max(1000.0);
    let levels = || d.voice.iter().filter_map(|p| p.level_dbfs.map(f64::from));
    let pitches = || d.voice.iter().filter_map(|p| p.pitch_hz.map(f64::from));
    let (y0, y1) = match kind {
        TimeChart::Expressions | TimeChart::Focus => (0.0, 1.0),
        TimeChart::Loudness => {
            let lo = levels().fold(f64::INFINITY, f64::min);
            let hi = levels().fold(f64::NEG_INFINITY, f64::max);
            if lo.is_finite() {
                ((lo - 3.0).floor(), (hi + 3.0).ceil().min(0.0))
            } else {
                (-60.0, 0.0)
            }
        }
        TimeChart::Pitch => {
            let lo = pitches().fold(f64::INFINITY, f64::min);
            let hi = pitches().fold(f64::NEG_INFINITY, f64::max);
            if lo.is_finite() {
                ((lo * 0.9).floor(), (hi * 1.1).ceil())
            } else {
                (60.0, 400.0)
            }
        }
    };
    let y_area = if kind == TimeChart::Focus { 8.0 } else { 46.0 };
    let mut chart = frame(&root, s, (14.0, 12.0, y_area), 0f64..dur, y0..y1)?;
    let mut mesh = mesh(&mut chart, s);
    mesh
        // Whole seconds only: short recordings would otherwise repeat a label.
        // At most 8 labels: capped before the cast, so no duration can overflow it.
        .x_labels(((dur / 1000.0).floor().clamp(1.0, 7.0) as usize) + 1)
        .x_label_formatter(&|v| format::mmss(*v));
    match kind {
        TimeChart::Expressions => {
            mesh.y_labels(3)
                .y_label_formatter(&|v| format!("{:.0}%", v * 100.0));
        }
        TimeChart::Focus => {
            mesh.y_labels(0);
        }
        TimeChart::Loudness => {
            mesh.y_labels(4)
                .y_label_formatter(&|v| format!("{v:.0} dB"));
        }
        TimeChart::Pitch => {
            mesh.y_labels(4)
                .y_label_formatter(&|v| format!("{v:.0} Hz"));
        }
    }
    mesh.draw().ok()?;

    match kind {
        TimeChart::Expressions => {
            let step = interviewer_core::charts::EXPRESSION_BIN_MS;
            chart
                .draw_series(d.expressions.iter().flat_map(|b| {
                    let mut out = Vec::new();
                    if let Some(p) = b.probs {
                        let mut base = 0.0;
                        for (v, colour) in p.iter().zip(EXPRESSION_COLOURS) {
                            let top = base + *v as f64;
                            out.push(Rectangle::new(
                                [(b.start_ms, base), ((b.start_ms + step).min(dur), top)],
                                rgb(colour).filled(),
                            ));
                            base = top;
                        }
                    }
                    out
                }))
                .ok()?;
        }
        TimeChart::Focus => {
            chart
                .draw_series(d.focus.iter().map(|r| {
                    let colour = Focus::ALL
                        .iter()
                        .zip(FOCUS_COLOURS)
                        .find(|(f, _)| **f == r.focus)
                        .map_or(FOCUS_COLOURS[3], |(_, c)| c);
                    Rectangle::new(
                        [(r.start_ms, 0.15), (r.end_ms.min(dur), 0.85)],
                        rgb(colour).filled(),
                    )
                }))
                .ok()?;
        }
        TimeChart::Loudness | TimeChart::Pitch => {
            let value = |p: &VoicePoint| match kind {
                TimeChart::Loudness => p.level_dbfs.map(f64::from),
                _ => p.pitch_hz.map(f64::from),
            };
            // Unbroken stretches become one line each: silence is a gap, not a drop.
            let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            let mut last_t = f64::NEG_INFINITY;
            for p in &d.voice {
                match value(p) {
                    Some(v) if p.t_ms - last_t <= 300.0 => runs.last_mut()?.push((p.t_ms, v)),
                    Some(v) => runs.push(vec![(p.t_ms, v)]),
                    None => runs.push(Vec::new()),
                }
                last_t = p.t_ms;
            }
            let colour = if kind == TimeChart::Loudness {
                rgb("#4a7fd6")
            } else {
                rgb("#7b5ea7")
            };
            for r in runs.into_iter().filter(|r| !r.is_empty()) {
                if let [only] = r[..] {
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            only,
                            (1.5 * s) as i32,
                            colour.filled(),
                        )))
                        .ok()?;
                } else {
                    chart
                        .draw_series(LineSeries::new(r, colour.stroke_width((1.5 * s) as u32)))
                        .ok()?;
                }
            }
        }
    }

    // Question boundaries on every time chart.
    for (t, n) in &d.boundaries {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*t, y0), (*t, y1)],
                INK.mix(0.45).stroke_width(s.max(1.0) as u32),
            )))
            .ok()?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("Q{n}"),
                (*t, y1),
                font(s, 11.0).pos(Pos::new(HPos::Left, VPos::Bottom)),
            )))
            .ok()?;
    }
    let (xr, _) = chart.plotting_area().get_pixel_range();
    root.present().ok()?;
    Some(TimeFrame {
        left: xr.start as f64,
        right: xr.end as f64,
        start_ms: 0.0,
        end_ms: dur,
    })
}

/// Bars of one value per item (e.g. pace per answer), with a shaded target band; returns
/// the mapping of item index (as "ms" 0..n) to pixels for click handling.
pub fn draw_bars(
    canvas: &HtmlCanvasElement,
    values: &[Option<f64>],
    labels: &[String],
    band: Option<(f64, f64)>,
    css_height: f64,
) -> Option<TimeFrame> {
    let s = prepare(canvas, CHART_WIDTH, css_height);
    let root = area(canvas)?;
    let n = values.len().max(1);
    let top = values
        .iter()
        .flatten()
        .copied()
        .chain(band.map(|b| b.1))
        .fold(0.0, f64::max)
        * 1.15;
    let top = if top > 0.0 { top } else { 1.0 };
    let mut chart = frame(&root, s, (10.0, 12.0, 46.0), 0f64..n as f64, 0f64..top)?;
    mesh(&mut chart, s)
        .x_labels(0)
        .y_labels(4)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .ok()?;
    if let Some(b) = band {
        chart
            .draw_series(std::iter::once(band_rect(0.0, n as f64, b)))
            .ok()?;
    }
    chart
        .draw_series(values.iter().enumerate().filter_map(|(i, v)| {
            v.map(|v| {
                let outside = band.is_some_and(|(lo, hi)| v < lo || v > hi);
                Rectangle::new(
                    [(i as f64 + 0.2, 0.0), (i as f64 + 0.8, v)],
                    rgb(if outside { "#e0962b" } else { "#4a7fd6" }).filled(),
                )
            })
        }))
        .ok()?;
    chart
        .draw_series(values.iter().enumerate().map(|(i, v)| {
            let label = match v {
                Some(v) => format!("{} · {v:.0}", labels.get(i).cloned().unwrap_or_default()),
                None => format!("{} · –", labels.get(i).cloned().unwrap_or_default()),
            };
            Text::new(
                label,
                (i as f64 + 0.5, 0.0),
                font(s, 11.0).pos(Pos::new(HPos::Center, VPos::Top)),
            )
        }))
        .ok()?;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    root.present().ok()?;
    Some(TimeFrame {
        left: xr.start as f64,
        right: xr.end as f64,
        start_ms: 0.0,
        end_ms: n as f64,
    })
}

/// A progress line over interviews (oldest left), with an optional target band.
pub fn draw_progress(
    canvas: &HtmlCanvasElement,
    values: &[Option<f64>],
    labels: &[String],
    band: Option<(f64, f64)>,
    y_fmt: fn(f64) -> String,
    css_height: f64,
) -> Option<()> {
    let s = prepare(canvas, 520.0, css_height);
    let root = area(canvas)?;
    let n = values.len().max(1);
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let hi = present
        .iter()
        .copied()
        .chain(band.map(|b| b.1))
        .fold(f64::NEG_INFINITY, f64::max);
    let lo = present
        .iter()
        .copied()
        .chain(band.map(|b| b.0))
        .fold(f64::INFINITY, f64::min);
    let (lo, hi) = if hi.is_finite() {
        let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.05).max(0.5);
        ((lo - pad).max(0.0), hi + pad)
    } else {
        (0.0, 1.0)
    };
    let mut chart = frame(
        &root,
        s,
        (10.0, 16.0, 46.0),
        -0.5f64..n as f64 - 0.5,
        lo..hi,
    )?;
    let label_of = |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 {
            labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    mesh(&mut chart, s)
        .x_labels(n.min(8) + 1)
        .x_label_formatter(&label_of)
        .y_labels(4)
        .y_label_formatter(&|v| y_fmt(*v))
        .draw()
        .ok()?;
    if let Some(b) = band {
        chart
            .draw_series(std::iter::once(band_rect(-0.5, n as f64 - 0.5, b)))
            .ok()?;
    }
    let pts: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
        .collect();
    let colour = rgb("#4a7fd6");
    chart
        .draw_series(LineSeries::new(
            pts.clone(),
            colour.stroke_width((1.5 * s) as u32),
        ))
        .ok()?;
    chart
        .draw_series(
            pts.into_iter()
                .map(|p| Circle::new(p, (3.0 * s) as i32, colour.filled())),
        )
        .ok()?;
    root.present().ok()?;
    Some(())
}

/// A chart canvas with a playback cursor, click-to-seek and arrow-key steps. `draw` draws
/// into the canvas (re-run when the signals it reads change) and returns
/// the mapping from the chart's domain (ms, or item index for bars) to canvas pixels.
#[leptos::component]
pub fn ChartCanvas(
    /// What the chart shows, for screen readers (the numbers are in the table it names).
    label: String,
    testid: &'static str,
    css_height: f64,
    draw: leptos::prelude::Callback<HtmlCanvasElement, Option<TimeFrame>>,
    /// Playback position in the chart's domain; None: no cursor.
    #[prop(optional)]
    cursor: Option<leptos::prelude::Signal<f64>>,
    /// A click at a domain value.
    on_pick: leptos::prelude::Callback<f64>,
    /// Arrow keys: -1 or +1.
    on_step: leptos::prelude::Callback<i32>,
    #[prop(optional)] described_by: Option<&'static str>,
) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    // The mapping and the canvas width, both in canvas pixels.
    let frame = RwSignal::new(None::<(TimeFrame, f64)>);
    Effect::new(move |_| {
        let Some(c) = canvas.get() else { return };
        let f = draw.run(c.clone());
        frame.set(f.map(|f| (f, c.width().max(1) as f64)));
    });
    // As a share of the width: the canvas is scaled by CSS, and this needs no layout read.
    let cursor_left = move || {
        let (f, w) = frame.get()?;
        let t = cursor?.get();
        (t >= f.start_ms && t <= f.end_ms).then(|| format!("{:.3}%", f.x_of(t) / w * 100.0))
    };
    leptos::view! {
        <div class="chart" data-testid=testid>
            <canvas node_ref=canvas role="img" tabindex="0" aria-label=label
                aria-describedby=described_by
                style:height=format!("{css_height}px")
                on:click=move |ev: web_sys::MouseEvent| {
                    if let (Some((f, w)), Some(c)) = (frame.get_untracked(), canvas.get_untracked()) {
                        let css = c.client_width().max(1) as f64;
                        on_pick.run(f.t_of(ev.offset_x() as f64 * w / css));
                    }
                }
                on:keydown=move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
                    "ArrowLeft" => { ev.prevent_default(); on_step.run(-1) }
                    "ArrowRight" => { ev.prevent_default(); on_step.run(1) }
                    _ => {}
                }></canvas>
            {move || cursor_left().map(|left| view! {
                <div class="chart-cursor" style:left=left aria-hidden="true"></div>
            })}
        </div>
    }
}

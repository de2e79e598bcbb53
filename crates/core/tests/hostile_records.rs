//! No panic reachable from data: generated records, with the extremes an edited or
//! damaged export holds (1e308, -8.64e15, NaN, infinities, huge indices, odd ids and text),
//! go through every pure function the report, the history, the charts, the advice, the
//! replay and the export use, natively. The records are *not* validated first: the bounds
//! (`bounds::check_record`) keep such records out of the app, and these functions must not
//! panic even behind them. What passes the bounds must also survive an export round trip.

use interviewer_core::bounds;
use interviewer_core::charts::{self, TimeFrame};
use interviewer_core::content;
use interviewer_core::export::{self, Source};
use interviewer_core::face::focus::{Calibration, Focus};
use interviewer_core::face::pose::Gaze;
use interviewer_core::face::timeline::FrameSample;
use interviewer_core::interview::QuestionSpan;
use interviewer_core::questions::{PlannedQuestion, Track};
use interviewer_core::record::{
    migrate_record, AnswerSpeech, AnswerTranscript, ChunkMeta, InterviewRecord, MediaKind, Status,
    TimedWord, TranscriptSegment, TranscriptSource,
};
use interviewer_core::speech::audio::{AudioMetrics, ContourPoint, Span};
use interviewer_core::{advice, format, progress, replay, report};
use proptest::prelude::*;

fn num() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 0.0..700_000.0f64,
        1 => Just(1e308),
        1 => Just(-8.64e15),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(-1.0),
        1 => Just(f64::MAX),
        1 => any::<f64>(),
        1 => 1.6e12..1.9e12f64,
    ]
}

fn num32() -> impl Strategy<Value = f32> {
    prop_oneof![
        3 => -100.0..300.0f32,
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(f32::MAX),
        1 => any::<f32>(),
    ]
}

fn index() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 0..6usize, 1 => Just(99), 1 => Just(4_294_967_295), 1 => Just(usize::MAX)]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z ,.]{0,60}",
        "\\PC{0,40}",
        "((um|uh|I|we|led|the|team|so|result|because|first|then) ){0,30}",
        Just("../../etc".to_string()),
        Just("a#/history?x=<b>".to_string()),
    ]
}

fn span() -> impl Strategy<Value = Span> {
    (num(), num()).prop_map(|(start_ms, duration_ms)| Span {
        start_ms,
        duration_ms,
    })
}

fn audio() -> impl Strategy<Value = AudioMetrics> {
    (
        (num(), num(), num(), num(), num(), num(), num()),
        (any::<usize>(), 0..50usize, any::<usize>()),
        proptest::collection::vec(span(), 0..6),
        proptest::collection::vec(span(), 0..4),
        (
            proptest::option::of(num()),
            proptest::option::of(num()),
            proptest::option::of(num()),
            proptest::option::of(num()),
            any::<bool>(),
        ),
        proptest::collection::vec(
            (
                any::<u32>(),
                proptest::option::of(num32()),
                proptest::option::of(num32()),
            ),
            0..6,
        ),
    )
        .prop_map(
            |(
                (duration_ms, speaking_ms, speaking_ratio, longest, sps, wpm_s, wpm_e),
                (pauses_1s, long_pauses, syllables),
                pauses,
                filled_pauses,
                (pitch, spread, loud, loud_spread, monotone),
                contour,
            )| AudioMetrics {
                duration_ms,
                speaking_ms,
                speaking_ratio,
                pauses,
                pauses_1s,
                long_pauses,
                longest_pause_ms: longest,
                syllables,
                syllables_per_s: sps,
                wpm_estimate_speaking: wpm_s,
                wpm_estimate_elapsed: wpm_e,
                pitch_mean_hz: pitch,
                pitch_spread_st: spread,
                monotone,
                loudness_dbfs: loud,
                loudness_spread_db: loud_spread,
                filled_pauses,
                contour: contour
                    .into_iter()
                    .map(|(t_ms, level_dbfs, pitch_hz)| ContourPoint {
                        t_ms,
                        level_dbfs,
                        pitch_hz,
                    })
                    .collect(),
                ..AudioMetrics::default()
            },
        )
}

fn transcript() -> impl Strategy<Value = AnswerTranscript> {
    (
        index(),
        text(),
        any::<bool>(),
        proptest::collection::vec((num(), text()), 0..5),
        proptest::collection::vec((text(), num(), num()), 0..8),
        0..3usize,
    )
        .prop_map(
            |(index, text, corrected, segs, words, source)| AnswerTranscript {
                index,
                text,
                corrected,
                segments: segs
                    .into_iter()
                    .map(|(t_ms, text)| TranscriptSegment { t_ms, text })
                    .collect(),
                source: [
                    TranscriptSource::Browser,
                    TranscriptSource::Model,
                    TranscriptSource::Typed,
                ][source],
                words: words
                    .into_iter()
                    .map(|(text, start_ms, end_ms)| TimedWord {
                        text,
                        start_ms,
                        end_ms,
                    })
                    .collect(),
            },
        )
}

fn question() -> impl Strategy<Value = PlannedQuestion> {
    (
        text(),
        any::<u32>(),
        proptest::option::of(any::<u32>()),
        proptest::option::of(index()),
        proptest::collection::vec(text(), 0..4),
        any::<bool>(),
    )
        .prop_map(
            |(text, limit_s, suggested_s, follows, points, story)| PlannedQuestion {
                text,
                limit_s,
                custom: true,
                id: None,
                kind: story.then_some(interviewer_core::questions::QuestionKind::Behavioural),
                points,
                terms: Vec::new(),
                suggested_s,
                follows,
            },
        )
}

fn frame() -> impl Strategy<Value = FrameSample> {
    (
        any::<u32>(),
        0..4usize,
        proptest::collection::vec(any::<u8>(), 0..9),
        proptest::option::of(num32()),
        proptest::option::of(num32()),
    )
        .prop_map(|(t, focus, expr, yaw, pitch)| FrameSample {
            t,
            focus: Focus::ALL[focus],
            expr,
            yaw,
            pitch,
        })
}

prop_compose! {
    fn record()(
        (id, created_ms, duration_ms, heartbeat) in (text(), num(), num(), proptest::option::of(num())),
        questions in proptest::collection::vec(question(), 0..5),
        spans in proptest::collection::vec((index(), num(), proptest::option::of(num())), 0..5),
        speech in proptest::collection::vec((index(), audio()), 0..3),
        transcripts in proptest::collection::vec(transcript(), 0..3),
        timeline in proptest::collection::vec(frame(), 0..30),
        (status, calibrated, cal) in (0..4usize, any::<bool>(), (num32(), num32(), num32())),
        (chunk_count, bytes, job_terms) in (any::<u32>(), num(), proptest::collection::vec(text(), 0..3)),
    ) -> InterviewRecord {
        let mut r = InterviewRecord::new(
            id,
            created_ms,
            Track::General,
            questions,
            "video/webm".into(),
            MediaKind::AudioVideo,
        );
        r.duration_ms = duration_ms;
        r.heartbeat_ms = heartbeat;
        r.spans = spans
            .into_iter()
            .map(|(index, start_ms, end_ms)| QuestionSpan { index, start_ms, end_ms })
            .collect();
        r.speech = speech
            .into_iter()
            .map(|(index, audio)| AnswerSpeech { index, audio })
            .collect();
        r.transcripts = transcripts;
        r.timeline = timeline;
        r.status = [Status::Recording, Status::Finished, Status::Recovered, Status::Stopped][status];
        r.calibration = calibrated.then_some(Calibration {
            centre: Gaze { x_deg: cal.0, y_deg: cal.1 },
            left_deg: cal.2,
            right_deg: cal.2,
            up_deg: cal.2,
            down_deg: cal.2,
            measured: true,
        });
        r.chunk_count = chunk_count;
        r.bytes = bytes;
        r.job_terms = job_terms;
        r
    }
}

/// Everything the report page, the history, the charts, the advice, the replay and the
/// export compute from one record.
fn use_everywhere(rec: &InterviewRecord, x: f64) {
    for tz in [0.0, -600.0, 840.0, x] {
        let rep = report::build_report(rec, tz);
        let _ = rep.duration.len() + rep.date.len();
        let _ = charts::boundaries(&rep);
        let _ = charts::voice_points(&rep);
        let _ = report::summarise_delivery(&rep.rows);
        let band = advice::PaceBand::new(120.0, 160.0).expect("a valid band");
        for row in &rep.rows {
            let _ = charts::answer_pace(row);
            if let Some(p) = row.pace() {
                let _ = advice::pace_summary(p, band);
            }
            let _ = advice::advise(row, band);
            let _ = row.time_of_text(usize::MAX);
            for offset in [0, 1, 7, row.transcript.as_deref().map_or(0, str::len)] {
                let _ = row.time_of_text(offset);
                if let Some(t) = &row.transcript {
                    let _ = replay::time_of_word(t, &row.words, offset);
                    let _ = replay::time_of(
                        t,
                        &row.segments,
                        row.transcript_corrected,
                        row.start_ms,
                        row.start_ms + row.answer_ms,
                        offset,
                    );
                }
            }
            if let Some(c) = &row.content {
                let _ = content::advice(c);
                let _ = c.parts();
                let _ = c.covered();
            }
        }
    }
    let _ = charts::expression_bins(&rec.timeline, rec.duration_ms);
    let _ = charts::expression_bins(&rec.timeline, x);
    let _ = charts::focus_runs(&rec.timeline);
    let frame = TimeFrame {
        left: 10.0,
        right: 500.0,
        start_ms: 0.0,
        end_ms: rec.duration_ms,
    };
    let _ = frame.t_of(frame.x_of(x));
    let figures = progress::progress(std::slice::from_ref(rec), None);
    let _ = progress::tracks_present(std::slice::from_ref(rec));
    let _ = progress::change(&figures.iter().map(|k| k.wpm).collect::<Vec<_>>());
    let _ = progress::change(&[Some(x), None, Some(rec.duration_ms)]);
    let mut list = vec![rec.clone(), rec.clone()];
    report::sort_history(&mut list);
    let _ = (
        format::mmss(x),
        format::bytes(x),
        format::bytes(rec.bytes),
        format::date_time(x, x),
        format::date_time(rec.created_ms, 0.0),
        format::pct(x as f32),
    );
    let _ = content::terms::used(&rec.job_terms, rec.transcript(0).unwrap_or(""));
    // The record's own operations.
    let _ = (
        rec.head(),
        rec.answers(),
        rec.awaiting_model(),
        rec.is_live(x),
    );
    let mut r = rec.clone();
    r.recover(&[ChunkMeta {
        seq: 0,
        t_ms: x,
        size: x,
    }]);
    let mut r = rec.clone();
    r.finish(x);
    // Export and import: refused or read, never a panic.
    let chunks = [(
        ChunkMeta {
            seq: 0,
            t_ms: x,
            size: 3.0,
        },
        export::crc32(b"abc"),
    )];
    for with in [true, false] {
        let h = export::build_header(vec![Source::of(rec, &chunks)], with, x);
        let mut file = export::encode_prefix(&h);
        if with {
            file.extend_from_slice(b"abc");
        }
        let len = file.len() as u64;
        if let Ok(n) = export::header_len(&file, len) {
            let _ = export::parse_header(n, &file[export::PREFIX_LEN..], len);
        }
    }
    if let Ok(v) = serde_json::to_value(rec) {
        let _ = migrate_record(v);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn no_panic_from_any_record(rec in record(), x in num()) {
        use_everywhere(&rec, x);
    }

    /// The bounds refuse no record the app itself makes, and such a record comes back
    /// equal from an export.
    #[test]
    fn normal_records_pass_the_bounds_and_round_trip(rec in normal_record()) {
        prop_assert_eq!(bounds::check_record(&rec), Ok(()));
        let h = export::build_header(vec![Source::of(&rec, &[])], false, 1.7e12);
        let file = export::encode_prefix(&h);
        let len = file.len() as u64;
        let n = export::header_len(&file, len).expect("the app's own export");
        let imp = export::parse_header(n, &file[export::PREFIX_LEN..], len)
            .expect("a record that passes the bounds imports");
        let mut expected = rec.clone();
        expected.chunk_count = 0;
        expected.bytes = 0.0;
        prop_assert_eq!(&imp.interviews[0].0, &expected);
    }
}

/// An export file as a fuzzer would hand it over: a valid one with bytes flipped, cut,
/// inserted or overwritten anywhere, or bytes from nowhere; the importer's parsing (what
/// the app runs before writing anything) refuses or reads it, never panics, and never
/// takes a header whose checksum fails.
fn mangled_export() -> impl Strategy<Value = Vec<u8>> {
    let good = {
        let qs = interviewer_core::questions::plan_questions(Track::General, 2, 60, &[], 1);
        let mut r = InterviewRecord::new(
            "iv-1".into(),
            1.7e12,
            Track::General,
            qs,
            "video/webm".into(),
            MediaKind::AudioVideo,
        );
        r.set_transcript(0, "we shipped it", false);
        r.chunk_count = 2;
        r.bytes = 6.0;
        r.finish(2_000.0);
        let chunks = [
            (
                ChunkMeta {
                    seq: 0,
                    t_ms: 1_000.0,
                    size: 3.0,
                },
                export::crc32(b"abc"),
            ),
            (
                ChunkMeta {
                    seq: 1,
                    t_ms: 2_000.0,
                    size: 3.0,
                },
                export::crc32(b"def"),
            ),
        ];
        let mut f = export::encode_prefix(&export::build_header(
            vec![Source::of(&r, &chunks)],
            true,
            1.7e12,
        ));
        f.extend_from_slice(b"abcdef");
        f
    };
    let n = good.len();
    prop_oneof![
        proptest::collection::vec((0..n, any::<u8>()), 1..4).prop_map({
            let good = good.clone();
            move |edits| {
                let mut f = good.clone();
                for (i, b) in edits {
                    f[i] ^= b.max(1);
                }
                f
            }
        }),
        (0..n).prop_map({
            let good = good.clone();
            move |k| good[..k].to_vec()
        }),
        (0..n, proptest::collection::vec(any::<u8>(), 1..16)).prop_map({
            let good = good.clone();
            move |(k, extra)| {
                let mut f = good[..k].to_vec();
                f.extend(extra);
                f.extend_from_slice(&good[k..]);
                f
            }
        }),
        proptest::collection::vec(any::<u8>(), 0..200).prop_map(|mut f| {
            if f.len() > 24 {
                f[..16].copy_from_slice(export::MAGIC);
            }
            f
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    #[test]
    fn mangled_exports_are_refused_or_read_never_a_panic(file in mangled_export()) {
        let len = file.len() as u64;
        let prefix = &file[..export::PREFIX_LEN.min(file.len())];
        if let Ok(n) = export::header_len(prefix, len) {
            let end = (export::PREFIX_LEN as u64 + n + export::HEADER_SUM_LEN as u64).min(len);
            if let Ok(imp) = export::parse_header(n, &file[export::PREFIX_LEN..end as usize], len) {
                // Accepted: then the header is byte for byte what was exported (its
                // checksum held) and every record passes the bounds.
                for (rec, chunks) in &imp.interviews {
                    prop_assert_eq!(bounds::check_record(rec), Ok(()));
                    for c in chunks {
                        let at = (imp.data_start + c.offset) as usize;
                        let _ = c.intact(&file[at..at + c.size as usize]);
                    }
                }
            }
        }
    }
}

/// A record as the app makes one: every value in the range a real interview gives.
fn normal_record() -> impl Strategy<Value = InterviewRecord> {
    let words = "((um|uh|I|we|led|the|team|so|result|because|first|then|é|日本) ){0,40}";
    (
        (
            "iv-[0-9]{13}-[0-9a-f]{1,8}",
            1.6e12..1.9e12f64,
            1_000.0..3_600_000.0f64,
        ),
        proptest::collection::vec(
            (
                "[A-Za-z ,?]{1,120}",
                0..900u32,
                proptest::collection::vec("[a-z ]{1,40}", 0..4),
            ),
            1..6,
        ),
        proptest::collection::vec(0.0..1.0f64, 0..6),
        proptest::collection::vec(
            (
                0.0..1.0f64,
                0.0..1.0f64,
                0.0..1.0f64,
                50.0..400.0f64,
                -60.0..0.0f64,
            ),
            0..3,
        ),
        proptest::collection::vec((words, proptest::collection::vec(0.0..1.0f64, 0..10)), 0..3),
        proptest::collection::vec(
            (0.0..1.0f64, 0..4usize, any::<bool>(), -60.0..60.0f32),
            0..40,
        ),
        0..3usize,
    )
        .prop_map(
            |((id, created, duration), qs, starts, speech, texts, frames, status)| {
                let questions: Vec<PlannedQuestion> = qs
                    .into_iter()
                    .map(|(text, limit_s, points)| PlannedQuestion {
                        text,
                        limit_s,
                        custom: true,
                        id: None,
                        kind: None,
                        points,
                        terms: Vec::new(),
                        suggested_s: None,
                        follows: None,
                    })
                    .collect();
                let n = questions.len();
                let mut r = InterviewRecord::new(
                    id,
                    created,
                    Track::General,
                    questions,
                    "video/webm;codecs=vp8,opus".into(),
                    MediaKind::AudioVideo,
                );
                let mut starts: Vec<f64> =
                    starts.into_iter().take(n).map(|f| f * duration).collect();
                starts.sort_by(f64::total_cmp);
                let ends: Vec<f64> = starts.iter().skip(1).copied().chain([duration]).collect();
                r.spans = starts
                    .iter()
                    .zip(ends)
                    .enumerate()
                    .map(|(index, (s, e))| QuestionSpan {
                        index,
                        start_ms: *s,
                        end_ms: Some(e),
                    })
                    .collect();
                for (k, (ratio, pause, wpm, pitch, loud)) in speech.into_iter().enumerate() {
                    let d = duration / n as f64;
                    r.set_speech(
                        k % n,
                        AudioMetrics {
                            duration_ms: d,
                            speaking_ms: d * ratio,
                            speaking_ratio: ratio,
                            pauses: vec![Span {
                                start_ms: pause * d,
                                duration_ms: 1_000.0,
                            }],
                            pauses_1s: 1,
                            syllables: (wpm * 300.0) as usize,
                            wpm_estimate_speaking: wpm * 250.0,
                            wpm_estimate_elapsed: wpm * 200.0,
                            pitch_mean_hz: Some(pitch),
                            loudness_dbfs: Some(loud),
                            contour: vec![ContourPoint {
                                t_ms: 250,
                                level_dbfs: Some(loud as f32),
                                pitch_hz: Some(pitch as f32),
                            }],
                            ..AudioMetrics::default()
                        },
                    );
                }
                for (k, (text, mut times)) in texts.into_iter().enumerate() {
                    times.sort_by(f64::total_cmp);
                    let words = times
                        .windows(2)
                        .map(|w| TimedWord {
                            text: "word".into(),
                            start_ms: w[0] * duration,
                            end_ms: w[1] * duration,
                        })
                        .collect();
                    r.set_model_transcript(k % n, &text, words);
                }
                let mut frames: Vec<FrameSample> = frames
                    .into_iter()
                    // Head angles to 0.1 degree, as the app keeps them (FrameSample::from_result).
                    .map(|(t, focus, face, yaw)| ((yaw * 10.0).round() / 10.0, t, focus, face))
                    .map(|(yaw, t, focus, face)| FrameSample {
                        t: (t * duration) as u32,
                        focus: Focus::ALL[focus],
                        expr: if face { vec![36; 7] } else { Vec::new() },
                        yaw: face.then_some(yaw),
                        pitch: face.then_some((-yaw * 5.0).round() / 10.0),
                    })
                    .collect();
                frames.sort_by_key(|f| f.t);
                r.timeline = frames;
                match status {
                    0 => r.finish(duration),
                    1 => r.stop_with_error(duration, "The browser's storage is full."),
                    _ => r.recover(&[ChunkMeta {
                        seq: 0,
                        t_ms: duration,
                        size: 1e6,
                    }]),
                }
                r
            },
        )
}

/// The hostile records the issue found, one by one, through the same functions; and the
/// bounds refuse each.
#[test]
fn the_reported_records() {
    let qs = interviewer_core::questions::plan_questions(Track::General, 2, 60, &[], 1);
    let base = InterviewRecord::new(
        "iv-1".into(),
        1.7e12,
        Track::General,
        qs,
        "video/webm".into(),
        MediaKind::AudioVideo,
    );
    let mut cases = Vec::new();
    let mut r = base.clone();
    r.duration_ms = 1e308;
    cases.push(r);
    let mut r = base.clone();
    r.created_ms = -8.64e15;
    cases.push(r);
    for id in ["../../etc", "a#/history?x=<b>"] {
        let mut r = base.clone();
        r.id = id.into();
        cases.push(r);
    }
    for index in [99, 4_294_967_295] {
        let mut r = base.clone();
        r.set_transcript(index, "hello", false);
        r.set_speech(index, AudioMetrics::default());
        cases.push(r);
    }
    for r in &cases {
        use_everywhere(r, 1e308);
        assert!(bounds::check_record(r).is_err(), "{:?}", r.id);
    }
    assert_eq!(bounds::check_record(&base), Ok(()));
}

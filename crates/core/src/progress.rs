//! History and progress: each interview's key figures, in the order the history shows
//! them, filtered by track.

// Reads stored and imported data: no index, slice or narrowing cast that data can break
// (issue 20); each one left carries an `allow` with its reason.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )
)]

use crate::questions::Track;
use crate::record::InterviewRecord;
use crate::report::build_report;

/// The figures the history lists and charts for one interview; None where the interview
/// has nothing to measure it from (no microphone, no transcript, no camera).
#[derive(Clone, Debug, PartialEq)]
pub struct KeyFigures {
    pub id: String,
    pub created_ms: f64,
    pub track: Track,
    pub duration_ms: f64,
    pub answered: usize,
    pub planned: usize,
    /// Words per minute: the transcript's over speaking time when every transcribed
    /// answer has audio, else the audio's estimate.
    pub wpm: Option<f64>,
    pub fillers_per_100_words: Option<f64>,
    /// Share of answer frames looking at the screen centre.
    pub centre_share: Option<f32>,
    /// Pauses of 1.5 s or more per answer (interviews differ in length).
    pub long_pauses_per_answer: Option<f64>,
    /// Story answers: share of the four STAR parts found, averaged (0..1).
    pub star_share: Option<f64>,
    /// Talking points found in the answers' words, over all the points asked for (0..1).
    pub points_share: Option<f64>,
}

pub fn key_figures(rec: &InterviewRecord) -> KeyFigures {
    let r = build_report(rec, 0.0);
    let audio_answers = r.rows.iter().filter(|q| q.speech.is_some()).count();
    KeyFigures {
        id: rec.id.clone(),
        created_ms: rec.created_ms,
        track: rec.track,
        duration_ms: rec.duration_ms,
        answered: r.asked,
        planned: r.planned,
        wpm: r
            .delivery
            .as_ref()
            .and_then(|d| d.wpm)
            .or(r.speech.as_ref().and_then(|s| s.wpm)),
        fillers_per_100_words: r.delivery.as_ref().map(|d| d.fillers_per_100_words),
        centre_share: r.face.as_ref().map(|f| f.focus[0]),
        long_pauses_per_answer: r
            .speech
            .as_ref()
            .filter(|_| audio_answers > 0)
            .map(|s| s.long_pauses as f64 / audio_answers as f64),
        star_share: mean(
            r.rows
                .iter()
                .filter_map(|q| q.content.as_ref())
                .filter(|c| c.story && c.words >= 15)
                .map(|c| c.parts().len() as f64 / 4.0),
        ),
        points_share: {
            let (found, all) = r
                .rows
                .iter()
                .filter_map(|q| q.content.as_ref())
                .fold((0, 0), |(f, a), c| (f + c.covered(), a + c.points.len()));
            (all > 0).then(|| found as f64 / all as f64)
        },
    }
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Key figures of the interviews on `track` (all when None), oldest first, as the
/// progress charts read left to right.
pub fn progress(records: &[InterviewRecord], track: Option<Track>) -> Vec<KeyFigures> {
    let mut v: Vec<KeyFigures> = records
        .iter()
        .filter(|r| track.is_none_or(|t| r.track == t))
        .map(key_figures)
        .collect();
    v.sort_by(|a, b| a.created_ms.total_cmp(&b.created_ms));
    v
}

/// The tracks present in the history, in the app's usual order (for the filter).
pub fn tracks_present(records: &[InterviewRecord]) -> Vec<Track> {
    Track::ALL
        .into_iter()
        .filter(|t| records.iter().any(|r| r.track == *t))
        .collect()
}

/// Change from the first to the last value of a series (None with fewer than two values).
pub fn change(values: &[Option<f64>]) -> Option<(f64, f64)> {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    match (present.first(), present.last()) {
        (Some(a), Some(b)) if present.len() >= 2 => Some((*a, *b)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interview::QuestionSpan;
    use crate::questions::plan_questions;
    use crate::record::MediaKind;
    use crate::speech::audio::AudioMetrics;

    fn rec(id: &str, created: f64, track: Track) -> InterviewRecord {
        let qs = plan_questions(track, 2, 60, &[], 1);
        let mut r = InterviewRecord::new(
            id.into(),
            created,
            track,
            qs,
            "video/webm".into(),
            MediaKind::AudioVideo,
        );
        r.spans = vec![
            QuestionSpan {
                index: 0,
                start_ms: 0.0,
                end_ms: Some(30_000.0),
            },
            QuestionSpan {
                index: 1,
                start_ms: 30_000.0,
                end_ms: Some(60_000.0),
            },
        ];
        r.finish(60_000.0);
        r
    }

    fn audio(speaking_ms: f64, syllables: usize, long_pauses: usize) -> AudioMetrics {
        AudioMetrics {
            speaking_ms,
            syllables,
            long_pauses,
            wpm_estimate_speaking: syllables as f64 / 1.45 / (speaking_ms / 60_000.0),
            ..Default::default()
        }
    }

    #[test]
    fn figures_from_audio_only() {
        let mut r = rec("a", 1.0, Track::General);
        r.set_speech(0, audio(20_000.0, 58, 1));
        r.set_speech(1, audio(20_000.0, 58, 2));
        let k = key_figures(&r);
        // 116 syllables / 1.45 = 80 words over 40 s of speech.
        assert!((k.wpm.unwrap() - 120.0).abs() < 1e-9);
        assert_eq!(k.long_pauses_per_answer, Some(1.5));
        assert_eq!(k.fillers_per_100_words, None);
        assert_eq!(k.centre_share, None);
        assert_eq!((k.answered, k.planned), (2, 2));
    }

    #[test]
    fn transcript_pace_wins_when_present() {
        let mut r = rec("a", 1.0, Track::General);
        r.set_speech(0, audio(6_000.0, 58, 0));
        r.set_transcript(0, "um so I led the migration of our billing service", false);
        let k = key_figures(&r);
        // 9 words (the filler is not a word) over 6 s of speech.
        assert!((k.wpm.unwrap() - 90.0).abs() < 1e-9, "{:?}", k.wpm);
        assert!((k.fillers_per_100_words.unwrap() - 100.0 / 9.0).abs() < 1e-9);
    }

    #[test]
    fn progress_is_filtered_and_oldest_first() {
        let v = vec![
            rec("new", 3.0, Track::General),
            rec("se", 2.0, Track::SoftwareEngineering),
            rec("old", 1.0, Track::General),
        ];
        let ids = |p: Vec<KeyFigures>| p.into_iter().map(|k| k.id).collect::<Vec<_>>();
        assert_eq!(ids(progress(&v, Some(Track::General))), ["old", "new"]);
        assert_eq!(ids(progress(&v, None)), ["old", "se", "new"]);
        assert_eq!(
            tracks_present(&v),
            [Track::General, Track::SoftwareEngineering]
        );
    }

    #[test]
    fn change_needs_two_values() {
        assert_eq!(change(&[Some(1.0), None, Some(3.0)]), Some((1.0, 3.0)));
        assert_eq!(change(&[None, Some(2.0)]), None);
    }
}

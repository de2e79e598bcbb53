//! Plain advice for one answer, from documented rules over the measured figures. Each
//! piece says what was measured and what to aim for; none judges the person (no
//! "nervous", no "confident"). The thresholds are the rules' whole content, listed here.

use crate::face::focus::Focus;
use crate::report::QuestionRow;
use crate::speech::text::Kind;
use serde::{Deserialize, Serialize};

/// The pace band the advice aims for, in words per minute (configurable by the user).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaceBand {
    pub low: f64,
    pub high: f64,
}

impl Default for PaceBand {
    /// 120-160 wpm: the range commonly recommended for presentations and interviews.
    fn default() -> Self {
        PaceBand {
            low: 120.0,
            high: 160.0,
        }
    }
}

impl PaceBand {
    /// A band the user typed: whole numbers, low below high, within 60-260 wpm (outside
    /// that nobody is intelligible or the estimate is meaningless).
    pub fn new(low: f64, high: f64) -> Result<PaceBand, String> {
        if !(low.is_finite() && high.is_finite()) {
            return Err("Enter two numbers of words per minute.".into());
        }
        if !(60.0..=260.0).contains(&low) || !(60.0..=260.0).contains(&high) {
            return Err("Choose a pace between 60 and 260 words per minute.".into());
        }
        if high - low < 10.0 {
            return Err("The upper end must be at least 10 above the lower end.".into());
        }
        Ok(PaceBand {
            low: low.round(),
            high: high.round(),
        })
    }
}

/// One line on the overall pace against the band, for the summary card.
pub fn pace_summary(wpm: f64, band: PaceBand) -> String {
    if wpm > band.high {
        format!(
            "Faster than your {:.0}-{:.0} target: slow down by about {:.0}.",
            band.low,
            band.high,
            wpm - (band.low + band.high) / 2.0
        )
    } else if wpm < band.low {
        format!(
            "Slower than your {:.0}-{:.0} target: fine for emphasis, but keep the thread moving.",
            band.low, band.high
        )
    } else {
        format!("Within your {:.0}-{:.0} target.", band.low, band.high)
    }
}

/// Fillers per 100 words above which the advice mentions them.
pub const FILLERS_PER_100: f64 = 3.0;
/// Pauses of 1.5 s or more in one answer from which the advice mentions them.
pub const LONG_PAUSES: usize = 3;
/// Repetitions + stammers + revisions in one answer from which the advice mentions them.
pub const DISFLUENCIES: usize = 3;
/// Share of answer frames looking away (away + border counted half) above which the
/// advice mentions it.
pub const AWAY_SHARE: f32 = 0.25;
/// Share of answer frames without a face above which the advice mentions framing.
pub const NO_FACE_SHARE: f32 = 0.2;
/// An answer shorter than this (and than a third of the limit) is called short.
pub const SHORT_ANSWER_MS: f64 = 30_000.0;
/// Pitch spread under this many semitones reads as flat (see speech::audio).
pub const FLAT_PITCH_ST: f64 = crate::speech::audio::MONOTONE_SEMITONES;
/// Answers with less speaking time than this (or, with a transcript, fewer words) get no
/// pace or pitch advice: too little to measure.
pub const MIN_SPEAKING_MS: f64 = 5_000.0;
pub const MIN_WORDS: usize = 25;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    /// Which rule produced it (stable id, for tests and styling).
    pub rule: &'static str,
    pub text: String,
}

fn pct(v: f32) -> String {
    format!("{:.0}%", v * 100.0)
}

/// The advice for one answer, in a fixed order: length, pace, pauses, fillers,
/// disfluencies, pitch, eye focus, framing.
pub fn advise(row: &QuestionRow, band: PaceBand) -> Vec<Advice> {
    let mut out = Vec::new();
    let mut add = |rule: &'static str, text: String| out.push(Advice { rule, text });
    let limit_ms = row.limit_s as f64 * 1000.0;

    if row.hit_limit {
        add(
            "time_limit",
            format!(
                "You reached the {} s limit: lead with your main point, then the details.",
                row.limit_s
            ),
        );
    } else if row.answer_ms < SHORT_ANSWER_MS && row.answer_ms < limit_ms / 3.0 {
        // A story read for its parts already says which are missing (the content
        // section): the length advice then only asks for time, not for the same parts.
        let read_as_story = row
            .content
            .as_ref()
            .is_some_and(|c| c.story && c.words >= 15);
        add(
            "short_answer",
            if read_as_story {
                format!(
                    "This answer took {:.0} s of the {} s available: give each part of the story room, the result most of all.",
                    row.answer_ms / 1000.0,
                    row.limit_s
                )
            } else {
                format!(
                    "This answer took {:.0} s of the {} s available: add a concrete example (situation, what you did, the result).",
                    row.answer_ms / 1000.0,
                    row.limit_s
                )
            },
        );
    }

    // The quality gate first: say why a figure is missing or weaker, never advise from it.
    if let Some(s) = &row.speech {
        if let Some(snr) = s.snr_db.filter(|_| s.noisy()) {
            add(
                "noise",
                format!(
                    "Background noise was high in this answer (your speech about {snr:.0} dB above it): {} A quieter room or a headset microphone helps.",
                    if s.pace_withheld.is_some() {
                        "pace from the audio is not shown, and pauses are less reliable."
                    } else {
                        "pace and pauses are less reliable."
                    }
                ),
            );
        }
    }

    let speaking_ms = row.speech.as_ref().map(|s| s.speaking_ms).unwrap_or(0.0);
    let wpm = row.pace();
    let enough = speaking_ms >= MIN_SPEAKING_MS
        || row.delivery.as_ref().is_some_and(|d| d.words >= MIN_WORDS);
    if let Some(w) = wpm.filter(|_| enough) {
        if w > band.high {
            add(
                "pace_fast",
                format!(
                    "You spoke at about {w:.0} words per minute; aim for {:.0}-{:.0} so listeners can follow.",
                    band.low, band.high
                ),
            );
        } else if w < band.low {
            add(
                "pace_slow",
                format!(
                    "You spoke at about {w:.0} words per minute; {:.0}-{:.0} keeps the answer moving.",
                    band.low, band.high
                ),
            );
        }
    }

    if let Some(s) = &row.speech {
        if s.long_pauses >= LONG_PAUSES {
            add(
                "long_pauses",
                format!(
                    "{} pauses of 1.5 s or more (longest {:.1} s): a short pause is fine; for longer ones, say you are thinking or structure the answer first.",
                    s.long_pauses,
                    s.longest_pause_ms / 1000.0
                ),
            );
        }
        // Pitch tracking in loud noise follows the noise as much as the voice.
        if speaking_ms >= MIN_SPEAKING_MS && !s.noisy() {
            if let Some(st) = s.pitch_spread_st.filter(|v| *v < FLAT_PITCH_ST) {
                add(
                    "flat_pitch",
                    format!("Your pitch varied by {st:.1} semitones: vary your tone to stress the key points."),
                );
            }
        }
    }

    if let Some(d) = &row.delivery {
        if d.fillers_per_100_words > FILLERS_PER_100 {
            let mut counts: Vec<(String, usize)> = Vec::new();
            for f in d.findings.iter().filter(|f| f.kind == Kind::Filler) {
                let w = f
                    .text
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                match counts.iter_mut().find(|c| c.0 == w) {
                    Some(c) => c.1 += 1,
                    None => counts.push((w, 1)),
                }
            }
            counts.sort_by_key(|c| std::cmp::Reverse(c.1));
            let most = counts
                .first()
                .map(|c| format!(" (most often \u{201c}{}\u{201d})", c.0))
                .unwrap_or_default();
            add(
                "fillers",
                format!(
                    "{:.1} filler words per 100 words{most}: a silent pause works better.",
                    d.fillers_per_100_words
                ),
            );
        }
        let dis = d.repetitions + d.phrase_repetitions + d.stammers + d.revisions;
        if dis >= DISFLUENCIES {
            add(
                "disfluencies",
                format!(
                    "{dis} repeated or restarted words: slowing down a little usually reduces them."
                ),
            );
        }
    }

    if let Some(f) = &row.face {
        let with_face = 1.0 - f.focus[Focus::NoFace.index()];
        if f.frames > 0 && with_face > 0.0 {
            let away =
                (f.focus[Focus::Away.index()] + 0.5 * f.focus[Focus::Border.index()]) / with_face;
            if away > AWAY_SHARE {
                add(
                    "eye_focus",
                    format!(
                        "You looked away from the screen {} and at its border {} of the time: look at the screen (or camera) when you make your main points.",
                        pct(f.focus[Focus::Away.index()]),
                        pct(f.focus[Focus::Border.index()])
                    ),
                );
            }
        }
        if f.focus[Focus::NoFace.index()] > NO_FACE_SHARE {
            add(
                "framing",
                format!(
                    "Your face was not in view {} of the time: check the camera framing and the light.",
                    pct(f.focus[Focus::NoFace.index()])
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::timeline::FaceSummary;
    use crate::speech::audio::AudioMetrics;
    use crate::speech::text::{self, ENGLISH};

    #[test]
    fn pace_band_is_checked_and_summarised() {
        assert_eq!(
            PaceBand::new(110.4, 150.0),
            Ok(PaceBand {
                low: 110.0,
                high: 150.0
            })
        );
        assert!(PaceBand::new(150.0, 140.0).is_err());
        assert!(PaceBand::new(150.0, 155.0).is_err());
        assert!(PaceBand::new(20.0, 150.0).is_err());
        assert!(PaceBand::new(f64::NAN, 150.0).is_err());
        let b = PaceBand::default();
        assert_eq!(
            pace_summary(185.0, b),
            "Faster than your 120-160 target: slow down by about 45."
        );
        assert!(pace_summary(100.0, b).starts_with("Slower"));
        assert_eq!(pace_summary(140.0, b), "Within your 120-160 target.");
    }

    fn row(answer_ms: f64, limit_s: u32) -> QuestionRow {
        QuestionRow {
            index: 0,
            text: "Q".into(),
            start_ms: 0.0,
            answer_ms,
            limit_s,
            hit_limit: answer_ms + 500.0 >= limit_s as f64 * 1000.0,
            speech: None,
            transcript: None,
            segments: Vec::new(),
            transcript_corrected: false,
            transcript_source: None,
            words: Vec::new(),
            delivery: None,
            face: None,
            content: None,
            suggested_s: None,
            follows: None,
        }
    }

    fn speech(wpm: f64, long_pauses: usize, spread: Option<f64>) -> AudioMetrics {
        AudioMetrics {
            duration_ms: 60_000.0,
            speaking_ms: 50_000.0,
            wpm_estimate_speaking: wpm,
            long_pauses,
            longest_pause_ms: 2500.0,
            pitch_spread_st: spread,
            ..Default::default()
        }
    }

    fn rules(a: &[Advice]) -> Vec<&'static str> {
        a.iter().map(|a| a.rule).collect()
    }

    #[test]
    fn nothing_to_say_about_a_steady_answer() {
        let mut r = row(60_000.0, 120);
        r.speech = Some(speech(140.0, 1, Some(4.0)));
        assert!(advise(&r, PaceBand::default()).is_empty());
    }

    #[test]
    fn a_noisy_answer_says_so_and_gets_no_pace_advice() {
        let mut r = row(60_000.0, 120);
        // A flat pitch (1 semitone) is not advised on either: noise, not the voice.
        let mut s = speech(220.0, 0, Some(1.0));
        s.snr_db = Some(6.0);
        s.pace_withheld = Some("background noise high".into());
        r.speech = Some(s.clone());
        let a = advise(&r, PaceBand::default());
        assert_eq!(
            rules(&a),
            ["noise"],
            "the withheld 220 wpm is not advised on"
        );
        assert!(a[0].text.contains("6 dB") && a[0].text.contains("not shown"));
        // Noisy but above the pace gate: the pace stands, with the warning.
        s.snr_db = Some(9.0);
        s.pace_withheld = None;
        r.speech = Some(s);
        let a = advise(&r, PaceBand::default());
        assert_eq!(rules(&a), ["noise", "pace_fast"]);
        assert!(a[0].text.contains("less reliable") && !a[0].text.contains("not shown"));
    }

    #[test]
    fn length_rules() {
        let a = advise(&row(120_000.0, 120), PaceBand::default());
        assert_eq!(rules(&a), ["time_limit"]);
        assert!(a[0].text.contains("120 s limit"));
        let a = advise(&row(12_000.0, 120), PaceBand::default());
        assert_eq!(rules(&a), ["short_answer"]);
        assert!(a[0].text.contains("12 s of the 120 s"));
        assert!(a[0].text.contains("concrete example"));
        // A story read for its STAR parts: the length advice does not list them again.
        let mut r = row(12_000.0, 120);
        let q = crate::questions::PlannedQuestion::custom("Tell me about a time you failed.", 0);
        r.content = Some(crate::content::analyse(
            &q,
            "At my last job I missed a deadline on a report for a client. I was responsible for it. \
             So I called the client and I agreed a new date.",
            &[],
        ));
        let a = advise(&r, PaceBand::default());
        assert_eq!(rules(&a), ["short_answer"]);
        assert!(
            a[0].text.contains("each part of the story"),
            "{}",
            a[0].text
        );
        // 25 s of a 60 s limit is more than a third: not short.
        assert!(advise(&row(25_000.0, 60), PaceBand::default()).is_empty());
    }

    #[test]
    fn pace_rules_use_the_band() {
        let mut r = row(60_000.0, 120);
        r.speech = Some(speech(185.0, 0, None));
        let a = advise(&r, PaceBand::default());
        assert_eq!(rules(&a), ["pace_fast"]);
        assert_eq!(
            a[0].text,
            "You spoke at about 185 words per minute; aim for 120-160 so listeners can follow."
        );
        r.speech = Some(speech(100.0, 0, None));
        assert_eq!(rules(&advise(&r, PaceBand::default())), ["pace_slow"]);
        // A user band of 90-130 makes 100 fine.
        assert!(advise(
            &r,
            PaceBand {
                low: 90.0,
                high: 130.0
            }
        )
        .is_empty());
        // Too little speech to judge pace.
        let mut s = speech(220.0, 0, None);
        s.speaking_ms = 3000.0;
        r.speech = Some(s);
        assert!(advise(&r, PaceBand::default()).is_empty());
        // Nor from an 11-word transcript said in 3.5 s (189 wpm).
        r.delivery = Some(text::analyse(
            "I led the billing team and we shipped it on time",
            60_000.0,
            Some(3_500.0),
            &ENGLISH,
        ));
        assert!(!rules(&advise(&r, PaceBand::default())).contains(&"pace_fast"));
    }

    #[test]
    fn pause_and_pitch_rules() {
        let mut r = row(60_000.0, 120);
        r.speech = Some(speech(140.0, 3, Some(1.2)));
        let a = advise(&r, PaceBand::default());
        assert_eq!(rules(&a), ["long_pauses", "flat_pitch"]);
        assert!(a[0]
            .text
            .starts_with("3 pauses of 1.5 s or more (longest 2.5 s)"));
        assert!(a[1].text.contains("1.2 semitones"));
    }

    #[test]
    fn transcript_rules() {
        let mut r = row(20_000.0, 60);
        let t = "Um so I I think, um, we we shipped it, uh, um, on time, you know, and the the team was happy with it";
        r.delivery = Some(text::analyse(t, 20_000.0, Some(10_000.0), &ENGLISH));
        let a = advise(&r, PaceBand::default());
        assert!(rules(&a).contains(&"fillers"), "{a:?}");
        let f = a.iter().find(|a| a.rule == "fillers").unwrap();
        assert!(
            f.text.contains("most often \u{201c}um\u{201d}"),
            "{}",
            f.text
        );
        assert!(rules(&a).contains(&"disfluencies"));
        // A clean transcript at a normal pace: nothing.
        let clean = "We shipped the billing system in three months and the error rate fell by half after launch";
        r.delivery = Some(text::analyse(clean, 20_000.0, Some(8_000.0), &ENGLISH));
        assert!(
            advise(&r, PaceBand::default()).is_empty(),
            "{:?}",
            advise(&r, PaceBand::default())
        );
    }

    #[test]
    fn focus_and_framing_rules() {
        let mut r = row(60_000.0, 120);
        r.face = Some(FaceSummary {
            frames: 100,
            focus: [0.5, 0.2, 0.3, 0.0],
            ..Default::default()
        });
        let a = advise(&r, PaceBand::default());
        assert_eq!(rules(&a), ["eye_focus"]);
        assert!(a[0]
            .text
            .contains("away from the screen 30% and at its border 20%"));
        r.face = Some(FaceSummary {
            frames: 100,
            focus: [0.7, 0.0, 0.0, 0.3],
            ..Default::default()
        });
        assert_eq!(rules(&advise(&r, PaceBand::default())), ["framing"]);
        r.face = Some(FaceSummary {
            frames: 100,
            focus: [0.85, 0.1, 0.05, 0.0],
            ..Default::default()
        });
        assert!(advise(&r, PaceBand::default()).is_empty());
    }
}

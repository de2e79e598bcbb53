//! Audio-only speech metrics on espeak-ng clips at three rates with known words and
//! inserted silences: pace within 10% of the truth, pauses of 1 s or more counted exactly
//! and timed, transcript metrics on the same words. Needs espeak-ng (scripts/setup.sh).

#![cfg(not(target_arch = "wasm32"))]

use interviewer_core::speech::{audio, clips, text};

#[test]
fn espeak_clips_pace_and_pauses() {
    for rate in [120, 160, 200] {
        let clip = clips::espeak(rate).expect("espeak-ng");
        let m = audio::analyse(&clip.samples);
        let truth = clip.words as f64 / (clip.duration_ms() / 60_000.0);
        let err = (m.wpm_estimate_elapsed - truth).abs() / truth;
        assert!(
            err < 0.10,
            "rate {rate}: estimated {:.1} wpm, truth {truth:.1}",
            m.wpm_estimate_elapsed
        );
        assert_eq!(
            m.pauses_1s,
            clips::BREAKS_MS.len(),
            "rate {rate}: {:?}",
            m.pauses
        );
        let long: Vec<f64> = m
            .pauses
            .iter()
            .filter(|p| p.duration_ms >= 1000.0)
            .map(|p| p.duration_ms)
            .collect();
        for (got, want) in long.iter().zip(clips::BREAKS_MS) {
            assert!(
                (got - want as f64).abs() < 100.0,
                "rate {rate}: pause {got} ms, inserted {want} ms"
            );
        }
        assert_eq!(
            m.long_pauses, 2,
            "1.5 s and 2.0 s are long pauses; 1.2 s is not"
        );
        assert!(m.speaking_ratio > 0.6 && m.speaking_ratio < 0.95);
        assert!(m.pitch_mean_hz.is_some_and(|f| (70.0..300.0).contains(&f)));
        assert!(
            m.filled_pauses.len() <= 1,
            "fluent synthetic speech has no filled pauses: {:?}",
            m.filled_pauses
        );
        // Transcript side on the same passage: every word counted, no disfluency invented.
        let passage = clips::PASSAGES.join(" ");
        let t = text::analyse(&passage, m.duration_ms, Some(m.speaking_ms), &text::ENGLISH);
        assert_eq!(t.words, clip.words);
        assert!((t.wpm_elapsed.unwrap() - truth).abs() < 0.01);
        assert_eq!(
            t.repetitions + t.stammers + t.revisions + t.phrase_repetitions,
            0
        );
    }
}

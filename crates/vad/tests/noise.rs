//! The noise and distance bench's bars with Silero VAD (measured with `noise-bench`; see
//! the targets), every noise type included: babble (six overlapped talkers) is
//! speech to the model, and the level gate inside its speech (`audio::analyse_with_segments`)
//! gives the candidate's pauses back. Needs espeak-ng.

#![cfg(not(target_arch = "wasm32"))]

use interviewer_core::speech::{audio, bench};
use interviewer_vad::Vad;

#[test]
fn silero_meets_the_bars_at_10_and_5_db() {
    let (clip, truth, babble) = bench::setup(160).expect("espeak-ng");
    let model = Vad::load_shipped().expect("the shipped VAD loads");
    assert_eq!(truth.pauses_1s.len(), 3);
    for c in bench::conditions(&clip.samples, &truth, Some(&babble)) {
        // The speech worker's path: probabilities, segments, analysis.
        let m = model.analyse(&c.samples).unwrap();
        assert_eq!(m.detector, audio::Detector::Silero);
        let s = bench::score(&m, &truth);
        let name = &c.name;
        match c.snr_db {
            Some(snr) if snr >= 10.0 => {
                assert!(s.speaking_err_pct.abs() <= 5.0, "{name}: {s:?}");
                assert!(s.pauses_exact, "{name}: {s:?}");
                assert!(s.pause_worst_ms <= 150.0, "{name}: {s:?}");
                assert!(s.pace_withheld.is_none(), "{name}: {s:?}");
                assert!(s.pace_err_pct.abs() <= 12.0, "{name}: {s:?}");
            }
            Some(snr) if snr < 10.0 => {
                assert_eq!(s.pauses_invented, 0, "{name}: {s:?}");
                assert!(
                    s.pace_withheld.is_some() || s.pace_err_pct.abs() <= 20.0,
                    "{name}: {s:?}"
                );
            }
            _ => {}
        }
        if c.snr_db.is_none() {
            // Clean, reverberant and distant: every pause found, speaking time within 5%.
            assert!(s.pauses_exact, "{name}: {s:?}");
            assert!(s.speaking_err_pct.abs() <= 5.0, "{name}: {s:?}");
        }
    }
}

#[test]
fn silence_is_not_speech_and_only_whole_frames_count() {
    let model = Vad::load_shipped().unwrap();
    let x = vec![0.0f32; 16_000 * 3 + 100];
    let p = model.probabilities(&x).unwrap();
    assert_eq!(p.len(), (16_000 * 3 + 100) / 512);
    assert!(p.iter().all(|v| *v < 0.1), "{p:?}");
}

//! The noise bench with the energy detector (the fallback when the VAD model is not
//! loaded): what it measures well (figures from `speech-bench --noise`). The Silero bars
//! are asserted in `crates/vad/tests/noise.rs`. Needs espeak-ng.

#![cfg(not(target_arch = "wasm32"))]

use interviewer_core::speech::{audio, bench};

#[test]
fn energy_detector_on_the_clean_clip_and_snr_estimates() {
    let (clip, truth, _) = bench::setup(160).expect("espeak-ng");
    let conditions = bench::conditions(&clip.samples, &truth, None);
    for c in &conditions {
        let m = audio::analyse(&c.samples);
        let s = bench::score(&m, &truth);
        if c.name == "clean" {
            // Measured: -0.0%, 3/3 pauses, 10 ms.
            assert!(s.speaking_err_pct.abs() < 1.0, "{s:?}");
            assert!(s.pauses_exact && s.pause_worst_ms <= 50.0, "{s:?}");
            assert_eq!(m.pace_withheld, None);
        }
        // The speech-to-noise estimate follows the mixed SNR for steady noises
        // (measured within 1.6 dB at 20 and 10 dB).
        let steady = ["white", "pink", "brown", "fan"]
            .iter()
            .any(|n| c.name.starts_with(n));
        if let (Some(snr), true) = (c.snr_db, steady) {
            if snr >= 10.0 {
                let est = m.snr_db.expect("noise and speech");
                assert!(
                    (est - snr).abs() <= 2.0,
                    "{}: estimated {est:.1} dB",
                    c.name
                );
            }
        }
    }
}

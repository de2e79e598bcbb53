//! Noises and room effects the project makes itself, for the noise and distance bench
//! (`speech-bench --noise`): white, pink and brown noise, a fan-like hum, keyboard-like
//! clicks, babble (from espeak-ng voices, see `clips::babble`), reverberation from a
//! synthetic decaying impulse response, and mixing at a chosen signal-to-noise ratio.
//! Everything is seeded, so the bench prints the same figures on every run.

use super::dsp::fft;
use crate::questions::Rng;

const RATE: f32 = 16_000.0;

/// Uniform in -1..1.
fn uniform(r: &mut Rng) -> f32 {
    (r.next_u64() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

pub fn white(n: usize, seed: u64) -> Vec<f32> {
    let mut r = Rng::new(seed);
    (0..n).map(|_| uniform(&mut r)).collect()
}

/// 1/f noise: Paul Kellet's economy filter (within 0.05 dB of -3 dB/octave above 40 Hz).
pub fn pink(n: usize, seed: u64) -> Vec<f32> {
    let mut r = Rng::new(seed);
    let (mut b0, mut b1, mut b2) = (0.0f32, 0.0f32, 0.0f32);
    (0..n)
        .map(|_| {
            let w = uniform(&mut r);
            b0 = 0.99765 * b0 + w * 0.0990460;
            b1 = 0.96300 * b1 + w * 0.2965164;
            b2 = 0.57000 * b2 + w * 1.0526913;
            b0 + b1 + b2 + w * 0.1848
        })
        .collect()
}

/// 1/f² noise (traffic rumble, air conditioning): leaky integration of white noise.
pub fn brown(n: usize, seed: u64) -> Vec<f32> {
    let mut r = Rng::new(seed);
    let mut y = 0.0f32;
    (0..n)
        .map(|_| {
            y = 0.995 * y + 0.1 * uniform(&mut r);
            y
        })
        .collect()
}

/// A desk or ceiling fan: a motor hum at 100 Hz with harmonics (which pitch trackers take
/// for a voice), a blade-rate flutter of 8 Hz, over broadband air noise.
pub fn fan(n: usize, seed: u64) -> Vec<f32> {
    let air = pink(n, seed);
    let tau = 2.0 * std::f32::consts::PI;
    (0..n)
        .map(|i| {
            let t = i as f32 / RATE;
            let hum: f32 = (1..=6)
                .map(|h| (tau * 100.0 * h as f32 * t + h as f32).sin() / h as f32)
                .sum();
            let flutter = 1.0 + 0.2 * (tau * 8.0 * t).sin();
            0.5 * hum * flutter + 0.15 * air[i]
        })
        .collect()
}

/// Typing: bursts of key clicks (4 to 9 a second, each a 6 ms decaying high-passed noise
/// burst with a thud) separated by breaks of up to a second, as someone typing notes.
pub fn keyboard(n: usize, seed: u64) -> Vec<f32> {
    let mut r = Rng::new(seed);
    let mut x = vec![0.0f32; n];
    let mut at = 0usize;
    let mut in_burst = 0usize;
    while at < n {
        if in_burst == 0 {
            // A break between words or lines, then a run of 3-12 keys.
            at += 1600 + r.below(14_400);
            in_burst = 3 + r.below(10);
            continue;
        }
        in_burst -= 1;
        let amp = 0.5 + 0.5 * (r.below(1000) as f32 / 1000.0);
        let len = 96 + r.below(64);
        let mut prev = 0.0f32;
        for k in 0..len.min(n.saturating_sub(at)) {
            let w = uniform(&mut r);
            // First difference: a crude high-pass, clicks are bright.
            let hp = w - prev;
            prev = w;
            let decay = (-(k as f32) / 24.0).exp();
            let thud = (2.0 * std::f32::consts::PI * 180.0 * k as f32 / RATE).sin()
                * (-(k as f32) / 60.0).exp();
            x[at + k] += amp * (0.7 * hp * decay + 0.3 * thud);
        }
        at += 1800 + r.below(2200);
    }
    x
}

/// A room's impulse response: the direct sound, then an exponentially decaying noise tail
/// reaching -60 dB after `rt60_s` (the usual reverberation time), starting after 5 ms.
pub fn room_impulse(rt60_s: f32, seed: u64) -> Vec<f32> {
    let n = (rt60_s * RATE) as usize;
    let tail = white(n, seed);
    let mut h = vec![0.0f32; n];
    h[0] = 1.0;
    let start = (0.005 * RATE) as usize;
    // -60 dB in amplitude over rt60: exp(-6.9 t / rt60).
    for (i, v) in h.iter_mut().enumerate().skip(start) {
        let t = i as f32 / RATE;
        *v = 0.35 * tail[i] * (-6.9 * t / rt60_s).exp();
    }
    h
}

/// Linear convolution of `x` with `h` (same length as `x`: the tail is cut), by FFT
/// overlap-add: a 0.6 s response over a minute of audio is too slow done directly.
pub fn convolve(x: &[f32], h: &[f32]) -> Vec<f32> {
    let size = (2 * h.len()).next_power_of_two().max(1024);
    let block = size - h.len() + 1;
    let (mut hr, mut hi) = (vec![0.0f32; size], vec![0.0f32; size]);
    hr[..h.len()].copy_from_slice(h);
    fft(&mut hr, &mut hi);
    let mut out = vec![0.0f32; x.len()];
    for a in (0..x.len()).step_by(block) {
        let b = (a + block).min(x.len());
        let (mut re, mut im) = (vec![0.0f32; size], vec![0.0f32; size]);
        re[..b - a].copy_from_slice(&x[a..b]);
        fft(&mut re, &mut im);
        // Multiply spectra, then inverse FFT as the conjugate of the forward one.
        for k in 0..size {
            let (r, i) = (re[k] * hr[k] - im[k] * hi[k], re[k] * hi[k] + im[k] * hr[k]);
            re[k] = r;
            im[k] = -i;
        }
        fft(&mut re, &mut im);
        for k in 0..size {
            if a + k < out.len() {
                out[a + k] += re[k] / size as f32;
            }
        }
    }
    out
}

fn power(x: &[f32]) -> f64 {
    x.iter().map(|v| (*v as f64) * (*v as f64)).sum::<f64>() / x.len().max(1) as f64
}

/// `speech` plus `noise` (looped or cut to length) scaled so that the speech's power over
/// its active samples (`active`, e.g. the frames of the clean clip that are speech) is
/// `snr_db` above the noise's mean power.
pub fn mix(speech: &[f32], active: &[bool], noise: &[f32], snr_db: f64) -> Vec<f32> {
    let hop = speech.len() / active.len().max(1);
    let voiced: Vec<f32> = speech
        .chunks(hop.max(1))
        .zip(active)
        .filter(|(_, a)| **a)
        .flat_map(|(c, _)| c.iter().copied())
        .collect();
    let ps = power(&voiced);
    let looped: Vec<f32> = noise.iter().cycle().take(speech.len()).copied().collect();
    let pn = power(&looped);
    let gain = if pn > 0.0 {
        (ps / pn / 10f64.powf(snr_db / 10.0)).sqrt() as f32
    } else {
        0.0
    };
    speech
        .iter()
        .zip(&looped)
        .map(|(s, n)| s + gain * n)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speech::dsp::band_energies;

    /// Mean log energy of the low and high quarter bands over many frames.
    fn tilt(x: &[f32]) -> f32 {
        let mut low = 0.0;
        let mut high = 0.0;
        let frames = x.len() / 512;
        for f in 0..frames {
            let b = band_energies(&x[f * 512..(f + 1) * 512], 8);
            low += b[1];
            high += b[6];
        }
        (low - high) / frames as f32
    }

    #[test]
    fn colours_tilt_as_they_should() {
        let n = 64_000;
        // White is flat, pink falls 3 dB per octave, brown 6 (bands 1 and 6 are ~2.6
        // octaves apart).
        assert!(tilt(&white(n, 1)).abs() < 1.0, "{}", tilt(&white(n, 1)));
        let p = tilt(&pink(n, 1));
        assert!((5.0..11.0).contains(&p), "pink {p}");
        let b = tilt(&brown(n, 1));
        // (A discrete integrator flattens towards Nyquist: ~11 dB here.)
        assert!(b > p + 3.0 && b > 9.0, "brown {b}");
        assert_eq!(white(100, 7), white(100, 7), "seeded");
    }

    #[test]
    fn mix_hits_the_snr() {
        let speech: Vec<f32> = (0..32_000).map(|i| (i as f32 * 0.05).sin() * 0.3).collect();
        let active = vec![true; 200];
        let noise = white(16_000, 3);
        let y = mix(&speech, &active, &noise, 10.0);
        let n: Vec<f32> = y.iter().zip(&speech).map(|(a, b)| a - b).collect();
        let snr = 10.0 * (power(&speech) / power(&n)).log10();
        assert!((snr - 10.0).abs() < 0.01, "{snr}");
    }

    #[test]
    fn convolution_matches_the_direct_sum() {
        let x = white(5000, 4);
        let h = room_impulse(0.05, 5);
        let y = convolve(&x, &h);
        for i in [0, 10, 900, 4999] {
            let direct: f32 = (0..=i.min(h.len() - 1)).map(|k| h[k] * x[i - k]).sum();
            assert!((y[i] - direct).abs() < 1e-3, "{i}: {} vs {direct}", y[i]);
        }
    }
}

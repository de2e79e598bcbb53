//! Signal helpers: resampling, frame energy, a radix-2 FFT, YIN pitch.

/// Resamples by linear interpolation after a moving-average low-pass when downsampling
/// (enough for energy, pitch and syllable-rate analysis; not for listening).
pub fn resample(x: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || x.is_empty() {
        return x.to_vec();
    }
    let filtered;
    let src = if from > to {
        let k = (from as f32 / to as f32).round().max(1.0) as usize;
        let mut acc = 0.0f32;
        let mut out = Vec::with_capacity(x.len());
        for i in 0..x.len() {
            acc += x[i];
            if i >= k {
                acc -= x[i - k];
            }
            out.push(acc / k.min(i + 1) as f32);
        }
        filtered = out;
        &filtered[..]
    } else {
        x
    };
    let ratio = from as f64 / to as f64;
    let n = ((x.len() as f64) / ratio).floor() as usize;
    (0..n)
        .map(|i| {
            let p = i as f64 * ratio;
            let j = p.floor() as usize;
            let f = (p - j as f64) as f32;
            let a = src[j.min(src.len() - 1)];
            let b = src[(j + 1).min(src.len() - 1)];
            a + (b - a) * f
        })
        .collect()
}

/// Root-mean-square level in dBFS (floor -120).
pub fn dbfs(frame: &[f32]) -> f32 {
    if frame.is_empty() {
        return -120.0;
    }
    let ms = frame.iter().map(|s| s * s).sum::<f32>() / frame.len() as f32;
    (10.0 * ms.max(1e-12).log10()).max(-120.0)
}

/// In-place radix-2 complex FFT; `re.len()` must be a power of two.
pub fn fft(re: &mut [f32], im: &mut [f32]) {
    let n = re.len();
    assert!(n.is_power_of_two() && im.len() == n);
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let ang = -2.0 * std::f32::consts::PI / len as f32;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (s, c) = (ang * k as f32).sin_cos();
                let (a, b) = (start + k, start + k + len / 2);
                let tr = re[b] * c - im[b] * s;
                let ti = re[b] * s + im[b] * c;
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        len <<= 1;
    }
}

/// Log energies of `bands` equal-width bands of a Hann-windowed frame (for spectral
/// stability). `frame.len()` must be a power of two.
pub fn band_energies(frame: &[f32], bands: usize) -> Vec<f32> {
    let n = frame.len();
    let mut re: Vec<f32> = frame
        .iter()
        .enumerate()
        .map(|(i, s)| s * (0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / n as f32).cos()))
        .collect();
    let mut im = vec![0.0; n];
    fft(&mut re, &mut im);
    let half = n / 2;
    let per = half / bands;
    (0..bands)
        .map(|b| {
            let e: f32 = (b * per..(b + 1) * per)
                .map(|k| re[k] * re[k] + im[k] * im[k])
                .sum();
            10.0 * (e + 1e-9).log10()
        })
        .collect()
}

/// YIN fundamental frequency (de Cheveigné & Kawahara 2002) of one frame, in Hz, or `None`
/// when the frame is not periodic enough.
pub fn yin(frame: &[f32], rate: u32, fmin: f32, fmax: f32, threshold: f32) -> Option<f32> {
    let tau_min = (rate as f32 / fmax).floor() as usize;
    let tau_max = ((rate as f32 / fmin).ceil() as usize).min(frame.len() / 2);
    if tau_max <= tau_min + 2 {
        return None;
    }
    let w = frame.len() - tau_max;
    let mut d = vec![0.0f32; tau_max + 1];
    for (tau, dv) in d.iter_mut().enumerate().skip(1) {
        let mut s = 0.0;
        for j in 0..w {
            let diff = frame[j] - frame[j + tau];
            s += diff * diff;
        }
        *dv = s;
    }
    // Cumulative mean normalised difference.
    let mut cmnd = vec![1.0f32; tau_max + 1];
    let mut running = 0.0;
    for tau in 1..=tau_max {
        running += d[tau];
        cmnd[tau] = if running > 0.0 {
            d[tau] * tau as f32 / running
        } else {
            1.0
        };
    }
    let mut tau = tau_min.max(2);
    while tau < tau_max {
        if cmnd[tau] < threshold {
            while tau + 1 < tau_max && cmnd[tau + 1] < cmnd[tau] {
                tau += 1;
            }
            // Parabolic interpolation around the minimum.
            let (a, b, c) = (cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]);
            let den = a + c - 2.0 * b;
            let shift = if den.abs() > 1e-9 {
                0.5 * (a - c) / den
            } else {
                0.0
            };
            return Some(rate as f32 / (tau as f32 + shift.clamp(-1.0, 1.0)));
        }
        tau += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(f: f32, rate: u32, n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| (2.0 * std::f32::consts::PI * f * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    }

    #[test]
    fn yin_finds_tones() {
        for f in [80.0, 120.0, 220.0, 350.0] {
            let got = yin(&tone(f, 16_000, 640), 16_000, 60.0, 400.0, 0.15).unwrap();
            assert!((got - f).abs() / f < 0.01, "{f} -> {got}");
        }
        let mut r = crate::questions::Rng::new(9);
        let noise: Vec<f32> = (0..640)
            .map(|_| (r.next_u64() % 65536) as f32 / 65536.0 - 0.5)
            .collect();
        assert!(yin(&noise, 16_000, 60.0, 400.0, 0.15).is_none());
    }

    #[test]
    fn fft_of_a_tone_peaks_at_its_bin() {
        let n = 256;
        let mut re = tone(16_000.0 * 10.0 / n as f32, 16_000, n);
        let mut im = vec![0.0; n];
        fft(&mut re, &mut im);
        let mag: Vec<f32> = (0..n / 2).map(|k| re[k].hypot(im[k])).collect();
        let peak = (0..n / 2)
            .max_by(|&a, &b| mag[a].total_cmp(&mag[b]))
            .unwrap();
        assert_eq!(peak, 10);
    }

    #[test]
    fn resample_keeps_duration_and_tone() {
        let x = tone(200.0, 48_000, 48_000);
        let y = resample(&x, 48_000, 16_000);
        assert_eq!(y.len(), 16_000);
        let f = yin(&y[4000..4640], 16_000, 60.0, 400.0, 0.15).unwrap();
        assert!((f - 200.0).abs() < 3.0);
        assert!((dbfs(&y) - dbfs(&x)).abs() < 0.5);
    }

    #[test]
    fn dbfs_levels() {
        assert!((dbfs(&[1.0; 100]) - 0.0).abs() < 1e-4);
        assert!((dbfs(&[0.1; 100]) + 20.0).abs() < 1e-3);
        assert_eq!(dbfs(&[0.0; 10]), -120.0);
    }
}

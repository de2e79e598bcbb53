//! Minimal WAV reader (PCM 8/16/24/32-bit and IEEE float), mixed to mono.

pub struct Audio {
    pub sample_rate: u32,
    pub samples: Vec<f32>,
}

pub fn read(bytes: &[u8]) -> Result<Audio, String> {
    let u16le = |b: &[u8], o: usize| u16::from_le_bytes([b[o], b[o + 1]]);
    let u32le = |b: &[u8], o: usize| u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err("not a RIFF/WAVE file".into());
    }
    let mut pos = 12;
    let mut fmt: Option<(u16, u16, u32, u16)> = None;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let declared = u32le(bytes, pos + 4) as usize;
        let body = pos + 8;
        // Streams written live (espeak-ng to a pipe) may declare 0 or 0xFFFFFFFF.
        let size = if declared == 0 || body + declared > bytes.len() {
            bytes.len() - body
        } else {
            declared
        };
        match id {
            b"fmt " if size >= 16 => {
                let format = u16le(bytes, body);
                let channels = u16le(bytes, body + 2);
                let rate = u32le(bytes, body + 4);
                let bits = u16le(bytes, body + 14);
                // WAVE_FORMAT_EXTENSIBLE: the real format is in the sub-format GUID.
                let format = if format == 0xFFFE && size >= 26 {
                    u16le(bytes, body + 24)
                } else {
                    format
                };
                fmt = Some((format, channels, rate, bits));
            }
            b"data" => {
                let (format, channels, rate, bits) = fmt.ok_or("data chunk before fmt chunk")?;
                if channels == 0 || rate == 0 {
                    return Err("bad fmt chunk".into());
                }
                let data = &bytes[body..body + size];
                let bps = (bits / 8) as usize;
                let frame = bps * channels as usize;
                if frame == 0 {
                    return Err("bad sample size".into());
                }
                let sample = |s: &[u8]| -> Result<f32, String> {
                    Ok(match (format, bits) {
                        (1, 8) => (s[0] as f32 - 128.0) / 128.0,
                        (1, 16) => i16::from_le_bytes([s[0], s[1]]) as f32 / 32768.0,
                        (1, 24) => {
                            (i32::from_le_bytes([0, s[0], s[1], s[2]]) >> 8) as f32 / 8_388_608.0
                        }
                        (1, 32) => {
                            i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as f32 / 2_147_483_648.0
                        }
                        (3, 32) => f32::from_le_bytes([s[0], s[1], s[2], s[3]]),
                        _ => {
                            return Err(format!(
                                "unsupported WAV encoding (format {format}, {bits} bits)"
                            ))
                        }
                    })
                };
                let mut samples = Vec::with_capacity(data.len() / frame);
                for f in data.chunks_exact(frame) {
                    let mut sum = 0.0;
                    for c in f.chunks_exact(bps) {
                        sum += sample(c)?;
                    }
                    samples.push(sum / channels as f32);
                }
                return Ok(Audio {
                    sample_rate: rate,
                    samples,
                });
            }
            _ => {}
        }
        pos = body + size + (size & 1);
    }
    Err("no data chunk".into())
}

/// 16-bit PCM mono WAV bytes (for tests and tools).
pub fn write_pcm16(rate: u32, samples: &[f32]) -> Vec<u8> {
    let mut b = Vec::with_capacity(44 + samples.len() * 2);
    let data_len = (samples.len() * 2) as u32;
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * 2).to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        b.extend_from_slice(&((s.clamp(-1.0, 1.0) * 32767.0).round() as i16).to_le_bytes());
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_pcm16() {
        let s: Vec<f32> = (0..100).map(|i| (i as f32 / 10.0).sin() * 0.5).collect();
        let a = read(&write_pcm16(22_050, &s)).unwrap();
        assert_eq!(a.sample_rate, 22_050);
        assert_eq!(a.samples.len(), 100);
        assert!(a.samples.iter().zip(&s).all(|(a, b)| (a - b).abs() < 1e-4));
    }

    #[test]
    fn rejects_garbage() {
        assert!(read(b"hello").is_err());
        assert!(read(b"RIFF\0\0\0\0WAVEdata\0\0\0\0").is_err());
    }
}

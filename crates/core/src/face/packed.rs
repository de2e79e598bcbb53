//! Compact storage of a face timeline: 17 bytes a frame, as one base64 string.
//!
//! A 10-minute interview has about 9,000 frames. Stored as a list of objects, every save of
//! the record (one a second while recording, with each recording chunk) built 9,000 JS
//! objects on the page's main thread, and reading it back walked them all again; one
//! string is copied in a single step. Records of format 1 hold the list; both are read.
//!
//! Layout per frame, little-endian: `t` u32 (ms) | focus u8 (index in [`Focus::ALL`]) |
//! flags u8 (1: expression, 2: yaw, 4: pitch) | 7 expression bytes (zero when absent) |
//! yaw i16 and pitch i16 in tenths of a degree (the timeline's own precision).

use super::focus::Focus;
use super::timeline::FrameSample;
use serde::{Deserialize, Deserializer, Serializer};

const FRAME: usize = 17;
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn encode(v: &[FrameSample]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() * FRAME);
    for f in v {
        out.extend_from_slice(&f.t.to_le_bytes());
        out.push(f.focus.index() as u8);
        let has_expr = f.expr.len() == 7;
        out.push(has_expr as u8 | (f.yaw.is_some() as u8) << 1 | (f.pitch.is_some() as u8) << 2);
        if has_expr {
            out.extend_from_slice(&f.expr);
        } else {
            out.extend_from_slice(&[0; 7]);
        }
        let tenths = |v: Option<f32>| ((v.unwrap_or(0.0) * 10.0).round() as i16).to_le_bytes();
        out.extend_from_slice(&tenths(f.yaw));
        out.extend_from_slice(&tenths(f.pitch));
    }
    out
}

pub fn decode(b: &[u8]) -> Result<Vec<FrameSample>, String> {
    if !b.len().is_multiple_of(FRAME) {
        return Err(format!("timeline of {} bytes is not whole frames", b.len()));
    }
    b.chunks_exact(FRAME)
        .map(|c| {
            let focus = *Focus::ALL
                .get(c[4] as usize)
                .ok_or_else(|| format!("unknown focus {}", c[4]))?;
            let flags = c[5];
            let deg = |i: usize| i16::from_le_bytes([c[i], c[i + 1]]) as f32 / 10.0;
            Ok(FrameSample {
                t: u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                focus,
                expr: if flags & 1 != 0 {
                    c[6..13].to_vec()
                } else {
                    Vec::new()
                },
                yaw: (flags & 2 != 0).then(|| deg(13)),
                pitch: (flags & 4 != 0).then(|| deg(15)),
            })
        })
        .collect()
}

pub fn to_base64(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len().div_ceil(3) * 4);
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                s.push(B64[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

pub fn from_base64(s: &str) -> Result<Vec<u8>, String> {
    let val = |c: u8| -> Result<u32, String> {
        B64.iter()
            .position(|x| *x == c)
            .map(|p| p as u32)
            .ok_or_else(|| format!("not base64: {:?}", c as char))
    };
    let s = s.as_bytes();
    if !s.len().is_multiple_of(4) {
        return Err("base64 length is not a multiple of 4".into());
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    for c in s.chunks(4) {
        let pad = c.iter().rev().take_while(|x| **x == b'=').count();
        if pad > 2 {
            return Err("bad base64 padding".into());
        }
        let mut n = 0u32;
        for (k, x) in c.iter().enumerate() {
            n |= if k >= 4 - pad { 0 } else { val(*x)? } << (18 - 6 * k);
        }
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8][..3 - pad]);
    }
    Ok(out)
}

/// `#[serde(with = "packed")]` for a record's timeline.
pub fn serialize<S: Serializer>(v: &[FrameSample], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_base64(&encode(v)))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FrameSample>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Packed(String),
        /// Format 1 records.
        List(Vec<FrameSample>),
    }
    match Stored::deserialize(d)? {
        Stored::Packed(s) => from_base64(&s)
            .and_then(|b| decode(&b))
            .map_err(serde::de::Error::custom),
        Stored::List(v) => Ok(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<FrameSample> {
        vec![
            FrameSample {
                t: 0,
                focus: Focus::Centre,
                expr: vec![1, 2, 3, 200, 5, 6, 38],
                yaw: Some(-12.3),
                pitch: Some(4.5),
            },
            FrameSample {
                t: 66_000_123,
                focus: Focus::NoFace,
                expr: vec![],
                yaw: None,
                pitch: None,
            },
            FrameSample {
                t: 70,
                focus: Focus::Away,
                expr: vec![],
                yaw: Some(0.0),
                pitch: None,
            },
        ]
    }

    #[test]
    fn frames_round_trip() {
        let v = samples();
        assert_eq!(encode(&v).len(), 3 * FRAME);
        assert_eq!(decode(&encode(&v)).unwrap(), v);
        assert!(decode(&[0; 5]).is_err());
        let mut bad = encode(&v);
        bad[4] = 9;
        assert!(decode(&bad).is_err());
    }

    #[test]
    fn base64_matches_the_standard() {
        for (raw, b64) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(to_base64(raw.as_bytes()), b64);
            assert_eq!(from_base64(b64).unwrap(), raw.as_bytes());
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(from_base64(&to_base64(&all)).unwrap(), all);
        assert!(from_base64("Zm9").is_err());
        assert!(from_base64("Z!9v").is_err());
    }

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Rec {
        #[serde(with = "super")]
        timeline: Vec<FrameSample>,
    }

    #[test]
    fn serde_reads_both_forms() {
        let r = Rec {
            timeline: samples(),
        };
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.starts_with("{\"timeline\":\""), "{json}");
        assert_eq!(serde_json::from_str::<Rec>(&json).unwrap(), r);
        // A format-1 record: the list of objects.
        let list = format!(
            "{{\"timeline\":{}}}",
            serde_json::to_string(&samples()).unwrap()
        );
        assert_eq!(serde_json::from_str::<Rec>(&list).unwrap(), r);
        assert!(serde_json::from_str::<Rec>("{\"timeline\":\"@@@@\"}").is_err());
    }
}

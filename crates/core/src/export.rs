//! The export file: one or more interviews, with or without their recordings, in a single
//! file the user keeps, moves to another browser and imports again.
//!
//! Layout (all of it checked on import before anything is written):
//!
//! ```text
//! MAGIC (16 bytes) | header length n (u64, little-endian) | header (n bytes of JSON) | data
//! ```
//!
//! The header lists every interview's record (its stored JSON, migrated on import like a
//! stored one) and where each recording chunk lies in `data`. Chunks are stored as the
//! recorder wrote them, back to back: the browser builds the file from the stored Blobs
//! and imports by slicing the file, so a long recording is never copied into memory.

use crate::record::{migrate_record, ChunkMeta, InterviewRecord, RecordError};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const MAGIC: &[u8; 16] = b"AI-INTERVIEWER\n\0";
/// Magic plus the header length.
pub const PREFIX_LEN: usize = 24;
pub const FORMAT: &str = "ai-interviewer-export";
/// Version of the export layout. Bump it (and read the older ones) when it changes.
pub const VERSION: u32 = 1;
/// File name extension the app gives exports and offers to open.
pub const EXTENSION: &str = "aiinterview";
/// A header larger than this is refused before it is read (a 10-minute interview's
/// header is under 1 MB).
pub const MAX_HEADER: u64 = 256 << 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub exported_ms: f64,
    pub with_recordings: bool,
    pub interviews: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub record: serde_json::Value,
    /// Recording chunks in order; empty in an export without recordings.
    pub chunks: Vec<Chunk>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chunk {
    pub seq: u32,
    pub t_ms: f64,
    /// Byte offset in the data section, and length.
    pub offset: u64,
    pub size: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ImportError {
    NotAnExport,
    Truncated,
    Newer(u32),
    Malformed(String),
    Empty,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::NotAnExport => write!(
                f,
                "This file is not an AI Interviewer export (choose a .{EXTENSION} file made with Export)."
            ),
            ImportError::Truncated => write!(
                f,
                "This export is incomplete: it may have been cut off while downloading or copying."
            ),
            ImportError::Newer(v) => write!(
                f,
                "This export was made by a newer version of AI Interviewer (format {v}); update the app to import it."
            ),
            ImportError::Malformed(m) => write!(f, "This export is damaged ({m})."),
            ImportError::Empty => write!(f, "This export holds no interviews."),
        }
    }
}

/// An interview to export: its record and, when recordings are included, its chunks'
/// metadata in order (sizes must match the Blobs that follow the header).
pub struct Source<'a> {
    pub record: &'a InterviewRecord,
    pub chunks: &'a [ChunkMeta],
}

/// The header for `sources`, with chunk offsets assigned back to back. Without recordings
/// the records say so (no chunks, no bytes) so the imported report does not look for one.
pub fn build_header(sources: &[Source], with_recordings: bool, exported_ms: f64) -> Header {
    let mut offset = 0u64;
    let interviews = sources
        .iter()
        .map(|s| {
            let mut rec = s.record.clone();
            let chunks = if with_recordings {
                s.chunks
                    .iter()
                    .map(|c| {
                        let size = c.size.max(0.0) as u64;
                        let ch = Chunk {
                            seq: c.seq,
                            t_ms: c.t_ms,
                            offset,
                            size,
                        };
                        offset += size;
                        ch
                    })
                    .collect()
            } else {
                rec.chunk_count = 0;
                rec.bytes = 0.0;
                Vec::new()
            };
            Entry {
                record: serde_json::to_value(&rec).expect("records serialise"),
                chunks,
            }
        })
        .collect();
    Header {
        format: FORMAT.into(),
        version: VERSION,
        exported_ms,
        with_recordings,
        interviews,
    }
}

/// Magic, header length and header: the bytes before the recordings.
pub fn encode_prefix(h: &Header) -> Vec<u8> {
    let json = serde_json::to_vec(h).expect("headers serialise");
    let mut out = Vec::with_capacity(PREFIX_LEN + json.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    out
}

/// The header's length, from the file's first [`PREFIX_LEN`] bytes.
pub fn header_len(prefix: &[u8], file_len: u64) -> Result<u64, ImportError> {
    if prefix.len() < MAGIC.len() || &prefix[..MAGIC.len()] != MAGIC {
        return Err(ImportError::NotAnExport);
    }
    if prefix.len() < PREFIX_LEN {
        return Err(ImportError::Truncated);
    }
    let n = u64::from_le_bytes(prefix[16..24].try_into().expect("8 bytes"));
    if n > MAX_HEADER {
        return Err(ImportError::Malformed("header too large".into()));
    }
    if PREFIX_LEN as u64 + n > file_len {
        return Err(ImportError::Truncated);
    }
    Ok(n)
}

/// What an import will write: every record validated, every chunk inside the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub exported_ms: f64,
    pub with_recordings: bool,
    /// Byte offset of the data section in the file.
    pub data_start: u64,
    pub interviews: Vec<(InterviewRecord, Vec<Chunk>)>,
}

/// Checks a whole header against the file's length. Nothing is accepted unless all of it
/// is: a file that fails here changes nothing.
pub fn parse_header(header: &[u8], file_len: u64) -> Result<Import, ImportError> {
    let bad = |m: String| Err(ImportError::Malformed(m));
    let v: serde_json::Value = serde_json::from_slice(header)
        .map_err(|e| ImportError::Malformed(format!("header is not valid JSON: {e}")))?;
    if v.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(ImportError::NotAnExport);
    }
    match v.get("version").and_then(|x| x.as_u64()) {
        Some(n) if n > VERSION as u64 => return Err(ImportError::Newer(n as u32)),
        Some(n) if n >= 1 => {}
        _ => return bad("no version".into()),
    }
    let h: Header =
        serde_json::from_value(v).map_err(|e| ImportError::Malformed(format!("header: {e}")))?;
    if h.interviews.is_empty() {
        return Err(ImportError::Empty);
    }
    let data_start = PREFIX_LEN as u64 + header.len() as u64;
    let data_len = file_len.saturating_sub(data_start);
    let mut ids = HashSet::new();
    let mut spans: Vec<(u64, u64)> = Vec::new();
    let mut interviews = Vec::new();
    for (k, e) in h.interviews.into_iter().enumerate() {
        let rec = migrate_record(e.record).map_err(|err| match err {
            RecordError::Newer(n) => ImportError::Malformed(format!(
                "interview {} was saved by a newer app (record format {n})",
                k + 1
            )),
            other => ImportError::Malformed(format!("interview {}: {other}", k + 1)),
        })?;
        if !ids.insert(rec.id.clone()) {
            return bad(format!("interview {} appears twice", rec.id));
        }
        if !h.with_recordings && !e.chunks.is_empty() {
            return bad("recording data in an export without recordings".into());
        }
        if h.with_recordings && e.chunks.len() != rec.chunk_count as usize {
            return bad(format!(
                "interview {}: {} recording pieces listed, {} expected",
                k + 1,
                e.chunks.len(),
                rec.chunk_count
            ));
        }
        for (i, c) in e.chunks.iter().enumerate() {
            if c.seq as usize != i || !c.t_ms.is_finite() || c.t_ms < 0.0 {
                return bad(format!(
                    "interview {}: recording pieces out of order",
                    k + 1
                ));
            }
            let end = c.offset.checked_add(c.size);
            match end {
                Some(end) if end <= data_len => spans.push((c.offset, end)),
                _ => return Err(ImportError::Truncated),
            }
        }
        interviews.push((rec, e.chunks));
    }
    // Pieces must tile the data exactly: no overlap, no hole, nothing after them.
    spans.sort();
    let mut pos = 0;
    for (a, b) in spans {
        if a != pos {
            return bad("recording data overlaps or has gaps".into());
        }
        pos = b;
    }
    if pos != data_len {
        return if pos < data_len {
            bad("unexpected data after the recordings".into())
        } else {
            Err(ImportError::Truncated)
        };
    }
    Ok(Import {
        exported_ms: h.exported_ms,
        with_recordings: h.with_recordings,
        data_start,
        interviews,
    })
}

/// Suggested file name: `ai-interviewer-2026-11-25.aiinterview` (local date).
pub fn file_name(now_ms: f64, tz_offset_min: f64, what: &str) -> String {
    let date = crate::format::date_time(now_ms, tz_offset_min);
    let day = date.split(' ').next().unwrap_or("export");
    format!("ai-interviewer-{what}{day}.{EXTENSION}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questions::{plan_questions, Track};
    use crate::record::MediaKind;

    fn rec(id: &str, chunks: u32) -> InterviewRecord {
        let qs = plan_questions(Track::General, 2, 60, &[], 3);
        let mut r = InterviewRecord::new(
            id.into(),
            1_700_000_000_000.0,
            Track::General,
            qs,
            "video/webm".into(),
            MediaKind::AudioVideo,
        );
        r.chunk_count = chunks;
        r.bytes = 100.0 * chunks as f64;
        r.set_transcript(0, "um I think so", false);
        r.finish(5_000.0);
        r
    }

    fn metas(n: u32, size: f64) -> Vec<ChunkMeta> {
        (0..n)
            .map(|seq| ChunkMeta {
                seq,
                t_ms: 1000.0 * (seq + 1) as f64,
                size,
            })
            .collect()
    }

    /// A whole file as bytes: prefix plus `data`.
    fn file(h: &Header, data: &[u8]) -> Vec<u8> {
        let mut f = encode_prefix(h);
        f.extend_from_slice(data);
        f
    }

    fn import(bytes: &[u8]) -> Result<Import, ImportError> {
        let n = header_len(&bytes[..PREFIX_LEN.min(bytes.len())], bytes.len() as u64)?;
        parse_header(
            &bytes[PREFIX_LEN..PREFIX_LEN + n as usize],
            bytes.len() as u64,
        )
    }

    fn two() -> (
        InterviewRecord,
        InterviewRecord,
        Vec<ChunkMeta>,
        Vec<ChunkMeta>,
    ) {
        (rec("a", 2), rec("b", 1), metas(2, 100.0), metas(1, 100.0))
    }

    #[test]
    fn round_trip_with_recordings() {
        let (a, b, ca, cb) = two();
        let h = build_header(
            &[
                Source {
                    record: &a,
                    chunks: &ca,
                },
                Source {
                    record: &b,
                    chunks: &cb,
                },
            ],
            true,
            42.0,
        );
        let bytes = file(&h, &[7u8; 300]);
        let imp = import(&bytes).unwrap();
        assert_eq!(imp.interviews.len(), 2);
        assert_eq!(imp.interviews[0].0, a);
        assert_eq!(imp.interviews[1].0, b);
        assert_eq!(
            imp.interviews[1].1,
            vec![Chunk {
                seq: 0,
                t_ms: 1000.0,
                offset: 200,
                size: 100
            }]
        );
        assert_eq!(imp.data_start as usize, bytes.len() - 300);
        assert!(imp.with_recordings);
        assert_eq!(imp.exported_ms, 42.0);
    }

    #[test]
    fn without_recordings_the_records_say_so() {
        let (a, _, ca, _) = two();
        let h = build_header(
            &[Source {
                record: &a,
                chunks: &ca,
            }],
            false,
            0.0,
        );
        let imp = import(&file(&h, &[])).unwrap();
        let r = &imp.interviews[0].0;
        assert_eq!((r.chunk_count, r.bytes), (0, 0.0));
        assert_eq!(r.transcripts, a.transcripts);
        assert!(imp.interviews[0].1.is_empty());
    }

    fn header_of(a: &InterviewRecord, ca: &[ChunkMeta]) -> Header {
        build_header(
            &[Source {
                record: a,
                chunks: ca,
            }],
            true,
            0.0,
        )
    }

    #[test]
    fn damaged_files_are_refused() {
        let (a, _, ca, _) = two();
        let h = header_of(&a, &ca);
        let good = file(&h, &[1u8; 200]);
        assert!(import(&good).is_ok());

        // Not an export at all, or too short to tell.
        assert_eq!(import(b"{\"hello\": 1}"), Err(ImportError::NotAnExport));
        assert_eq!(import(&good[..20]), Err(ImportError::Truncated));
        // Cut off in the header, or in the recordings.
        assert_eq!(import(&good[..60]), Err(ImportError::Truncated));
        assert_eq!(import(&good[..good.len() - 1]), Err(ImportError::Truncated));
        // Trailing bytes.
        let mut long = good.clone();
        long.push(0);
        assert!(matches!(import(&long), Err(ImportError::Malformed(_))));
        // A flipped byte in the header's JSON.
        let mut flipped = good.clone();
        flipped[PREFIX_LEN] = b'[';
        assert!(matches!(import(&flipped), Err(ImportError::Malformed(_))));
        // A huge declared header.
        let mut huge = good.clone();
        huge[16..24].copy_from_slice(&(MAX_HEADER + 1).to_le_bytes());
        assert!(matches!(import(&huge), Err(ImportError::Malformed(_))));
    }

    #[test]
    fn inconsistent_headers_are_refused() {
        let (a, b, ca, _) = two();
        let check = |h: Header, data: usize| import(&file(&h, &vec![0u8; data]));

        let mut h = header_of(&a, &ca);
        h.version = VERSION + 1;
        assert_eq!(check(h, 200), Err(ImportError::Newer(VERSION + 1)));

        let mut h = header_of(&a, &ca);
        h.interviews.clear();
        assert_eq!(check(h, 0), Err(ImportError::Empty));

        let mut h = header_of(&a, &ca);
        h.interviews.push(h.interviews[0].clone());
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(m)) if m.contains("twice")));

        // A record that fails the store's own validation.
        let mut h = header_of(&a, &ca);
        h.interviews[0].record["duration_ms"] = serde_json::json!(-5.0);
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(_))));
        // A record from a newer app.
        let mut h = header_of(&a, &ca);
        h.interviews[0].record["format"] = serde_json::json!(99);
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(m)) if m.contains("newer")));

        // Chunk count disagreeing with the record; overlapping pieces; out of order.
        let h = header_of(&b, &ca);
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(_))));
        let mut h = header_of(&a, &ca);
        h.interviews[0].chunks[1].offset = 50;
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(_))));
        let mut h = header_of(&a, &ca);
        h.interviews[0].chunks[1].seq = 5;
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(_))));
        // A piece past the end of the file.
        let mut h = header_of(&a, &ca);
        h.interviews[0].chunks[1].size = u64::MAX;
        assert_eq!(check(h, 200), Err(ImportError::Truncated));
        // The wrong format name.
        let mut h = header_of(&a, &ca);
        h.format = "something-else".into();
        assert_eq!(check(h, 200), Err(ImportError::NotAnExport));
    }

    #[test]
    fn messages_are_plain() {
        assert!(ImportError::Truncated.to_string().contains("incomplete"));
        assert!(ImportError::Newer(2).to_string().contains("newer version"));
        assert_eq!(
            file_name(0.0, 0.0, "all-"),
            "ai-interviewer-all-1970-01-01.aiinterview"
        );
    }
}

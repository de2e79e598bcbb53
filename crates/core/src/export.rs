//! The export file: one or more interviews, with or without their recordings, in a single
//! file the user keeps, moves to another browser and imports again.
//!
//! Layout (all of it checked on import before anything is written):
//!
//! ```text
//! version 2: MAGIC (16 bytes) | header length n (u64 LE) | header (n bytes of JSON)
//!            | CRC-32 of the header (u32 LE) | data
//! version 1: the same without the header's CRC-32 (read, never written)
//! ```
//!
//! The header lists every interview's record (its stored JSON, migrated and bounded on
//! import like a stored one) and where each recording chunk lies in `data`, with each
//! chunk's CRC-32 (version 2): a flipped bit anywhere in the file is found and named.
//! Chunks are stored as the recorder wrote them, back to back: the browser builds the file
//! from the stored Blobs and imports by slicing the file, so a long recording is never
//! copied into memory whole.

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

use crate::record::{migrate_record, ChunkMeta, InterviewRecord, RecordError};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const MAGIC: &[u8; 16] = b"AI-INTERVIEWER\n\0";
/// Magic plus the header length.
pub const PREFIX_LEN: usize = 24;
/// The header's CRC-32 after it (version 2).
pub const HEADER_SUM_LEN: usize = 4;
pub const FORMAT: &str = "ai-interviewer-export";
/// Version of the export layout. Bump it (and read the older ones) when it changes.
/// 2: checksums of the header and of each recording chunk.
pub const VERSION: u32 = 2;
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
    /// CRC-32 of the chunk's bytes (version 2; absent in version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crc32: Option<u32>,
}

impl Chunk {
    /// Whether `bytes` (read from the file at this chunk's place) are what was exported.
    /// A version-1 chunk has no checksum and is taken as it is.
    pub fn intact(&self, bytes: &[u8]) -> bool {
        bytes.len() as u64 == self.size && self.crc32.is_none_or(|c| c == crc32(bytes))
    }
}

pub fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
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

/// An interview to export: its record as stored (JSON: a record the app can no longer read
/// is exported as it is, so that nothing is lost) and, when recordings are included, its
/// chunks' metadata in order with each chunk's CRC-32 (sizes must match the Blobs that
/// follow the header).
pub struct Source<'a> {
    pub record: serde_json::Value,
    pub chunks: &'a [(ChunkMeta, u32)],
}

impl Source<'_> {
    pub fn of<'a>(record: &InterviewRecord, chunks: &'a [(ChunkMeta, u32)]) -> Source<'a> {
        Source {
            record: serde_json::to_value(record).unwrap_or(serde_json::Value::Null),
            chunks,
        }
    }
}

/// The header for `sources`, with chunk offsets assigned back to back and chunks numbered
/// from 0. Without recordings the records say so (no chunks, no bytes) so the imported
/// report does not look for one.
pub fn build_header(sources: Vec<Source>, with_recordings: bool, exported_ms: f64) -> Header {
    let mut offset = 0u64;
    let interviews = sources
        .into_iter()
        .map(|s| {
            let mut record = s.record;
            let chunks = if with_recordings {
                (0u32..)
                    .zip(s.chunks)
                    .map(|(seq, (c, sum))| {
                        // A size that is not a byte count (never written by the store) is
                        // 0 here; the file's tiling check then refuses the export on import.
                        let size = if c.size.is_finite() && c.size >= 0.0 {
                            #[allow(
                                clippy::cast_possible_truncation,
                                clippy::cast_sign_loss,
                                reason = "finite and not negative: the cast saturates"
                            )]
                            let s = c.size as u64;
                            s
                        } else {
                            0
                        };
                        let ch = Chunk {
                            seq,
                            t_ms: c.t_ms,
                            offset,
                            size,
                            crc32: Some(*sum),
                        };
                        offset = offset.saturating_add(size);
                        ch
                    })
                    .collect()
            } else {
                if let Some(o) = record.as_object_mut() {
                    o.insert("chunk_count".into(), 0.into());
                    o.insert("bytes".into(), 0.into());
                }
                Vec::new()
            };
            Entry { record, chunks }
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

/// Magic, header length, header and its checksum: the bytes before the recordings.
pub fn encode_prefix(h: &Header) -> Vec<u8> {
    // A Header is strings, numbers and JSON values: serialising it cannot fail.
    let json = serde_json::to_vec(h).unwrap_or_default();
    let mut out = Vec::with_capacity(PREFIX_LEN + json.len() + HEADER_SUM_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&crc32(&json).to_le_bytes());
    out
}

/// The header's length, from the file's first [`PREFIX_LEN`] bytes.
pub fn header_len(prefix: &[u8], file_len: u64) -> Result<u64, ImportError> {
    if prefix.get(..MAGIC.len()) != Some(MAGIC.as_slice()) {
        return Err(ImportError::NotAnExport);
    }
    let Some(len) = prefix.get(MAGIC.len()..PREFIX_LEN) else {
        return Err(ImportError::Truncated);
    };
    let mut n = [0u8; 8];
    n.copy_from_slice(len);
    let n = u64::from_le_bytes(n);
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

/// Checks a whole header against the file's length. `bytes` are the file's bytes after
/// the prefix: the `n` bytes of the header and, in version 2, the 4 of its checksum (read
/// `n + HEADER_SUM_LEN`, fewer where the file ends). Nothing is accepted unless all of it
/// is: a file that fails here changes nothing.
pub fn parse_header(n: u64, bytes: &[u8], file_len: u64) -> Result<Import, ImportError> {
    let bad = |m: String| Err(ImportError::Malformed(m));
    let n = usize::try_from(n).map_err(|_| ImportError::Malformed("header too large".into()))?;
    let header = bytes.get(..n).ok_or(ImportError::Truncated)?;
    let sum = bytes.get(n..n + HEADER_SUM_LEN);
    let sum_ok = sum.is_some_and(|s| s == crc32(header).to_le_bytes());
    let damaged_header = || {
        ImportError::Malformed(
            "the list of interviews at the start of the file does not match its checksum".into(),
        )
    };
    let v: serde_json::Value = serde_json::from_slice(header).map_err(|e| {
        if sum.is_some() && !sum_ok {
            damaged_header()
        } else {
            ImportError::Malformed(format!("header is not valid JSON: {e}"))
        }
    })?;
    if v.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(if sum_ok {
            ImportError::NotAnExport
        } else {
            damaged_header()
        });
    }
    let version = match v.get("version").and_then(|x| x.as_u64()) {
        Some(n) if n > u64::from(VERSION) => {
            return Err(ImportError::Newer(u32::try_from(n).unwrap_or(u32::MAX)))
        }
        Some(1) => 1,
        Some(2) => 2,
        _ => return bad("no version".into()),
    };
    if version >= 2 && !sum_ok {
        return Err(match sum {
            None => ImportError::Truncated,
            Some(_) => damaged_header(),
        });
    }
    let h: Header =
        serde_json::from_value(v).map_err(|e| ImportError::Malformed(format!("header: {e}")))?;
    if h.interviews.is_empty() {
        return Err(ImportError::Empty);
    }
    let sum_len = if version >= 2 { HEADER_SUM_LEN } else { 0 };
    let data_start = (PREFIX_LEN + n + sum_len) as u64;
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
        let mut prev_t = 0.0;
        for (i, c) in e.chunks.iter().enumerate() {
            if c.seq as usize != i
                || !c.t_ms.is_finite()
                || c.t_ms < prev_t
                || c.t_ms > crate::bounds::MAX_DURATION_MS
            {
                return bad(format!(
                    "interview {}: recording pieces out of order",
                    k + 1
                ));
            }
            prev_t = c.t_ms;
            if version >= 2 && c.crc32.is_none() {
                return bad(format!(
                    "interview {}: recording piece {} has no checksum",
                    k + 1,
                    i + 1
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

/// A recording chunk whose bytes do not match their checksum: interview `interview`
/// (0-based, in the file's order), chunk `seq`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DamagedChunk {
    pub interview: usize,
    pub seq: u32,
}

impl Import {
    /// Plain words for the user: which interviews have damaged recording pieces.
    pub fn describe_damage(&self, damaged: &[DamagedChunk], tz_offset_min: f64) -> String {
        let mut parts = Vec::new();
        for (k, (rec, _)) in self.interviews.iter().enumerate() {
            let n = damaged.iter().filter(|d| d.interview == k).count();
            if n > 0 {
                parts.push(format!(
                    "the interview of {} ({} of its {} recording pieces)",
                    crate::format::date_time(rec.created_ms, tz_offset_min),
                    n,
                    rec.chunk_count
                ));
            }
        }
        format!("Damaged recording data in {}", parts.join(" and "))
    }

    /// Leaves out the damaged chunks (the user agreed): the rest of each recording is kept
    /// and numbered again from 0, the record says what is missing. A damaged first chunk
    /// holds the recording's header, without which no later chunk plays: then the whole
    /// recording of that interview is left out, its analysis kept.
    pub fn skip_damaged(&mut self, damaged: &[DamagedChunk]) {
        for (k, (rec, chunks)) in self.interviews.iter_mut().enumerate() {
            let bad: Vec<u32> = damaged
                .iter()
                .filter(|d| d.interview == k)
                .map(|d| d.seq)
                .collect();
            if bad.is_empty() {
                continue;
            }
            let lost_header = bad.contains(&0);
            chunks.retain(|c| !lost_header && !bad.contains(&c.seq));
            for (seq, c) in (0u32..).zip(chunks.iter_mut()) {
                c.seq = seq;
            }
            rec.chunk_count = u32::try_from(chunks.len()).unwrap_or(u32::MAX);
            rec.bytes = chunks.iter().map(|c| c.size as f64).sum();
            let what = if lost_header {
                "The recording's first piece was damaged in the export file, so the recording \
                 was left out; the analysis is kept."
                    .to_string()
            } else {
                format!(
                    "{} recording piece{} damaged in the export file {} left out: the replay \
                     jumps there.",
                    bad.len(),
                    if bad.len() == 1 { " was" } else { "s were" },
                    if bad.len() == 1 { "and is" } else { "and are" },
                )
            };
            rec.note = Some(match rec.note.take() {
                Some(n) => format!("{n} {what}"),
                None => what,
            });
        }
    }
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

    /// `n` chunks of 100 bytes each: chunk k holds the byte k+1 throughout.
    fn data(n: u32) -> Vec<u8> {
        (0..n).flat_map(|k| vec![k as u8 + 1; 100]).collect()
    }

    fn metas(n: u32) -> Vec<(ChunkMeta, u32)> {
        (0..n)
            .map(|seq| {
                let meta = ChunkMeta {
                    seq,
                    t_ms: 1000.0 * (seq + 1) as f64,
                    size: 100.0,
                };
                (meta, crc32(&[seq as u8 + 1; 100]))
            })
            .collect()
    }

    /// A whole file as bytes: prefix plus `data`.
    fn file(h: &Header, data: &[u8]) -> Vec<u8> {
        let mut f = encode_prefix(h);
        f.extend_from_slice(data);
        f
    }

    /// What the app's importer does: prefix, header and its checksum, then every chunk's
    /// bytes checked.
    fn import(bytes: &[u8]) -> Result<Import, ImportError> {
        let n = header_len(&bytes[..PREFIX_LEN.min(bytes.len())], bytes.len() as u64)?;
        let end = (PREFIX_LEN + n as usize + HEADER_SUM_LEN).min(bytes.len());
        parse_header(n, &bytes[PREFIX_LEN..end], bytes.len() as u64)
    }

    fn damaged_chunks(imp: &Import, bytes: &[u8]) -> Vec<DamagedChunk> {
        let mut out = Vec::new();
        for (k, (_, chunks)) in imp.interviews.iter().enumerate() {
            for c in chunks {
                let at = (imp.data_start + c.offset) as usize;
                if !c.intact(&bytes[at..at + c.size as usize]) {
                    out.push(DamagedChunk {
                        interview: k,
                        seq: c.seq,
                    });
                }
            }
        }
        out
    }

    fn header_of(a: &InterviewRecord, ca: &[(ChunkMeta, u32)]) -> Header {
        build_header(vec![Source::of(a, ca)], true, 0.0)
    }

    /// The same file in version 1: no checksums anywhere.
    fn v1(h: &Header, data: &[u8]) -> Vec<u8> {
        let mut h = h.clone();
        h.version = 1;
        for e in &mut h.interviews {
            for c in &mut e.chunks {
                c.crc32 = None;
            }
        }
        let json = serde_json::to_vec(&h).unwrap();
        let mut f = MAGIC.to_vec();
        f.extend_from_slice(&(json.len() as u64).to_le_bytes());
        f.extend_from_slice(&json);
        f.extend_from_slice(data);
        f
    }

    #[test]
    fn round_trip_with_recordings() {
        let (a, b) = (rec("a", 2), rec("b", 1));
        let (ca, cb) = (metas(2), metas(1));
        let h = build_header(vec![Source::of(&a, &ca), Source::of(&b, &cb)], true, 42.0);
        let mut d = data(2);
        d.extend(data(1));
        let bytes = file(&h, &d);
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
                size: 100,
                crc32: Some(crc32(&[1u8; 100])),
            }]
        );
        assert_eq!(imp.data_start as usize, bytes.len() - 300);
        assert!(imp.with_recordings);
        assert_eq!(imp.exported_ms, 42.0);
        assert!(damaged_chunks(&imp, &bytes).is_empty());
    }

    #[test]
    fn version_1_files_still_import() {
        let a = rec("a", 2);
        let h = header_of(&a, &metas(2));
        let bytes = v1(&h, &data(2));
        let imp = import(&bytes).unwrap();
        assert_eq!(imp.interviews[0].0, a);
        assert_eq!(imp.data_start as usize, bytes.len() - 200);
        assert!(damaged_chunks(&imp, &bytes).is_empty());
        // A version-1 file cut short or with bytes after it is refused as before.
        assert_eq!(
            import(&bytes[..bytes.len() - 1]),
            Err(ImportError::Truncated)
        );
    }

    #[test]
    fn without_recordings_the_records_say_so() {
        let a = rec("a", 2);
        let h = build_header(vec![Source::of(&a, &metas(2))], false, 0.0);
        let imp = import(&file(&h, &[])).unwrap();
        let r = &imp.interviews[0].0;
        assert_eq!((r.chunk_count, r.bytes), (0, 0.0));
        assert_eq!(r.transcripts, a.transcripts);
        assert!(imp.interviews[0].1.is_empty());
    }

    #[test]
    fn every_flipped_bit_is_found_and_named() {
        let a = rec("a", 3);
        let bytes = file(&header_of(&a, &metas(3)), &data(3));
        let header_end = bytes.len() - 300;
        // Every bit of the header, its length and its checksum: refused, never imported as
        // changed data. Every bit of the recordings: imported only with that chunk named.
        let mut step = 0;
        for i in (0..bytes.len()).step_by(3) {
            for bit in [0u8, 3, 7] {
                step += 1;
                let mut f = bytes.clone();
                f[i] ^= 1 << bit;
                match import(&f) {
                    Err(_) => assert!(i < header_end, "byte {i}: data flip refused the file"),
                    Ok(imp) => {
                        assert!(i >= header_end, "byte {i} bit {bit}: header flip imported");
                        let d = damaged_chunks(&imp, &f);
                        let seq = ((i - header_end) / 100) as u32;
                        assert_eq!(d, vec![DamagedChunk { interview: 0, seq }], "byte {i}");
                    }
                }
            }
        }
        assert!(step > 1000);
        let mut f = bytes.clone();
        f[PREFIX_LEN + 10] ^= 1;
        let e = import(&f).unwrap_err().to_string();
        assert!(e.contains("damaged") && e.contains("checksum"), "{e}");
    }

    #[test]
    fn damaged_chunks_are_skipped_with_consent() {
        let a = rec("a", 4);
        let bytes = file(&header_of(&a, &metas(4)), &data(4));
        let mut imp = import(&bytes).unwrap();
        let damage = [DamagedChunk {
            interview: 0,
            seq: 2,
        }];
        assert!(imp
            .describe_damage(&damage, 0.0)
            .contains("1 of its 4 recording pieces"));
        imp.skip_damaged(&damage);
        let (r, chunks) = &imp.interviews[0];
        assert_eq!(
            chunks.iter().map(|c| (c.seq, c.offset)).collect::<Vec<_>>(),
            vec![(0, 0), (1, 100), (2, 300)]
        );
        assert_eq!((r.chunk_count, r.bytes), (3, 300.0));
        assert!(r
            .note
            .as_deref()
            .unwrap()
            .contains("1 recording piece was damaged"));
        assert!(crate::bounds::check_record(r).is_ok());
        // Without its first piece the recording cannot play: it goes, the analysis stays.
        let mut imp = import(&bytes).unwrap();
        imp.skip_damaged(&[DamagedChunk {
            interview: 0,
            seq: 0,
        }]);
        let (r, chunks) = &imp.interviews[0];
        assert!(chunks.is_empty());
        assert_eq!((r.chunk_count, r.bytes), (0, 0.0));
        assert_eq!(r.transcripts, a.transcripts);
    }

    #[test]
    fn damaged_files_are_refused() {
        let a = rec("a", 2);
        let h = header_of(&a, &metas(2));
        let good = file(&h, &data(2));
        assert!(import(&good).is_ok());

        // Not an export at all, or too short to tell.
        assert_eq!(import(b"{\"hello\": 1}"), Err(ImportError::NotAnExport));
        assert_eq!(import(&good[..20]), Err(ImportError::Truncated));
        // Cut off in the header, its checksum, or in the recordings.
        assert_eq!(import(&good[..60]), Err(ImportError::Truncated));
        assert_eq!(
            import(&good[..good.len() - 201]),
            Err(ImportError::Truncated)
        );
        assert_eq!(import(&good[..good.len() - 1]), Err(ImportError::Truncated));
        // Trailing bytes.
        let mut long = good.clone();
        long.push(0);
        assert!(matches!(import(&long), Err(ImportError::Malformed(_))));
        // A changed byte in the header's JSON.
        let mut flipped = good.clone();
        flipped[PREFIX_LEN] = b'[';
        assert!(matches!(import(&flipped), Err(ImportError::Malformed(_))));
        // A huge declared header.
        let mut huge = good.clone();
        huge[16..24].copy_from_slice(&(MAX_HEADER + 1).to_le_bytes());
        assert!(matches!(import(&huge), Err(ImportError::Malformed(_))));
    }

    /// A header changed on purpose, written with a correct checksum: what the checks
    /// behind the checksum refuse.
    #[test]
    fn inconsistent_headers_are_refused() {
        let (a, b) = (rec("a", 2), rec("b", 1));
        let ca = metas(2);
        let check = |h: Header, n: usize| import(&file(&h, &vec![1u8; n]));

        let mut h = header_of(&a, &ca);
        h.version = VERSION + 1;
        assert_eq!(check(h, 200), Err(ImportError::Newer(VERSION + 1)));

        let mut h = header_of(&a, &ca);
        h.interviews.clear();
        assert_eq!(check(h, 0), Err(ImportError::Empty));

        let mut h = header_of(&a, &ca);
        h.interviews.push(h.interviews[0].clone());
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(m)) if m.contains("twice")));

        // A record that fails the store's own bounds (the issue's hostile records).
        for (field, v) in [
            ("duration_ms", serde_json::json!(-5.0)),
            ("duration_ms", serde_json::json!(1e308)),
            ("created_ms", serde_json::json!(-8.64e15)),
            ("id", serde_json::json!("../../etc")),
            ("id", serde_json::json!("a#/history?x=<b>")),
        ] {
            let mut h = header_of(&a, &ca);
            h.interviews[0].record[field] = v;
            assert!(
                matches!(check(h, 200), Err(ImportError::Malformed(m)) if m.contains(field)),
                "{field}"
            );
        }
        let mut h = header_of(&a, &ca);
        h.interviews[0].record["transcripts"][0]["index"] = serde_json::json!(4294967295u64);
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(_))));
        // A record from a newer app; a format number past u32 is not read as a small one.
        let mut h = header_of(&a, &ca);
        h.interviews[0].record["format"] = serde_json::json!(99);
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(m)) if m.contains("newer")));
        let mut h = header_of(&a, &ca);
        h.interviews[0].record["format"] = serde_json::json!(1u64 << 32 | 1);
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(m)) if m.contains("newer")));

        // Chunk count disagreeing with the record; overlapping pieces; out of order; no
        // checksum in a version-2 file; times going back.
        let h = header_of(&b, &ca);
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(_))));
        let mut h = header_of(&a, &ca);
        h.interviews[0].chunks[1].offset = 50;
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(_))));
        let mut h = header_of(&a, &ca);
        h.interviews[0].chunks[1].seq = 5;
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(_))));
        let mut h = header_of(&a, &ca);
        h.interviews[0].chunks[1].crc32 = None;
        assert!(matches!(check(h, 200), Err(ImportError::Malformed(m)) if m.contains("checksum")));
        let mut h = header_of(&a, &ca);
        h.interviews[0].chunks[1].t_ms = 0.5;
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

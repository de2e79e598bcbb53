//! Export and import glue: the file layout and every check live in
//! `interviewer_core::export`; this moves Blobs between the file and IndexedDB.

use super::{chunk_meta, chunk_value, classify, from_idb, row_range, Store, StoreError};
use idb::{Query, TransactionMode};
use interviewer_core::export::{self, Source};
use interviewer_core::record::ChunkMeta;
use interviewer_core::schema;
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// What an import did, for the message the user sees.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub added: usize,
    /// Interviews that were already here (same id) and were replaced by the file's copy.
    pub replaced: usize,
    pub with_recordings: bool,
    /// Damaged recording pieces left out (the user agreed).
    pub skipped_pieces: usize,
}

fn js_err(e: JsValue) -> StoreError {
    classify(&e)
}

impl Store {
    /// One export file holding `ids` (in that order), with or without their recordings.
    /// Each recording piece is read once for its checksum, one at a time; the file
    /// references the Blobs instead of copying them. An interview the app cannot read
    /// (shown as damaged) is exported as stored, with its rows beside it, so that nothing
    /// is lost.
    pub async fn export(
        &self,
        ids: &[String],
        with_recordings: bool,
        now_ms: f64,
    ) -> Result<Blob, StoreError> {
        let mut records = Vec::new();
        let mut metas = Vec::new();
        let parts = Array::new();
        let mut blobs = Vec::new();
        for id in ids {
            let record = match self.get_interview(id).await {
                Ok(Some(rec)) => {
                    serde_json::to_value(&rec).map_err(|e| StoreError::Other(e.to_string()))?
                }
                Ok(None) => return Err(StoreError::Other(format!("interview {id} is gone"))),
                Err(_) => self.raw_interview(id).await?,
            };
            let mut m = Vec::new();
            if with_recordings {
                for v in self.chunk_values(id).await? {
                    let blob: Blob = Reflect::get(&v, &"blob".into())
                        .map_err(js_err)?
                        .dyn_into()
                        .map_err(|_| StoreError::Other("a recording piece is unreadable".into()))?;
                    // The Blob's own size and bytes are what go into the file.
                    let mut meta = chunk_meta(&v);
                    meta.size = blob.size();
                    let bytes = JsFuture::from(blob.array_buffer())
                        .await
                        .map_err(|_| StoreError::Other("a recording piece is unreadable".into()))?;
                    m.push((meta, export::crc32(&Uint8Array::new(&bytes).to_vec())));
                    blobs.push(blob);
                }
            }
            records.push(record);
            metas.push(m);
        }
        let sources: Vec<Source> = records
            .into_iter()
            .zip(&metas)
            .map(|(record, chunks)| Source { record, chunks })
            .collect();
        let header = export::build_header(sources, with_recordings, now_ms);
        let prefix = export::encode_prefix(&header);
        parts.push(&Uint8Array::from(prefix.as_slice()));
        for b in &blobs {
            parts.push(b);
        }
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("application/octet-stream");
        Blob::new_with_u8_array_sequence_and_options(&parts, &opts).map_err(js_err)
    }

    /// Imports an export file. Everything is checked before anything is written: the
    /// header and each recording piece against their checksums. Damaged pieces are left
    /// out only if `skip_damaged` agrees (it is asked with the damage described); all
    /// writes happen in one transaction, so a bad file, a refusal, or a failure half-way
    /// (a full disk) leaves the database as it was.
    pub async fn import(
        &self,
        file: &Blob,
        skip_damaged: impl FnOnce(&str) -> bool,
        tz_offset_min: f64,
    ) -> Result<Imported, String> {
        let len = size_of(file);
        let prefix = read(file, 0, export::PREFIX_LEN as u64).await?;
        let n = export::header_len(&prefix, len).map_err(|e| e.to_string())?;
        let from = export::PREFIX_LEN as u64;
        let header = read(file, from, from + n + export::HEADER_SUM_LEN as u64).await?;
        let mut imp = export::parse_header(n, &header, len).map_err(|e| e.to_string())?;

        let mut damaged = Vec::new();
        for (k, (_, pieces)) in imp.interviews.iter().enumerate() {
            for c in pieces {
                let start = imp.data_start + c.offset;
                if !c.intact(&read(file, start, start + c.size).await?) {
                    damaged.push(export::DamagedChunk {
                        interview: k,
                        seq: c.seq,
                    });
                }
            }
        }
        let skipped = damaged.len();
        if !damaged.is_empty() {
            let what = imp.describe_damage(&damaged, tz_offset_min);
            if !skip_damaged(&what) {
                return Err(format!(
                    "This export is damaged. {what}; you chose not to import the rest."
                ));
            }
            imp.skip_damaged(&damaged);
        }

        let existing = self.stored_ids().await.map_err(|e| e.to_string())?;
        let (tx, raw) = self
            .tx(&super::RECORD_STORES, TransactionMode::ReadWrite)
            .map_err(|e| e.to_string())?;
        let write = || -> Result<(), StoreError> {
            let chunks = tx.object_store(schema::CHUNKS).map_err(from_idb)?;
            for (rec, pieces) in &imp.interviews {
                // Replacing: the old recording goes, in the same transaction.
                chunks
                    .delete(Query::KeyRange(row_range(&rec.id)?))
                    .map_err(from_idb)?;
                for c in pieces {
                    let start = (imp.data_start + c.offset) as f64;
                    let blob = file
                        .slice_with_f64_and_f64_and_content_type(
                            start,
                            start + c.size as f64,
                            &rec.mime_type,
                        )
                        .map_err(js_err)?;
                    let meta = ChunkMeta {
                        seq: c.seq,
                        t_ms: c.t_ms,
                        size: c.size as f64,
                    };
                    chunks
                        .put(&chunk_value(&rec.id, &meta, &blob)?, None)
                        .map_err(from_idb)?;
                }
                Store::write_record(&tx, rec)?;
            }
            Ok(())
        };
        if let Err(e) = write() {
            let _ = raw.abort();
            return Err(e.to_string());
        }
        Store::finish(tx, raw).await.map_err(|e| e.to_string())?;
        // A journalled copy (kept when a disk was full) would shadow the imported record.
        for (rec, _) in &imp.interviews {
            super::journal::remove(&rec.id);
        }
        let replaced = imp
            .interviews
            .iter()
            .filter(|(r, _)| existing.contains(&r.id))
            .count();
        Ok(Imported {
            added: imp.interviews.len() - replaced,
            replaced,
            with_recordings: imp.with_recordings,
            skipped_pieces: skipped,
        })
    }
}

/// A Blob's size in bytes: a whole, non-negative number of bytes by the File API.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a Blob's size is a whole non-negative number below 2^53"
)]
fn size_of(b: &Blob) -> u64 {
    b.size() as u64
}

/// Bytes `from..to` of a file (the prefix, the header: never the recordings).
async fn read(file: &Blob, from: u64, to: u64) -> Result<Vec<u8>, String> {
    let to = to.min(size_of(file));
    let part = file
        .slice_with_f64_and_f64(from as f64, to as f64)
        .map_err(|e| format!("{e:?}"))?;
    let buf = JsFuture::from(part.array_buffer()).await.map_err(|_| {
        "The file could not be read (it may have been moved or deleted).".to_string()
    })?;
    Ok(Uint8Array::new(&buf).to_vec())
}

/// Offers a Blob as a download with the given file name.
pub fn download(blob: &Blob, name: &str) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|e| format!("{e:?}"))?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "no anchor")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoked later: some browsers read the URL after click() returns.
    let u = url.clone();
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&u);
    })
    .forget();
    Ok(())
}

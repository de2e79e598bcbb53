//! IndexedDB glue (via the `idb` crate). The schema and its migrations are data in
//! `interviewer_core::schema`; this module only executes them and moves values.

// Reads stored data (issue 20): no index, slice or narrowing cast that data can break.
#![deny(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

use idb::{Database, Factory, KeyRange, Query, TransactionMode};
use interviewer_core::record::{
    assemble, migrate_record, pack_frames, AnswerData, ChunkMeta, InterviewRecord, FINAL_PIECE,
};
use interviewer_core::run::{ChunkWrite, FinalSave};
use interviewer_core::schema::{self, KeyPath, Step};
use js_sys::{Array, Reflect};
use serde::Serialize;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, IdbTransaction};

mod transfer;
pub use transfer::{download, Imported};

#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    /// The browser refused to store more (QuotaExceededError).
    Quota,
    /// IndexedDB is missing or blocked (private mode in some browsers, disabled storage).
    Unavailable(String),
    Other(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Quota => write!(
                f,
                "The browser's storage for this site is full. Delete old interviews in History to free space."
            ),
            StoreError::Unavailable(e) => write!(
                f,
                "This browser does not let the app save data (IndexedDB unavailable: {e}). \
                 Private windows and some privacy settings block it."
            ),
            StoreError::Other(e) => write!(f, "Saving failed: {e}"),
        }
    }
}

/// Maps a DOMException (or anything thrown) to a StoreError; quota errors are singled out
/// so that recording can stop cleanly.
pub fn classify(err: &JsValue) -> StoreError {
    if let Some(ex) = err.dyn_ref::<web_sys::DomException>() {
        if ex.name() == "QuotaExceededError" {
            return StoreError::Quota;
        }
        return StoreError::Other(format!("{}: {}", ex.name(), ex.message()));
    }
    StoreError::Other(format!("{err:?}"))
}

fn from_idb(e: idb::Error) -> StoreError {
    match e {
        idb::Error::DomException(ex) => classify(&ex.into()),
        other => StoreError::Other(other.to_string()),
    }
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, StoreError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| StoreError::Other(e.to_string()))
}

fn key_path_js(k: &KeyPath) -> JsValue {
    match k {
        KeyPath::Single(s) => JsValue::from_str(s),
        KeyPath::Compound(parts) => parts
            .iter()
            .map(|p| JsValue::from_str(p))
            .collect::<Array>()
            .into(),
    }
}

/// Runs the schema's upgrade steps inside `onupgradeneeded`, on the raw versionchange
/// transaction (the only place an index can be added to an existing store).
fn apply_steps(event: idb::event::VersionChangeEvent, steps: &[Step]) -> Result<(), JsValue> {
    let raw: web_sys::IdbVersionChangeEvent = event.into();
    let req: web_sys::IdbOpenDbRequest = raw.target().ok_or("no target")?.dyn_into()?;
    let db: web_sys::IdbDatabase = req.result()?.dyn_into()?;
    let tx = req.transaction().ok_or("no upgrade transaction")?;
    for step in steps {
        match step {
            Step::CreateStore { name, key_path } => {
                let p = web_sys::IdbObjectStoreParameters::new();
                p.set_key_path(&key_path_js(key_path));
                db.create_object_store_with_optional_parameters(name, &p)?;
            }
            Step::CreateIndex {
                store,
                name,
                key_path,
                unique,
            } => {
                let p = web_sys::IdbIndexParameters::new();
                p.set_unique(*unique);
                let store = tx.object_store(store)?;
                match key_path {
                    KeyPath::Single(k) => {
                        store.create_index_with_str_and_optional_parameters(name, k, &p)?
                    }
                    KeyPath::Compound(_) => store
                        .create_index_with_str_sequence_and_optional_parameters(
                            name,
                            &key_path_js(key_path),
                            &p,
                        )?,
                };
            }
        }
    }
    Ok(())
}

/// What the history lists: the interviews that can be opened, and those that cannot.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub records: Vec<InterviewRecord>,
    pub damaged: Vec<Damaged>,
}

/// A stored interview that fails the record checks: listed with export and delete.
#[derive(Clone, Debug, PartialEq)]
pub struct Damaged {
    pub id: String,
    pub reason: String,
    pub created_ms: Option<f64>,
}

#[derive(Clone)]
pub struct Store {
    db: Rc<Database>,
}

/// A stored chunk: `{interviewId, seq, tMs, size, blob}` (recording, import).
fn chunk_value(id: &str, meta: &ChunkMeta, blob: &Blob) -> Result<JsValue, StoreError> {
    let obj = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&obj, &k.into(), v).map(|_| ());
    set("interviewId", &id.into())
        .and(set("seq", &f64::from(meta.seq).into()))
        .and(set("tMs", &meta.t_ms.into()))
        .and(set("size", &meta.size.into()))
        .and(set("blob", blob))
        .map_err(|e| classify(&e))?;
    Ok(obj.into())
}

/// A stored chunk's metadata (missing numbers read as 0).
fn chunk_meta(v: &JsValue) -> ChunkMeta {
    let get = |k: &str| {
        Reflect::get(v, &k.into())
            .ok()
            .and_then(|x| x.as_f64())
            .unwrap_or(0.0)
    };
    ChunkMeta {
        seq: seq_of(get("seq")),
        t_ms: get("tMs"),
        size: get("size"),
    }
}

/// The stores an interview has rows in.
const RECORD_STORES: [&str; 4] = [
    schema::INTERVIEWS,
    schema::CHUNKS,
    schema::TIMELINE,
    schema::ANSWERS,
];

/// A timeline piece: `{interviewId, seq, frames}` (frames packed, `record::pack_frames`).
fn timeline_value(id: &str, seq: u32, packed: &str) -> Result<JsValue, StoreError> {
    let obj = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&obj, &k.into(), v).map(|_| ());
    set("interviewId", &id.into())
        .and(set("seq", &f64::from(seq).into()))
        .and(set("frames", &packed.into()))
        .map_err(|e| classify(&e))?;
    Ok(obj.into())
}

fn row_id(v: &JsValue) -> Option<String> {
    Reflect::get(v, &"interviewId".into()).ok()?.as_string()
}

fn piece_of(v: &JsValue) -> Option<(u32, String)> {
    let seq = Reflect::get(v, &"seq".into()).ok()?.as_f64()?;
    let frames = Reflect::get(v, &"frames".into()).ok()?.as_string()?;
    Some((seq_of(seq), frames))
}

/// A row's sequence number: written by this app as a u32; anything else saturates (NaN
/// gives 0) and the record's checks decide the rest.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a saturating float cast cannot panic"
)]
fn seq_of(v: f64) -> u32 {
    v as u32
}

/// An answer row: `{interviewId, index, data}` (`data`: an `AnswerData`).
fn answer_value(id: &str, a: &AnswerData) -> Result<JsValue, StoreError> {
    let obj = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&obj, &k.into(), v).map(|_| ());
    set("interviewId", &id.into())
        .and(set("index", &(a.index as f64).into()))
        .and(set("data", &to_js(a)?))
        .map_err(|e| classify(&e))?;
    Ok(obj.into())
}

fn answer_of(v: &JsValue) -> Option<(String, AnswerData)> {
    let data = Reflect::get(v, &"data".into()).ok()?;
    let a: AnswerData = serde_wasm_bindgen::from_value(data).ok()?;
    Some((row_id(v)?, a))
}

/// Every row of one interview in a store keyed `[interviewId, number]`.
fn row_range(id: &str) -> Result<KeyRange, StoreError> {
    let lo = Array::of2(&JsValue::from_str(id), &JsValue::from_f64(0.0));
    let hi = Array::of2(&JsValue::from_str(id), &JsValue::from_f64(f64::INFINITY));
    KeyRange::bound(&lo, &hi, None, None).map_err(from_idb)
}

impl Store {
    pub async fn open() -> Result<Store, StoreError> {
        Self::open_named(schema::DB_NAME, schema::DB_VERSION).await
    }

    /// Opens (creating or upgrading) a database; tests use their own names and versions.
    pub async fn open_named(name: &str, version: u32) -> Result<Store, StoreError> {
        let factory = Factory::new().map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let mut req = factory
            .open(name, Some(version))
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        req.on_upgrade_needed(move |event| {
            let old = event.old_version().unwrap_or(0);
            let new = event.new_version().ok().flatten().unwrap_or(version);
            if let Err(e) = apply_steps(event, &schema::upgrade_steps(old, new)) {
                // Throwing aborts the upgrade: the old database stays as it was.
                web_sys::console::error_2(&"database upgrade failed".into(), &e);
                wasm_bindgen::throw_val(e);
            }
        });
        let db = req
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Store { db: Rc::new(db) })
    }

    pub fn store_names(&self) -> Vec<String> {
        self.db.store_names()
    }

    pub fn version(&self) -> u32 {
        self.db.version().unwrap_or(0)
    }

    pub fn close(&self) {
        self.db.close();
    }

    fn tx(
        &self,
        stores: &[&str],
        mode: TransactionMode,
    ) -> Result<(idb::Transaction, IdbTransaction), StoreError> {
        let tx = self.db.transaction(stores, mode).map_err(from_idb)?;
        // Keep the raw handle: after an abort it carries the error (e.g. QuotaExceededError).
        let raw: IdbTransaction = tx.into();
        Ok((idb::Transaction::from(raw.clone()), raw))
    }

    async fn finish(tx: idb::Transaction, raw: IdbTransaction) -> Result<(), StoreError> {
        match tx.await {
            Ok(r) if r.is_committed() => Ok(()),
            Ok(_) => Err(raw
                .error()
                .map(|e| classify(&e.into()))
                .unwrap_or_else(|| StoreError::Other("transaction aborted".into()))),
            Err(e) => Err(raw
                .error()
                .map(|e| classify(&e.into()))
                .unwrap_or_else(|| from_idb(e))),
        }
    }

    /// Saves a whole record: its head, its answers (one row each) and its timeline as one
    /// piece, replacing whatever the store held for it (import, recovery).
    pub async fn put_interview(&self, rec: &InterviewRecord) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(
            &[schema::INTERVIEWS, schema::TIMELINE, schema::ANSWERS],
            TransactionMode::ReadWrite,
        )?;
        Self::write_record(&tx, rec).inspect_err(|_| {
            let _ = raw.abort();
        })?;
        Self::finish(tx, raw).await
    }

    /// [`put_interview`]'s writes, inside a transaction on the interviews, timeline and
    /// answers stores (import writes several records in one).
    pub(crate) fn write_record(
        tx: &idb::Transaction,
        rec: &InterviewRecord,
    ) -> Result<(), StoreError> {
        let timeline = tx.object_store(schema::TIMELINE).map_err(from_idb)?;
        let answers = tx.object_store(schema::ANSWERS).map_err(from_idb)?;
        timeline
            .delete(Query::KeyRange(row_range(&rec.id)?))
            .map_err(from_idb)?;
        answers
            .delete(Query::KeyRange(row_range(&rec.id)?))
            .map_err(from_idb)?;
        if !rec.timeline.is_empty() {
            timeline
                .put(
                    &timeline_value(&rec.id, 0, &pack_frames(&rec.timeline))?,
                    None,
                )
                .map_err(from_idb)?;
        }
        for a in rec.answers() {
            answers
                .put(&answer_value(&rec.id, &a)?, None)
                .map_err(from_idb)?;
        }
        tx.object_store(schema::INTERVIEWS)
            .map_err(from_idb)?
            .put(&to_js(&rec.head())?, None)
            .map_err(from_idb)?;
        Ok(())
    }

    /// Saves a record's head alone (question boundaries while recording).
    pub async fn put_head(&self, head: &InterviewRecord) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(&[schema::INTERVIEWS], TransactionMode::ReadWrite)?;
        tx.object_store(schema::INTERVIEWS)
            .map_err(from_idb)?
            .put(&to_js(&head.head())?, None)
            .map_err(from_idb)?;
        Self::finish(tx, raw).await
    }

    /// Saves one answer's row over what the store holds (`AnswerData::merged_over`): the
    /// analysis and the transcription of an answer finish at different times and never
    /// overwrite each other, nor the user's corrections.
    pub async fn put_answer(&self, id: &str, a: &AnswerData) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(&[schema::ANSWERS], TransactionMode::ReadWrite)?;
        let store = tx.object_store(schema::ANSWERS).map_err(from_idb)?;
        let key = Array::of2(&JsValue::from_str(id), &JsValue::from_f64(a.index as f64));
        let old = store
            .get(Query::Key(key.into()))
            .map_err(from_idb)?
            .await
            .map_err(from_idb)?
            .and_then(|v| answer_of(&v))
            .map(|(_, a)| a);
        let merged = AnswerData {
            index: a.index,
            speech: a
                .speech
                .clone()
                .or_else(|| old.as_ref().and_then(|o| o.speech.clone())),
            transcript: a
                .transcript
                .clone()
                .or_else(|| old.and_then(|o| o.transcript)),
        };
        store
            .put(&answer_value(id, &merged)?, None)
            .map_err(from_idb)?;
        Self::finish(tx, raw).await
    }

    /// Saves one piece of the recording with the frames analysed during it and the
    /// record's head, atomically: after a crash the head never claims a chunk that is not
    /// there. Its cost is the same in the first minute and the tenth.
    pub async fn put_chunk(&self, w: &ChunkWrite, blob: &Blob) -> Result<(), StoreError> {
        let id = &w.head.id;
        let (tx, raw) = self.tx(
            &[schema::INTERVIEWS, schema::CHUNKS, schema::TIMELINE],
            TransactionMode::ReadWrite,
        )?;
        let meta = ChunkMeta {
            seq: w.seq,
            t_ms: w.t_ms,
            size: blob.size(),
        };
        tx.object_store(schema::CHUNKS)
            .map_err(from_idb)?
            .put(&chunk_value(id, &meta, blob)?, None)
            .map_err(from_idb)?;
        if !w.frames.is_empty() {
            tx.object_store(schema::TIMELINE)
                .map_err(from_idb)?
                .put(&timeline_value(id, w.seq, &pack_frames(&w.frames))?, None)
                .map_err(from_idb)?;
        }
        tx.object_store(schema::INTERVIEWS)
            .map_err(from_idb)?
            .put(&to_js(&w.head)?, None)
            .map_err(from_idb)?;
        Self::finish(tx, raw).await
    }

    /// The end of a recording: the finished head, the last frames and every answer, in one
    /// transaction. When the disk is full, the head goes to the small localStorage journal
    /// instead (see [`journal`]) so that the interview's final state is never lost.
    /// Returns whether it reached IndexedDB.
    pub async fn put_final(&self, f: &FinalSave) -> Result<bool, StoreError> {
        let id = &f.head.id;
        let write = async {
            let (tx, raw) = self.tx(
                &[schema::INTERVIEWS, schema::TIMELINE, schema::ANSWERS],
                TransactionMode::ReadWrite,
            )?;
            let go = || -> Result<(), StoreError> {
                if !f.frames.is_empty() {
                    tx.object_store(schema::TIMELINE)
                        .map_err(from_idb)?
                        .put(
                            &timeline_value(id, FINAL_PIECE, &pack_frames(&f.frames))?,
                            None,
                        )
                        .map_err(from_idb)?;
                }
                let answers = tx.object_store(schema::ANSWERS).map_err(from_idb)?;
                for a in &f.answers {
                    answers.put(&answer_value(id, a)?, None).map_err(from_idb)?;
                }
                tx.object_store(schema::INTERVIEWS)
                    .map_err(from_idb)?
                    .put(&to_js(&f.head)?, None)
                    .map_err(from_idb)?;
                Ok(())
            };
            if let Err(e) = go() {
                let _ = raw.abort();
                return Err(e);
            }
            Self::finish(tx, raw).await
        };
        match write.await {
            Ok(()) => {
                journal::remove(id);
                Ok(true)
            }
            Err(StoreError::Quota) => journal::save(&f.head).map(|_| false),
            Err(e) => Err(e),
        }
    }

    /// Moves journalled heads into IndexedDB where space now allows.
    pub async fn flush_journal(&self) {
        for rec in journal::load_all() {
            if self.put_head(&rec).await.is_ok() {
                journal::remove(&rec.id);
            }
        }
    }

    /// Every row of `store` that belongs to interview `id` (all interviews when None).
    async fn rows(&self, store: &str, id: Option<&str>) -> Result<Vec<JsValue>, StoreError> {
        let (tx, _raw) = self.tx(&[store], TransactionMode::ReadOnly)?;
        let query = match id {
            Some(id) => Some(Query::KeyRange(row_range(id)?)),
            None => None,
        };
        tx.object_store(store)
            .map_err(from_idb)?
            .get_all(query, None)
            .map_err(from_idb)?
            .await
            .map_err(from_idb)
    }

    /// An interview's head row as stored (no checks), if there is one.
    async fn head_value(&self, id: &str) -> Result<Option<JsValue>, StoreError> {
        let (tx, _raw) = self.tx(&[schema::INTERVIEWS], TransactionMode::ReadOnly)?;
        tx.object_store(schema::INTERVIEWS)
            .map_err(from_idb)?
            .get(Query::Key(id.into()))
            .map_err(from_idb)?
            .await
            .map_err(from_idb)
    }

    pub async fn get_interview(&self, id: &str) -> Result<Option<InterviewRecord>, StoreError> {
        let v = self.head_value(id).await?;
        let head = match journal::load(id) {
            Some(j) => j,
            None => match v {
                None => return Ok(None),
                Some(v) => parse_record(v)?,
            },
        };
        let pieces = self.rows(schema::TIMELINE, Some(id)).await?;
        let answers = self.rows(schema::ANSWERS, Some(id)).await?;
        let pieces: Vec<(u32, String)> = pieces.iter().filter_map(piece_of).collect();
        let answers = answers
            .iter()
            .filter_map(|v| answer_of(v).map(|a| a.1))
            .collect();
        assemble(head, &pieces, answers)
            .map(Some)
            .map_err(|e| StoreError::Other(e.to_string()))
    }

    /// Every readable record's head alone (the recovery banner needs no timeline).
    pub async fn list_heads(&self) -> Result<Vec<InterviewRecord>, StoreError> {
        Ok(self
            .rows(schema::INTERVIEWS, None)
            .await?
            .into_iter()
            .filter_map(|v| parse_record(v).ok())
            .map(|r| journal::load(&r.id).unwrap_or(r))
            .collect())
    }

    /// Every interview: the readable records, and those that fail the record checks
    /// (`bounds`), shown as damaged with what is wrong: kept, never opened, never deleted
    /// but by the user (a later version of the app may read them).
    pub async fn list_interviews(&self) -> Result<Listing, StoreError> {
        let heads = self.rows(schema::INTERVIEWS, None).await?;
        let pieces = self.rows(schema::TIMELINE, None).await?;
        let answers = self.rows(schema::ANSWERS, None).await?;
        // Each interview's timeline pieces and answer rows.
        type Rows = (Vec<(u32, String)>, Vec<AnswerData>);
        let mut by_id: HashMap<String, Rows> = HashMap::new();
        let mut unreadable_rows: HashMap<String, usize> = HashMap::new();
        for v in &pieces {
            match (row_id(v), piece_of(v)) {
                (Some(id), Some(p)) => by_id.entry(id).or_default().0.push(p),
                (Some(id), None) => *unreadable_rows.entry(id).or_default() += 1,
                _ => {}
            }
        }
        for v in &answers {
            match (row_id(v), answer_of(v)) {
                (_, Some((id, a))) => by_id.entry(id).or_default().1.push(a),
                (Some(id), None) => *unreadable_rows.entry(id).or_default() += 1,
                _ => {}
            }
        }
        let mut out = Listing::default();
        for v in heads {
            // The store's key: a string for every record this app wrote.
            let Some(key) = Reflect::get(&v, &"id".into())
                .ok()
                .and_then(|k| k.as_string())
            else {
                continue;
            };
            let created_ms = Reflect::get(&v, &"created_ms".into())
                .ok()
                .and_then(|c| c.as_f64());
            let rec = parse_record(v).and_then(|r| {
                let head = journal::load(&r.id).unwrap_or(r);
                if let Some(n) = unreadable_rows.get(&head.id) {
                    return Err(StoreError::Other(format!(
                        "{n} of its stored rows cannot be read"
                    )));
                }
                let (p, a) = by_id.remove(&head.id).unwrap_or_default();
                assemble(head, &p, a).map_err(|e| StoreError::Other(e.to_string()))
            });
            match rec {
                Ok(r) => out.records.push(r),
                Err(e) => {
                    web_sys::console::warn_1(&format!("damaged interview {key:?}: {e}").into());
                    out.damaged.push(Damaged {
                        id: key,
                        // What is wrong, without the "Saving failed" of a write error.
                        reason: match e {
                            StoreError::Other(m) => m,
                            other => other.to_string(),
                        },
                        created_ms,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The ids of every stored interview, readable or not.
    pub async fn stored_ids(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .rows(schema::INTERVIEWS, None)
            .await?
            .iter()
            .filter_map(|v| Reflect::get(v, &"id".into()).ok()?.as_string())
            .collect())
    }

    /// A damaged interview as stored: its head, with its answer rows and timeline pieces
    /// beside it (`answer_rows`, `timeline_pieces`), for an export that loses nothing.
    pub async fn raw_interview(&self, id: &str) -> Result<serde_json::Value, StoreError> {
        let v = self
            .head_value(id)
            .await?
            .ok_or_else(|| StoreError::Other(format!("interview {id} is gone")))?;
        let json = |v: JsValue| -> serde_json::Value {
            serde_wasm_bindgen::from_value(v).unwrap_or(serde_json::Value::Null)
        };
        let mut head = json(v);
        let answers = self.rows(schema::ANSWERS, Some(id)).await?;
        let pieces = self.rows(schema::TIMELINE, Some(id)).await?;
        if let Some(o) = head.as_object_mut() {
            o.insert(
                "answer_rows".into(),
                answers.into_iter().map(json).collect(),
            );
            o.insert(
                "timeline_pieces".into(),
                pieces.into_iter().map(json).collect(),
            );
        }
        Ok(head)
    }

    pub async fn get_setting(&self, key: &str) -> Result<Option<JsValue>, StoreError> {
        let (tx, _raw) = self.tx(&[schema::SETTINGS], TransactionMode::ReadOnly)?;
        let v = tx
            .object_store(schema::SETTINGS)
            .map_err(from_idb)?
            .get(Query::Key(key.into()))
            .map_err(from_idb)?
            .await
            .map_err(from_idb)?;
        Ok(v.and_then(|v| Reflect::get(&v, &"value".into()).ok()))
    }

    async fn chunk_values(&self, id: &str) -> Result<Vec<JsValue>, StoreError> {
        self.rows(schema::CHUNKS, Some(id)).await
    }

    /// Chunk metadata in recording order.
    pub async fn chunk_metas(&self, id: &str) -> Result<Vec<ChunkMeta>, StoreError> {
        Ok(self
            .chunk_values(id)
            .await?
            .iter()
            .map(chunk_meta)
            .collect())
    }

    /// The whole recording as one Blob of the recorder's MIME type (chunks in order).
    pub async fn recording(&self, id: &str, mime: &str) -> Result<Blob, StoreError> {
        let parts = Array::new();
        for v in self.chunk_values(id).await? {
            if let Ok(b) = Reflect::get(&v, &"blob".into()) {
                parts.push(&b);
            }
        }
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type(mime);
        Blob::new_with_blob_sequence_and_options(&parts, &opts).map_err(|e| classify(&e))
    }

    /// Deletes an interview, its recording and its rows in one transaction.
    pub async fn delete_interview(&self, id: &str) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(&RECORD_STORES, TransactionMode::ReadWrite)?;
        for store in [schema::CHUNKS, schema::TIMELINE, schema::ANSWERS] {
            tx.object_store(store)
                .map_err(from_idb)?
                .delete(Query::KeyRange(row_range(id)?))
                .map_err(from_idb)?;
        }
        tx.object_store(schema::INTERVIEWS)
            .map_err(from_idb)?
            .delete(Query::Key(id.into()))
            .map_err(from_idb)?;
        Self::finish(tx, raw).await?;
        journal::remove(id);
        Ok(())
    }

    pub async fn delete_all(&self) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(&RECORD_STORES, TransactionMode::ReadWrite)?;
        for store in RECORD_STORES {
            tx.object_store(store)
                .map_err(from_idb)?
                .clear()
                .map_err(from_idb)?;
        }
        Self::finish(tx, raw).await?;
        for r in journal::load_all() {
            journal::remove(&r.id);
        }
        Ok(())
    }

    pub async fn delete_setting(&self, key: &str) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(&[schema::SETTINGS], TransactionMode::ReadWrite)?;
        tx.object_store(schema::SETTINGS)
            .map_err(from_idb)?
            .delete(Query::Key(key.into()))
            .map_err(from_idb)?;
        Self::finish(tx, raw).await
    }

    pub async fn put_setting(&self, key: &str, value: &JsValue) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(&[schema::SETTINGS], TransactionMode::ReadWrite)?;
        let obj = js_sys::Object::new();
        Reflect::set(&obj, &"key".into(), &key.into()).ok();
        Reflect::set(&obj, &"value".into(), value).ok();
        tx.object_store(schema::SETTINGS)
            .map_err(from_idb)?
            .put(&obj, None)
            .map_err(from_idb)?;
        Self::finish(tx, raw).await
    }
}

fn parse_record(v: JsValue) -> Result<InterviewRecord, StoreError> {
    let json: serde_json::Value =
        serde_wasm_bindgen::from_value(v).map_err(|e| StoreError::Other(e.to_string()))?;
    migrate_record(json).map_err(|e| StoreError::Other(e.to_string()))
}

/// Asks the browser not to evict this site's data under storage pressure.
pub async fn request_persistence() -> bool {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
        return false;
    };
    let Ok(p) = storage.persist() else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(p)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// (used, quota) in bytes, as the browser estimates them.
pub async fn storage_estimate() -> Option<(f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let est = wasm_bindgen_futures::JsFuture::from(storage.estimate().ok()?)
        .await
        .ok()?;
    let get = |k: &str| Reflect::get(&est, &k.into()).ok().and_then(|v| v.as_f64());
    Some((get("usage")?, get("quota")?))
}

/// When IndexedDB is full, the last write of an interview (its final status and note, a
/// few hundred bytes) goes to localStorage, which Chromium does not count against the
/// same quota. Reads prefer the journal; `flush_journal` moves entries back later.
pub mod journal {
    use super::StoreError;
    use interviewer_core::record::{migrate_record, InterviewRecord};

    const PREFIX: &str = "ai-interviewer.final.";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn save(rec: &InterviewRecord) -> Result<(), StoreError> {
        let s = storage().ok_or(StoreError::Quota)?;
        let json = serde_json::to_string(rec).map_err(|e| StoreError::Other(e.to_string()))?;
        s.set_item(&format!("{PREFIX}{}", rec.id), &json)
            .map_err(|_| StoreError::Quota)
    }

    pub fn load(id: &str) -> Option<InterviewRecord> {
        let json = storage()?.get_item(&format!("{PREFIX}{id}")).ok()??;
        migrate_record(serde_json::from_str(&json).ok()?).ok()
    }

    pub fn load_all() -> Vec<InterviewRecord> {
        let Some(s) = storage() else {
            return Vec::new();
        };
        let n = s.length().unwrap_or(0);
        (0..n)
            .filter_map(|i| s.key(i).ok().flatten())
            .filter_map(|k| k.strip_prefix(PREFIX).map(str::to_string))
            .filter_map(|id| load(&id))
            .collect()
    }

    pub fn remove(id: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(&format!("{PREFIX}{id}"));
        }
    }
}

//! IndexedDB glue (via the `idb` crate). The schema and its migrations are data in
//! `interviewer_core::schema`; this module only executes them and moves values.

use idb::{Database, Factory, KeyRange, Query, TransactionMode};
use interviewer_core::record::{migrate_record, ChunkMeta, InterviewRecord};
use interviewer_core::schema::{self, KeyPath, Step};
use js_sys::{Array, Reflect};
use serde::Serialize;
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
        seq: get("seq") as u32,
        t_ms: get("tMs"),
        size: get("size"),
    }
}

/// A chunk's key: `[interviewId, seq]`.
fn chunk_range(id: &str) -> Result<KeyRange, StoreError> {
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

    /// Saves a record; when the disk is full, keeps it in the small localStorage journal
    /// instead (see [`journal`]) so that the interview's final state is never lost.
    /// Returns whether it reached IndexedDB.
    pub async fn put_interview_or_journal(
        &self,
        rec: &InterviewRecord,
    ) -> Result<bool, StoreError> {
        match self.put_interview(rec).await {
            Ok(()) => {
                journal::remove(&rec.id);
                Ok(true)
            }
            Err(StoreError::Quota) => journal::save(rec).map(|_| false),
            Err(e) => Err(e),
        }
    }

    /// Moves journalled records into IndexedDB where space now allows.
    pub async fn flush_journal(&self) {
        for rec in journal::load_all() {
            if self.put_interview(&rec).await.is_ok() {
                journal::remove(&rec.id);
            }
        }
    }

    pub async fn put_interview(&self, rec: &InterviewRecord) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(&[schema::INTERVIEWS], TransactionMode::ReadWrite)?;
        let store = tx.object_store(schema::INTERVIEWS).map_err(from_idb)?;
        store.put(&to_js(rec)?, None).map_err(from_idb)?;
        Self::finish(tx, raw).await
    }

    /// Saves one piece of the recording together with the updated record, atomically:
    /// after a crash the record never claims a chunk that is not there.
    pub async fn put_chunk(
        &self,
        rec: &InterviewRecord,
        seq: u32,
        t_ms: f64,
        blob: &Blob,
    ) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(
            &[schema::INTERVIEWS, schema::CHUNKS],
            TransactionMode::ReadWrite,
        )?;
        let meta = ChunkMeta {
            seq,
            t_ms,
            size: blob.size(),
        };
        tx.object_store(schema::CHUNKS)
            .map_err(from_idb)?
            .put(&chunk_value(&rec.id, &meta, blob)?, None)
            .map_err(from_idb)?;
        tx.object_store(schema::INTERVIEWS)
            .map_err(from_idb)?
            .put(&to_js(rec)?, None)
            .map_err(from_idb)?;
        Self::finish(tx, raw).await
    }

    pub async fn get_interview(&self, id: &str) -> Result<Option<InterviewRecord>, StoreError> {
        let (tx, _raw) = self.tx(&[schema::INTERVIEWS], TransactionMode::ReadOnly)?;
        let v = tx
            .object_store(schema::INTERVIEWS)
            .map_err(from_idb)?
            .get(Query::Key(id.into()))
            .map_err(from_idb)?
            .await
            .map_err(from_idb)?;
        if let Some(j) = journal::load(id) {
            return Ok(Some(j));
        }
        match v {
            None => Ok(None),
            Some(v) => parse_record(v).map(Some),
        }
    }

    /// Every readable interview record. Unreadable ones are reported in the console and
    /// skipped, never deleted: a later version of the app may read them.
    pub async fn list_interviews(&self) -> Result<Vec<InterviewRecord>, StoreError> {
        let (tx, _raw) = self.tx(&[schema::INTERVIEWS], TransactionMode::ReadOnly)?;
        let all = tx
            .object_store(schema::INTERVIEWS)
            .map_err(from_idb)?
            .get_all(None, None)
            .map_err(from_idb)?
            .await
            .map_err(from_idb)?;
        let mut out = Vec::new();
        for v in all {
            match parse_record(v) {
                Ok(r) => out.push(journal::load(&r.id).unwrap_or(r)),
                Err(e) => {
                    web_sys::console::warn_1(&format!("skipping unreadable interview: {e}").into())
                }
            }
        }
        Ok(out)
    }

    async fn chunk_values(&self, id: &str) -> Result<Vec<JsValue>, StoreError> {
        let (tx, _raw) = self.tx(&[schema::CHUNKS], TransactionMode::ReadOnly)?;
        tx.object_store(schema::CHUNKS)
            .map_err(from_idb)?
            .get_all(Some(Query::KeyRange(chunk_range(id)?)), None)
            .map_err(from_idb)?
            .await
            .map_err(from_idb)
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

    /// Deletes an interview and its recording in one transaction.
    pub async fn delete_interview(&self, id: &str) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(
            &[schema::INTERVIEWS, schema::CHUNKS],
            TransactionMode::ReadWrite,
        )?;
        tx.object_store(schema::CHUNKS)
            .map_err(from_idb)?
            .delete(Query::KeyRange(chunk_range(id)?))
            .map_err(from_idb)?;
        tx.object_store(schema::INTERVIEWS)
            .map_err(from_idb)?
            .delete(Query::Key(id.into()))
            .map_err(from_idb)?;
        Self::finish(tx, raw).await?;
        journal::remove(id);
        Ok(())
    }

    pub async fn delete_all(&self) -> Result<(), StoreError> {
        let (tx, raw) = self.tx(
            &[schema::INTERVIEWS, schema::CHUNKS],
            TransactionMode::ReadWrite,
        )?;
        tx.object_store(schema::CHUNKS)
            .map_err(from_idb)?
            .clear()
            .map_err(from_idb)?;
        tx.object_store(schema::INTERVIEWS)
            .map_err(from_idb)?
            .clear()
            .map_err(from_idb)?;
        Self::finish(tx, raw).await?;
        for r in journal::load_all() {
            journal::remove(&r.id);
        }
        Ok(())
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

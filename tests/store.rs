//! IndexedDB store, in headless Chromium: chunks written and read back in order, an
//! interrupted interview recovered, delete, schema upgrade from v1, quota classification.
#![cfg(target_arch = "wasm32")]

use ai_interviewer::store::{classify, Store, StoreError};
use interviewer_core::questions::{plan_questions, Track};
use interviewer_core::record::{InterviewRecord, MediaKind, Status};
use interviewer_core::schema;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn blob(bytes: &[u8]) -> web_sys::Blob {
    let arr = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("video/webm");
    web_sys::Blob::new_with_u8_array_sequence_and_options(&arr, &opts).unwrap()
}

async fn blob_bytes(b: &web_sys::Blob) -> Vec<u8> {
    let buf = wasm_bindgen_futures::JsFuture::from(b.array_buffer())
        .await
        .unwrap();
    js_sys::Uint8Array::new(&buf).to_vec()
}

async fn fresh(name: &str) -> Store {
    let f = idb::Factory::new().unwrap();
    let _ = f.delete(name).unwrap().await;
    Store::open_named(name, schema::DB_VERSION).await.unwrap()
}

fn record(id: &str) -> InterviewRecord {
    InterviewRecord::new(
        id.into(),
        1.7e12,
        Track::General,
        plan_questions(Track::General, 2, 60, &[], 1),
        "video/webm".into(),
        MediaKind::AudioVideo,
    )
}

#[wasm_bindgen_test]
async fn creates_every_store() {
    let s = fresh("t-stores").await;
    let mut names = s.store_names();
    names.sort();
    let mut want: Vec<String> = schema::stores_at(schema::DB_VERSION)
        .iter()
        .map(|s| s.to_string())
        .collect();
    want.sort();
    assert_eq!(names, want);
    assert_eq!(s.version(), schema::DB_VERSION);
}

#[wasm_bindgen_test]
async fn chunks_round_trip_in_order() {
    let s = fresh("t-chunks").await;
    let mut rec = record("iv-a");
    s.put_interview(&rec).await.unwrap();
    // Written out of order: read back by sequence number.
    for (seq, byte) in [(2u32, 30u8), (0, 10), (1, 20)] {
        rec.chunk_count += 1;
        s.put_chunk(&rec, seq, (seq + 1) as f64 * 1000.0, &blob(&[byte; 4]))
            .await
            .unwrap();
    }
    // Another interview's chunks must not leak in.
    s.put_chunk(&record("iv-b"), 0, 1000.0, &blob(&[99]))
        .await
        .unwrap();

    let metas = s.chunk_metas("iv-a").await.unwrap();
    assert_eq!(
        metas.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert_eq!(metas[2].t_ms, 3000.0);
    assert_eq!(metas[0].size, 4.0);
    let all = s.recording("iv-a", "video/webm").await.unwrap();
    assert_eq!(all.type_(), "video/webm");
    assert_eq!(
        blob_bytes(&all).await,
        [[10u8; 4], [20; 4], [30; 4]].concat()
    );
    let got = s.get_interview("iv-a").await.unwrap().unwrap();
    assert_eq!(got.chunk_count, 3);
}

#[wasm_bindgen_test]
async fn recovers_an_interrupted_interview() {
    let s = fresh("t-recover").await;
    let mut rec = record("iv-r");
    rec.spans.push(interviewer_core::interview::QuestionSpan {
        index: 0,
        start_ms: 0.0,
        end_ms: None,
    });
    for seq in 0..3u32 {
        rec.chunk_count = seq + 1;
        rec.duration_ms = (seq + 1) as f64 * 1000.0;
        s.put_chunk(&rec, seq, rec.duration_ms, &blob(&[seq as u8; 8]))
            .await
            .unwrap();
    }
    // "Reload": a new connection finds the unfinished record.
    s.close();
    let s = Store::open_named("t-recover", schema::DB_VERSION)
        .await
        .unwrap();
    let list = s.list_interviews().await.unwrap();
    let mut found: Vec<_> = list.into_iter().filter(|r| r.is_unfinished()).collect();
    assert_eq!(found.len(), 1);
    let mut r = found.remove(0);
    r.recover(&s.chunk_metas(&r.id).await.unwrap());
    s.put_interview(&r).await.unwrap();
    let r = s.get_interview("iv-r").await.unwrap().unwrap();
    assert_eq!(r.status, Status::Recovered);
    assert_eq!(r.duration_ms, 3000.0);
    assert_eq!(r.spans[0].end_ms, Some(3000.0));
    assert_eq!(r.bytes, 24.0);
    assert_eq!(
        blob_bytes(&s.recording("iv-r", &r.mime_type).await.unwrap())
            .await
            .len(),
        24
    );
}

#[wasm_bindgen_test]
async fn deletes_one_and_all() {
    let s = fresh("t-delete").await;
    for id in ["iv-1", "iv-2"] {
        let rec = record(id);
        s.put_chunk(&rec, 0, 1000.0, &blob(&[1, 2, 3]))
            .await
            .unwrap();
    }
    s.delete_interview("iv-1").await.unwrap();
    assert!(s.get_interview("iv-1").await.unwrap().is_none());
    assert!(s.chunk_metas("iv-1").await.unwrap().is_empty());
    assert_eq!(s.chunk_metas("iv-2").await.unwrap().len(), 1);
    s.delete_all().await.unwrap();
    assert!(s.list_interviews().await.unwrap().is_empty());
    assert!(s.chunk_metas("iv-2").await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn upgrades_a_v1_database_keeping_data() {
    let name = "t-upgrade";
    let f = idb::Factory::new().unwrap();
    let _ = f.delete(name).unwrap().await;
    let v1 = Store::open_named(name, 1).await.unwrap();
    assert!(!v1.store_names().contains(&schema::SETTINGS.to_string()));
    v1.put_chunk(&record("iv-old"), 0, 500.0, &blob(&[7]))
        .await
        .unwrap();
    v1.close();
    let v2 = Store::open_named(name, 2).await.unwrap();
    assert!(v2.store_names().contains(&schema::SETTINGS.to_string()));
    assert_eq!(
        v2.get_interview("iv-old").await.unwrap().unwrap().id,
        "iv-old"
    );
    assert_eq!(v2.chunk_metas("iv-old").await.unwrap().len(), 1);
    v2.put_setting("k", &JsValue::from_str("v")).await.unwrap();
    assert_eq!(
        v2.get_setting("k")
            .await
            .unwrap()
            .unwrap()
            .as_string()
            .as_deref(),
        Some("v")
    );
}

#[wasm_bindgen_test]
async fn unreadable_records_are_skipped_not_fatal() {
    let s = fresh("t-corrupt").await;
    s.put_interview(&record("iv-good")).await.unwrap();
    // A record from a future format sits beside it.
    let mut bad = serde_json::to_value(record("iv-future")).unwrap();
    bad["format"] = 99.into();
    use serde::Serialize;
    let js = bad
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap();
    let db = idb::Factory::new()
        .unwrap()
        .open("t-corrupt", None)
        .unwrap()
        .await
        .unwrap();
    let tx = db
        .transaction(&[schema::INTERVIEWS], idb::TransactionMode::ReadWrite)
        .unwrap();
    tx.object_store(schema::INTERVIEWS)
        .unwrap()
        .put(&js, None)
        .unwrap();
    tx.await.unwrap();
    let list = s.list_interviews().await.unwrap();
    assert_eq!(
        list.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        vec!["iv-good"]
    );
    assert!(s.get_interview("iv-future").await.is_err());
}

#[wasm_bindgen_test]
fn quota_errors_are_recognised() {
    let quota: JsValue =
        web_sys::DomException::new_with_message_and_name("full", "QuotaExceededError")
            .unwrap()
            .into();
    assert_eq!(classify(&quota), StoreError::Quota);
    let other: JsValue = web_sys::DomException::new_with_message_and_name("x", "DataError")
        .unwrap()
        .into();
    assert!(matches!(classify(&other), StoreError::Other(m) if m.contains("DataError")));
    assert!(StoreError::Quota.to_string().contains("full"));
}

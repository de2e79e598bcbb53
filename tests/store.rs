//! IndexedDB store, in headless Chromium: chunks written and read back in order with the
//! timeline pieces and answer rows that go with them, the final save, an interrupted
//! interview recovered, delete, schema upgrades from v1 and v2 with their data kept,
//! quota classification.
#![cfg(target_arch = "wasm32")]

use ai_interviewer::store::{classify, Store, StoreError};
use interviewer_core::face::timeline::FrameSample;
use interviewer_core::questions::{plan_questions, Track};
use interviewer_core::record::{AnswerData, InterviewRecord, MediaKind, Status};
use interviewer_core::run::{ChunkWrite, FinalSave};
use interviewer_core::schema;
use interviewer_core::speech::audio::AudioMetrics;
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

/// A chunk write as the interview run hands it out.
fn write(rec: &InterviewRecord, seq: u32, t_ms: f64, frames: &[u32]) -> ChunkWrite {
    let mut head = rec.head();
    head.chunk_count = seq + 1;
    head.duration_ms = t_ms;
    ChunkWrite {
        seq,
        t_ms,
        size: 0.0,
        head,
        frames: frames
            .iter()
            .map(|t| FrameSample {
                t: *t,
                ..FrameSample::default()
            })
            .collect(),
    }
}

/// Writes a value straight into a store, as an older version of the app did.
async fn put_raw(db_name: &str, store: &str, value: &JsValue) {
    let db = idb::Factory::new()
        .unwrap()
        .open(db_name, None)
        .unwrap()
        .await
        .unwrap();
    let tx = db
        .transaction(&[store], idb::TransactionMode::ReadWrite)
        .unwrap();
    tx.object_store(store).unwrap().put(value, None).unwrap();
    tx.await.unwrap();
    db.close();
}

fn js<T: serde::Serialize>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
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
        let t = (seq + 1) as f64 * 1000.0;
        s.put_chunk(&write(&rec, seq, t, &[]), &blob(&[byte; 4]))
            .await
            .unwrap();
    }
    // Another interview's chunks must not leak in.
    s.put_chunk(&write(&record("iv-b"), 0, 1000.0, &[]), &blob(&[99]))
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
    assert_eq!(got.chunk_count, 2, "the head of the last write (seq 1)");
}

#[wasm_bindgen_test]
async fn timeline_pieces_answers_and_the_final_save_assemble_one_record() {
    let s = fresh("t-pieces").await;
    let rec = record("iv-p");
    s.put_head(&rec).await.unwrap();
    s.put_chunk(&write(&rec, 0, 1000.0, &[100, 500]), &blob(&[1]))
        .await
        .unwrap();
    s.put_chunk(&write(&rec, 1, 2000.0, &[1500]), &blob(&[2]))
        .await
        .unwrap();
    let speech = AnswerData {
        index: 0,
        speech: Some(AudioMetrics {
            speaking_ms: 900.0,
            ..AudioMetrics::default()
        }),
        transcript: None,
    };
    s.put_answer("iv-p", &speech).await.unwrap();
    // A transcript arriving later keeps the speech figures of the same answer.
    let mut with_text = rec.clone();
    with_text.set_transcript(0, "I led the team", false);
    s.put_answer("iv-p", &with_text.answer_data(0))
        .await
        .unwrap();
    let mut head = rec.head();
    head.finish(2500.0);
    head.chunk_count = 2;
    s.put_final(&FinalSave {
        head,
        frames: vec![FrameSample {
            t: 2200,
            ..FrameSample::default()
        }],
        answers: Vec::new(),
        open_report: true,
    })
    .await
    .unwrap();
    let got = s.get_interview("iv-p").await.unwrap().unwrap();
    assert_eq!(got.status, Status::Finished);
    assert_eq!(
        got.timeline.iter().map(|f| f.t).collect::<Vec<_>>(),
        vec![100, 500, 1500, 2200]
    );
    assert_eq!(got.speech[0].audio.speaking_ms, 900.0);
    assert_eq!(got.transcript(0), Some("I led the team"));
    let listed = s.list_interviews().await.unwrap();
    assert_eq!(listed.records, vec![got.clone()]);
    assert!(listed.damaged.is_empty());
    assert_eq!(s.list_heads().await.unwrap()[0], got.head());
    // The whole record written back (import, recovery) replaces the rows, not doubles them.
    s.put_interview(&got).await.unwrap();
    assert_eq!(s.get_interview("iv-p").await.unwrap().unwrap(), got);
    s.delete_interview("iv-p").await.unwrap();
    assert!(s.get_interview("iv-p").await.unwrap().is_none());
    assert!(s.list_interviews().await.unwrap().records.is_empty());
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
        let t = (seq + 1) as f64 * 1000.0;
        s.put_chunk(&write(&rec, seq, t, &[seq * 1000]), &blob(&[seq as u8; 8]))
            .await
            .unwrap();
    }
    // "Reload": a new connection finds the unfinished record.
    s.close();
    let s = Store::open_named("t-recover", schema::DB_VERSION)
        .await
        .unwrap();
    let list = s.list_interviews().await.unwrap();
    let mut found: Vec<_> = list
        .records
        .into_iter()
        .filter(|r| r.is_unfinished())
        .collect();
    assert_eq!(found.len(), 1);
    let mut r = found.remove(0);
    r.recover(&s.chunk_metas(&r.id).await.unwrap());
    s.put_interview(&r).await.unwrap();
    let r = s.get_interview("iv-r").await.unwrap().unwrap();
    assert_eq!(r.status, Status::Recovered);
    assert_eq!(r.duration_ms, 3000.0);
    assert_eq!(r.spans[0].end_ms, Some(3000.0));
    assert_eq!(r.bytes, 24.0);
    assert_eq!(r.timeline.len(), 3, "the frames saved with the chunks");
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
        s.put_chunk(&write(&rec, 0, 1000.0, &[10]), &blob(&[1, 2, 3]))
            .await
            .unwrap();
    }
    s.delete_interview("iv-1").await.unwrap();
    assert!(s.get_interview("iv-1").await.unwrap().is_none());
    assert!(s.chunk_metas("iv-1").await.unwrap().is_empty());
    assert_eq!(s.chunk_metas("iv-2").await.unwrap().len(), 1);
    s.delete_all().await.unwrap();
    assert!(s.list_interviews().await.unwrap().records.is_empty());
    assert!(s.chunk_metas("iv-2").await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn upgrades_a_v1_database_keeping_data() {
    let name = "t-upgrade";
    let f = idb::Factory::new().unwrap();
    let _ = f.delete(name).unwrap().await;
    let v1 = Store::open_named(name, 1).await.unwrap();
    assert!(!v1.store_names().contains(&schema::SETTINGS.to_string()));
    v1.close();
    // What version 1 of the app wrote: the whole record, and a chunk.
    put_raw(name, schema::INTERVIEWS, &js(&record("iv-old"))).await;
    let chunk = js_sys::Object::new();
    for (k, v) in [
        ("interviewId", JsValue::from_str("iv-old")),
        ("seq", 0.into()),
        ("tMs", 500.into()),
        ("size", 1.into()),
    ] {
        js_sys::Reflect::set(&chunk, &k.into(), &v).unwrap();
    }
    js_sys::Reflect::set(&chunk, &"blob".into(), &blob(&[7])).unwrap();
    put_raw(name, schema::CHUNKS, &chunk.into()).await;
    let v2 = Store::open_named(name, 2).await.unwrap();
    assert!(v2.store_names().contains(&schema::SETTINGS.to_string()));
    v2.put_setting("k", &JsValue::from_str("v")).await.unwrap();
    v2.close();
    // Then to the current version in one more step: everything is still there.
    let now = Store::open_named(name, schema::DB_VERSION).await.unwrap();
    assert_eq!(
        now.get_interview("iv-old").await.unwrap().unwrap(),
        record("iv-old")
    );
    assert_eq!(now.chunk_metas("iv-old").await.unwrap().len(), 1);
    assert_eq!(
        now.get_setting("k")
            .await
            .unwrap()
            .unwrap()
            .as_string()
            .as_deref(),
        Some("v")
    );
}

#[wasm_bindgen_test]
async fn upgrades_a_v2_database_whose_records_hold_their_timeline() {
    let name = "t-upgrade-v2";
    let f = idb::Factory::new().unwrap();
    let _ = f.delete(name).unwrap().await;
    Store::open_named(name, 2).await.unwrap().close();
    // A version-2 record: timeline and speech figures inside it.
    let mut old = record("iv-v2");
    old.timeline = vec![FrameSample {
        t: 40,
        ..FrameSample::default()
    }];
    old.set_speech(
        1,
        AudioMetrics {
            speaking_ms: 1234.0,
            ..AudioMetrics::default()
        },
    );
    put_raw(name, schema::INTERVIEWS, &js(&old)).await;
    let v3 = Store::open_named(name, 3).await.unwrap();
    for store in [schema::TIMELINE, schema::ANSWERS] {
        assert!(v3.store_names().contains(&store.to_string()));
    }
    assert_eq!(v3.get_interview("iv-v2").await.unwrap().unwrap(), old);
    // A transcript saved by this version goes to its own row; what the record held stays.
    let mut edited = old.clone();
    edited.set_transcript(1, "We shipped early.", true);
    v3.put_answer("iv-v2", &edited.answer_data(1))
        .await
        .unwrap();
    assert_eq!(v3.get_interview("iv-v2").await.unwrap().unwrap(), edited);
}

/// Writes JSON values into a store as they are, past every check (a record stored by an
/// older app, or by an import before the bounds existed).
async fn put_json(db_name: &str, store: &str, values: &[serde_json::Value]) {
    for v in values {
        put_raw(db_name, store, &js(v)).await;
    }
}

#[wasm_bindgen_test]
async fn damaged_records_are_listed_as_damaged_not_fatal() {
    let s = fresh("t-corrupt").await;
    s.put_interview(&record("iv-good")).await.unwrap();
    // A record from a future format, and the hostile records of issue 20, beside it.
    let raw = |id: &str, field: &str, v: serde_json::Value| {
        let mut r = serde_json::to_value(record(id)).unwrap();
        r[field] = v;
        r
    };
    let mut weird_id = serde_json::to_value(record("x")).unwrap();
    weird_id["id"] = "a#/history?x=<b>".into();
    put_json(
        "t-corrupt",
        schema::INTERVIEWS,
        &[
            raw("iv-future", "format", 99.into()),
            raw("iv-huge", "duration_ms", serde_json::json!(1e308)),
            raw("iv-old", "created_ms", serde_json::json!(-8.64e15)),
            weird_id,
            serde_json::to_value(record("iv-answer")).unwrap(),
        ],
    )
    .await;
    // An answer row of a question the record does not have.
    put_json(
        "t-corrupt",
        schema::ANSWERS,
        &[serde_json::json!({"interviewId": "iv-answer", "index": 99,
            "data": {"index": 99, "transcript": null, "speech": null}})],
    )
    .await;
    let list = s.list_interviews().await.unwrap();
    assert_eq!(
        list.records
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        vec!["iv-good"]
    );
    let mut damaged: Vec<_> = list
        .damaged
        .iter()
        .map(|d| (d.id.as_str(), d.reason.as_str()))
        .collect();
    damaged.sort();
    assert_eq!(damaged.len(), 5, "{damaged:?}");
    assert!(damaged[0].0 == "a#/history?x=<b>" && damaged[0].1.contains("id"));
    assert!(damaged[1].0 == "iv-answer" && damaged[1].1.contains("answer 99"));
    assert!(damaged[2].0 == "iv-future" && damaged[2].1.contains("newer"));
    assert!(damaged[3].0 == "iv-huge" && damaged[3].1.contains("duration_ms"));
    assert!(damaged[4].0 == "iv-old" && damaged[4].1.contains("created_ms"));
    assert!(s.get_interview("iv-future").await.is_err());
    // A damaged one exports as stored (with its rows) and deletes like any other.
    let raw = s.raw_interview("iv-answer").await.unwrap();
    assert_eq!(raw["answer_rows"][0]["index"], 99);
    let file = s
        .export(&["iv-huge".to_string()], true, 1.7e12)
        .await
        .unwrap();
    assert!(file.size() > 100.0);
    s.delete_interview("a#/history?x=<b>").await.unwrap();
    assert_eq!(s.list_interviews().await.unwrap().damaged.len(), 4);
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

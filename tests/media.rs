//! Media glue in headless Chromium with a fake camera and microphone (see webdriver.json).
#![cfg(target_arch = "wasm32")]

use ai_interviewer::media::camera::{self, DeviceChoice, MediaError};
use ai_interviewer::media::recorder::{pick_mime, Recorder};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn both() -> DeviceChoice {
    DeviceChoice {
        video: Some(String::new()),
        audio: Some(String::new()),
    }
}

#[wasm_bindgen_test]
fn a_recording_format_is_supported() {
    assert!(pick_mime(true).unwrap().starts_with("video/"));
    assert!(pick_mime(false).unwrap().starts_with("audio/"));
}

#[wasm_bindgen_test]
async fn opens_fake_camera_and_lists_devices() {
    let s = camera::open_stream(&both()).await.unwrap();
    assert!(camera::has_video(&s));
    assert!(camera::has_audio(&s));
    assert!(camera::track_device_id(&s, true).is_some());
    let devices = camera::list_devices().await;
    assert!(devices.iter().any(|d| d.video));
    assert!(devices.iter().any(|d| !d.video));
    camera::stop_stream(&s);
    let audio = camera::open_stream(&DeviceChoice {
        video: None,
        audio: Some(String::new()),
    })
    .await
    .unwrap();
    assert!(!camera::has_video(&audio));
    camera::stop_stream(&audio);
}

#[wasm_bindgen_test]
async fn records_chunks_about_every_second() {
    let s = camera::open_stream(&both()).await.unwrap();
    let chunks = Rc::new(RefCell::new(Vec::<f64>::new()));
    let stopped = Rc::new(RefCell::new(false));
    let (c, st) = (chunks.clone(), stopped.clone());
    let rec = Recorder::start(
        &s,
        move |b| c.borrow_mut().push(b.size()),
        move || *st.borrow_mut() = true,
        |_| {},
    )
    .unwrap();
    assert!(rec.is_recording());
    gloo_timers::future::sleep(Duration::from_millis(3300)).await;
    rec.stop();
    for _ in 0..40 {
        if *stopped.borrow() {
            break;
        }
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
    }
    assert!(*stopped.borrow(), "stop event never came");
    let n = chunks.borrow().len();
    assert!((3..=5).contains(&n), "expected a chunk per second, got {n}");
    assert!(chunks.borrow().iter().all(|s| *s > 0.0));
    camera::stop_stream(&s);
}

#[wasm_bindgen_test]
fn media_errors_get_actionable_messages() {
    let err = |name: &str| {
        let e = js_sys::Error::new("x");
        js_sys::Reflect::set(&e, &"name".into(), &JsValue::from_str(name)).unwrap();
        MediaError::from_js(&e.into())
    };
    assert_eq!(err("NotAllowedError"), MediaError::Denied);
    assert_eq!(err("NotFoundError"), MediaError::NotFound);
    assert_eq!(err("NotReadableError"), MediaError::Busy);
    assert!(matches!(err("Weird"), MediaError::Other(_)));
    assert!(MediaError::Denied.message().contains("Retry"));
}

//! Runs the face pipeline (the code the browser worker runs) over a Y4M video or a folder
//! of PNG/JPEG images and writes the timeline as JSON (default) or CSV, plus a summary of
//! stage timings on stderr.
//!
//!     cargo run --release -p interviewer-vision --bin analyse-video -- clip.y4m [--csv] [--out FILE]

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use interviewer_core::face::focus::Focus;
    use interviewer_core::face::timeline::FrameSample;
    use interviewer_vision::emotion::CLASSES;
    use interviewer_vision::face::{native_now, FacePipeline};
    use interviewer_vision::video;
    use interviewer_vision::warp::Frame;
    use std::io::Write;

    let mut args = std::env::args().skip(1);
    let (mut input, mut csv, mut out, mut args_both) = (None, false, None, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--csv" => csv = true,
            "--out" => out = args.next(),
            "--both-irises" => args_both = true,
            "-h" | "--help" => {
                eprintln!(
                    "usage: analyse-video (CLIP.y4m | FOLDER) [--csv] [--out FILE] [--both-irises]"
                );
                return;
            }
            _ => input = Some(a),
        }
    }
    let input = input.unwrap_or_else(|| {
        eprintln!("usage: analyse-video (CLIP.y4m | FOLDER) [--csv] [--out FILE]");
        std::process::exit(2)
    });
    let source = video::open(std::path::Path::new(&input)).unwrap_or_else(|e| {
        eprintln!("{input}: {e}");
        std::process::exit(1)
    });
    let (models, emotion) =
        interviewer_vision::load_shipped(interviewer_vision::MODELS_DIR).expect("models");
    let mut pipe = FacePipeline::new(models, Some(emotion), native_now);
    pipe.rates.emotion_every_ms = 0.0;
    pipe.rates.both_irises = args_both;
    let mut samples = Vec::new();
    let mut rows = Vec::new();
    let mut sums = [0f64; 5];
    let mut n = 0usize;
    for item in source {
        let (t_ms, w, h, rgba) = item.unwrap_or_else(|e| {
            eprintln!("{input}: {e}");
            std::process::exit(1)
        });
        let r = pipe
            .process(&Frame::new(w, h, &rgba), t_ms)
            .expect("inference");
        let t = r.times;
        for (s, v) in sums
            .iter_mut()
            .zip([t.detect, t.mesh, t.iris, t.emotion, t.total])
        {
            *s += v;
        }
        n += 1;
        samples.push(FrameSample::from_result(&r));
        rows.push(r);
    }
    let text = if csv {
        let mut s = format!(
            "t_ms,face,focus,raw_focus,yaw_deg,pitch_deg,gaze_x_deg,gaze_y_deg,{}\n",
            CLASSES.join(",")
        );
        for r in &rows {
            let f = r.face.as_ref();
            let num = |v: Option<f32>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
            let focus = |f: Focus| {
                serde_json::to_value(f)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            };
            s += &format!(
                "{:.0},{},{},{},{},{},{},{}",
                r.t_ms,
                f.is_some() as u8,
                focus(r.focus),
                focus(r.raw_focus),
                num(f.map(|f| f.pose.yaw_deg)),
                num(f.map(|f| f.pose.pitch_deg)),
                num(f.map(|f| f.gaze.x_deg)),
                num(f.map(|f| f.gaze.y_deg)),
            );
            for k in 0..7 {
                s += &format!(",{}", num(f.and_then(|f| f.expression).map(|p| p[k])));
            }
            s += "\n";
        }
        s
    } else {
        serde_json::to_string_pretty(&samples).unwrap() + "\n"
    };
    match out {
        Some(p) => std::fs::write(&p, text).expect("write output"),
        None => std::io::stdout().write_all(text.as_bytes()).unwrap(),
    }
    let faces = rows.iter().filter(|r| r.face.is_some()).count();
    let m = |i: usize| sums[i] / n.max(1) as f64;
    eprintln!(
        "{n} frames, face in {faces}; ms per frame: detect {:.2}, mesh {:.2}, iris {:.2}, emotion {:.2}, total {:.2}",
        m(0), m(1), m(2), m(3), m(4)
    );
}

//! Makes a Y4M clip for Chromium's fake camera from a photo: the face region of the photo
//! (cropped and scaled to 640x480) for the first part of the clip, then an empty grey
//! frame (no face) for the rest. Used by the end-to-end tests with scikit-image's
//! astronaut portrait.
//!
//!     cargo run -p interviewer-vision --bin face-clip -- IN.png OUT.y4m [--seconds 6] [--face-share 0.7]

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::io::Write;
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: face-clip IN.png OUT.y4m [--seconds 6] [--face-share 0.7]");
        std::process::exit(2);
    }
    let opt = |name: &str, d: f64| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (seconds, share) = (opt("--seconds", 6.0), opt("--face-share", 0.7));
    let img = image::open(&args[0]).expect("read image").to_rgb8();
    let (iw, ih) = img.dimensions();
    // The astronaut's face: a 4:3 region 3/4 of the width, centred on it.
    let (cw, ch) = (iw as f64 * 0.75, iw as f64 * 0.75 * 0.75);
    let (x0, y0) = (
        iw as f64 * 0.44 - cw / 2.0,
        (ih as f64 * 0.25 - ch * 0.38).max(0.0),
    );
    let (w, h, fps) = (640usize, 480usize, 15usize);
    let mut yp = vec![0u8; w * h];
    let mut u = vec![128u8; w * h / 4];
    let mut v = vec![128u8; w * h / 4];
    for row in 0..h {
        for col in 0..w {
            let sx = (x0 + (col as f64 + 0.5) * cw / w as f64).clamp(0.0, iw as f64 - 1.0) as u32;
            let sy = (y0 + (row as f64 + 0.5) * ch / h as f64).clamp(0.0, ih as f64 - 1.0) as u32;
            let p = img.get_pixel(sx, sy).0;
            let (r, g, b) = (p[0] as f64, p[1] as f64, p[2] as f64);
            yp[row * w + col] = (16.0 + 0.257 * r + 0.504 * g + 0.098 * b).round() as u8;
            if row % 2 == 0 && col % 2 == 0 {
                let i = (row / 2) * (w / 2) + col / 2;
                u[i] = (128.0 - 0.148 * r - 0.291 * g + 0.439 * b).round() as u8;
                v[i] = (128.0 + 0.439 * r - 0.368 * g - 0.071 * b).round() as u8;
            }
        }
    }
    let frames = (seconds * fps as f64) as usize;
    let face_frames = (frames as f64 * share) as usize;
    let mut out = std::io::BufWriter::new(std::fs::File::create(&args[1]).expect("create output"));
    writeln!(out, "YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg").unwrap();
    let grey = (vec![126u8; w * h], vec![128u8; w * h / 4]);
    for f in 0..frames {
        out.write_all(b"FRAME\n").unwrap();
        if f < face_frames {
            out.write_all(&yp).unwrap();
            out.write_all(&u).unwrap();
            out.write_all(&v).unwrap();
        } else {
            out.write_all(&grey.0).unwrap();
            out.write_all(&grey.1).unwrap();
            out.write_all(&grey.1).unwrap();
        }
    }
    eprintln!("{frames} frames, face in the first {face_frames}");
}

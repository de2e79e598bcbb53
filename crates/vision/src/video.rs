//! Native frame sources for `analyse-video`: Y4M (4:2:0, what Chromium's fake camera
//! reads) and folders of PNG/JPEG images. Frames come out as RGBA with a time stamp.

use std::io::{BufRead, BufReader};
use std::path::Path;

pub type Item = Result<(f64, usize, usize, Vec<u8>), String>;

pub fn open(path: &Path) -> Result<Box<dyn Iterator<Item = Item>>, String> {
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                matches!(
                    p.extension()
                        .and_then(|e| e.to_str())
                        .map(|e| e.to_ascii_lowercase())
                        .as_deref(),
                    Some("png" | "jpg" | "jpeg")
                )
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err("no .png or .jpg files in this folder".into());
        }
        // Images are analysed as stills one second apart.
        return Ok(Box::new(files.into_iter().enumerate().map(|(i, p)| {
            let img = image::open(&p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .to_rgba8();
            let (w, h) = img.dimensions();
            Ok((i as f64 * 1000.0, w as usize, h as usize, img.into_raw()))
        })));
    }
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    Ok(Box::new(Y4m::new(BufReader::new(f))?))
}

pub struct Y4m<R> {
    r: R,
    w: usize,
    h: usize,
    fps: f64,
    index: usize,
}

impl<R: BufRead> Y4m<R> {
    pub fn new(mut r: R) -> Result<Y4m<R>, String> {
        let mut header = String::new();
        r.read_line(&mut header).map_err(|e| e.to_string())?;
        let mut parts = header.split_whitespace();
        if parts.next() != Some("YUV4MPEG2") {
            return Err("not a Y4M file (no YUV4MPEG2 header)".into());
        }
        let (mut w, mut h, mut fps) = (0, 0, 30.0);
        for p in parts {
            let (k, v) = p.split_at(1);
            match k {
                "W" => w = v.parse().map_err(|_| "bad width")?,
                "H" => h = v.parse().map_err(|_| "bad height")?,
                "F" => {
                    let mut it = v.split(':');
                    let n: f64 = it.next().and_then(|x| x.parse().ok()).unwrap_or(30.0);
                    let d: f64 = it.next().and_then(|x| x.parse().ok()).unwrap_or(1.0);
                    fps = n / d.max(1.0);
                }
                "C" if !v.starts_with("420") => {
                    return Err(format!("colour space C{v} is not 4:2:0"))
                }
                _ => {}
            }
        }
        if w == 0 || h == 0 {
            return Err("Y4M header lacks W or H".into());
        }
        Ok(Y4m {
            r,
            w,
            h,
            fps,
            index: 0,
        })
    }
}

/// BT.601 limited-range YUV 4:2:0 to RGBA.
pub fn yuv420_to_rgba(w: usize, h: usize, y: &[u8], u: &[u8], v: &[u8]) -> Vec<u8> {
    let cw = w.div_ceil(2);
    let mut out = Vec::with_capacity(w * h * 4);
    for row in 0..h {
        for col in 0..w {
            let yy = (y[row * w + col] as f32 - 16.0) * 1.164;
            let ci = (row / 2) * cw + col / 2;
            let (uu, vv) = (u[ci] as f32 - 128.0, v[ci] as f32 - 128.0);
            let c = |x: f32| x.round().clamp(0.0, 255.0) as u8;
            out.extend_from_slice(&[
                c(yy + 1.596 * vv),
                c(yy - 0.392 * uu - 0.813 * vv),
                c(yy + 2.017 * uu),
                255,
            ]);
        }
    }
    out
}

impl<R: BufRead> Iterator for Y4m<R> {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        let mut tag = String::new();
        match self.r.read_line(&mut tag) {
            Ok(0) => return None,
            Ok(_) if tag.starts_with("FRAME") => {}
            Ok(_) => return Some(Err(format!("frame {}: missing FRAME marker", self.index))),
            Err(e) => return Some(Err(e.to_string())),
        }
        let (w, h) = (self.w, self.h);
        let c = w.div_ceil(2) * h.div_ceil(2);
        let mut buf = vec![0u8; w * h + 2 * c];
        if let Err(e) = self.r.read_exact(&mut buf) {
            return Some(Err(format!("frame {}: {e}", self.index)));
        }
        let (y, uv) = buf.split_at(w * h);
        let (u, v) = uv.split_at(c);
        let t = self.index as f64 * 1000.0 / self.fps;
        self.index += 1;
        Some(Ok((t, w, h, yuv420_to_rgba(w, h, y, u, v))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_frames_and_times() {
        let mut data = b"YUV4MPEG2 W4 H2 F10:1 Ip A1:1 C420jpeg\n".to_vec();
        for k in 0..3u8 {
            data.extend_from_slice(b"FRAME\n");
            data.extend_from_slice(&[235; 8]);
            data.extend_from_slice(&[128 + k; 4]);
        }
        let frames: Vec<_> = Y4m::new(std::io::Cursor::new(data))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[2].0, 200.0);
        assert_eq!((frames[0].1, frames[0].2), (4, 2));
        assert_eq!(&frames[0].3[..4], &[255, 255, 255, 255]);
    }

    #[test]
    fn rejects_other_formats_and_truncation() {
        assert!(Y4m::new(std::io::Cursor::new(b"P6\n".to_vec())).is_err());
        let mut data = b"YUV4MPEG2 W4 H2 F10:1\nFRAME\n".to_vec();
        data.extend_from_slice(&[1, 2, 3]);
        let mut it = Y4m::new(std::io::Cursor::new(data)).unwrap();
        assert!(it.next().unwrap().is_err());
    }
}

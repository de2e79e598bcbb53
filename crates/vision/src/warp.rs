//! Crops for the models: an affine map from output pixel to image point, bilinear
//! sampling, conversion to the model's value range. Works on RGBA frames (what a browser
//! canvas gives) without copying them.

/// An RGBA image, row-major, 4 bytes per pixel, borrowed.
#[derive(Clone, Copy)]
pub struct Frame<'a> {
    pub width: usize,
    pub height: usize,
    pub rgba: &'a [u8],
}

impl<'a> Frame<'a> {
    pub fn new(width: usize, height: usize, rgba: &'a [u8]) -> Frame<'a> {
        assert_eq!(rgba.len(), width * height * 4, "RGBA size mismatch");
        Frame {
            width,
            height,
            rgba,
        }
    }
}

/// What to sample outside the image: the nearest edge pixel, or a constant value in the
/// output range (MediaPipe pads letterboxes with zero intensity).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Border {
    Replicate,
    Zero,
}

/// Samples an `n` x `n` RGB crop into NHWC floats in `lo..hi` (0..255 maps onto it).
/// `map` gives image coordinates (pixel edges at integers: the centre of pixel i is at
/// i + 0.5) for output pixel centres (col, row): x = m0*col + m1*row + m2, y likewise.
pub fn crop_rgb(
    frame: &Frame,
    map: &[f32; 6],
    n: usize,
    lo: f32,
    hi: f32,
    border: Border,
) -> Vec<f32> {
    let mut out = vec![0.0f32; n * n * 3];
    let k = (hi - lo) / 255.0;
    let (w, h) = (frame.width as i64, frame.height as i64);
    let px = frame.rgba;
    for row in 0..n {
        for col in 0..n {
            let (c, r) = (col as f32, row as f32);
            let x = map[0] * c + map[1] * r + map[2] - 0.5;
            let y = map[3] * c + map[4] * r + map[5] - 0.5;
            let o = (row * n + col) * 3;
            if border == Border::Zero
                && (x < -0.5 || y < -0.5 || x > w as f32 - 0.5 || y > h as f32 - 0.5)
            {
                out[o] = lo;
                out[o + 1] = lo;
                out[o + 2] = lo;
                continue;
            }
            let x0 = x.floor();
            let y0 = y.floor();
            let (fx, fy) = (x - x0, y - y0);
            let xi = [(x0 as i64).clamp(0, w - 1), (x0 as i64 + 1).clamp(0, w - 1)];
            let yi = [(y0 as i64).clamp(0, h - 1), (y0 as i64 + 1).clamp(0, h - 1)];
            let wts = [
                (1.0 - fx) * (1.0 - fy),
                fx * (1.0 - fy),
                (1.0 - fx) * fy,
                fx * fy,
            ];
            let idx = [
                ((yi[0] * w + xi[0]) * 4) as usize,
                ((yi[0] * w + xi[1]) * 4) as usize,
                ((yi[1] * w + xi[0]) * 4) as usize,
                ((yi[1] * w + xi[1]) * 4) as usize,
            ];
            for ch in 0..3 {
                let v: f32 = (0..4).map(|q| wts[q] * px[idx[q] + ch] as f32).sum();
                out[o + ch] = lo + v * k;
            }
        }
    }
    out
}

/// A grayscale `n` x `n` crop (ITU-R 601 luma, as FER2013's grayscale faces), bytes.
/// When the crop shrinks the image by more than 2x, each output pixel averages a small
/// grid of samples so fine detail does not alias.
pub fn crop_gray(frame: &Frame, map: &[f32; 6], n: usize) -> Vec<u8> {
    let step = (map[0] * map[0] + map[3] * map[3]).sqrt();
    let sub = (step / 1.5).ceil().clamp(1.0, 4.0) as usize;
    let rgb = if sub == 1 {
        crop_rgb(frame, map, n, 0.0, 255.0, Border::Replicate)
    } else {
        // Supersample: an (n*sub)^2 crop, then box-average.
        let s = sub as f32;
        let m = [
            map[0] / s,
            map[1] / s,
            map[2] - (map[0] + map[1]) * (s - 1.0) / (2.0 * s),
            map[3] / s,
            map[4] / s,
            map[5] - (map[3] + map[4]) * (s - 1.0) / (2.0 * s),
        ];
        let big = crop_rgb(frame, &m, n * sub, 0.0, 255.0, Border::Replicate);
        let nb = n * sub;
        let mut small = vec![0.0f32; n * n * 3];
        for row in 0..nb {
            for col in 0..nb {
                let o = ((row / sub) * n + col / sub) * 3;
                let i = (row * nb + col) * 3;
                for ch in 0..3 {
                    small[o + ch] += big[i + ch] / (sub * sub) as f32;
                }
            }
        }
        small
    };
    rgb.chunks_exact(3)
        .map(|p| {
            (0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2])
                .round()
                .clamp(0.0, 255.0) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(w: usize, h: usize) -> Vec<u8> {
        let mut v = Vec::new();
        for y in 0..h {
            for x in 0..w {
                v.extend_from_slice(&[(x * 10) as u8, (y * 10) as u8, 7, 255]);
            }
        }
        v
    }

    #[test]
    fn identity_map_reproduces_pixels() {
        let px = ramp(8, 6);
        let f = Frame::new(8, 6, &px);
        // Output pixel centre (col, row) -> image (col + 0.5, row + 0.5).
        let out = crop_rgb(
            &f,
            &[1.0, 0.0, 0.5, 0.0, 1.0, 0.5],
            6,
            0.0,
            255.0,
            Border::Zero,
        );
        assert_eq!(out[(2 * 6 + 3) * 3], 30.0);
        assert_eq!(out[(2 * 6 + 3) * 3 + 1], 20.0);
        let norm = crop_rgb(
            &f,
            &[1.0, 0.0, 0.5, 0.0, 1.0, 0.5],
            6,
            -1.0,
            1.0,
            Border::Zero,
        );
        assert!((norm[2] - (-1.0 + 7.0 * 2.0 / 255.0)).abs() < 1e-6);
    }

    #[test]
    fn half_pixel_shift_interpolates_and_borders_differ() {
        let px = ramp(8, 6);
        let f = Frame::new(8, 6, &px);
        let out = crop_rgb(
            &f,
            &[1.0, 0.0, 1.0, 0.0, 1.0, 0.5],
            4,
            0.0,
            255.0,
            Border::Zero,
        );
        assert_eq!(out[0], 5.0);
        // Far outside: zero border gives lo, replicate gives the edge.
        let m = [1.0, 0.0, -50.0, 0.0, 1.0, 0.5];
        assert_eq!(crop_rgb(&f, &m, 2, -1.0, 1.0, Border::Zero)[0], -1.0);
        assert_eq!(crop_rgb(&f, &m, 2, 0.0, 255.0, Border::Replicate)[0], 0.0);
    }

    #[test]
    fn gray_crop_is_luma_and_averages_when_shrinking() {
        let mut px = Vec::new();
        for y in 0..16 {
            for x in 0..16 {
                let v = if (x + y) % 2 == 0 { 255 } else { 0 };
                px.extend_from_slice(&[v, v, v, 255]);
            }
        }
        let f = Frame::new(16, 16, &px);
        // 16 -> 4: a checkerboard averages to mid grey instead of aliasing.
        let g = crop_gray(&f, &[4.0, 0.0, 2.0, 0.0, 4.0, 2.0], 4);
        assert!(g.iter().all(|&v| (120..=135).contains(&v)), "{g:?}");
    }
}

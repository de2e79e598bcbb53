//! Rotated square regions of interest and the affine maps between an ROI and a model
//! input, following MediaPipe's DetectionsToRects + RectTransformation steps.

use super::detection::{Detection, KP_EYE_A, KP_EYE_B};
use super::{mesh, Pt, P3};

/// Scale of the face ROI around the detection box or the landmarks (MediaPipe: 1.5).
pub const FACE_SCALE: f32 = 1.5;
/// Scale of an eye ROI around its two corners (MediaPipe: 2.3).
pub const EYE_SCALE: f32 = 2.3;

/// A square region, `side` pixels wide, centred at (`cx`, `cy`), turned by `angle`
/// radians (its x axis points along (cos, sin) in the image).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Roi {
    pub cx: f32,
    pub cy: f32,
    pub side: f32,
    pub angle: f32,
}

/// Angle of the line from `a` to `b`, in image coordinates.
pub fn line_angle(a: Pt, b: Pt) -> f32 {
    (b.y - a.y).atan2(b.x - a.x)
}

impl Roi {
    /// The landmark model's crop for a detection: the box, squared on its long side,
    /// scaled by 1.5, turned so the eyes are level.
    pub fn from_detection(d: &Detection) -> Roi {
        Roi {
            cx: d.xmin + d.width / 2.0,
            cy: d.ymin + d.height / 2.0,
            side: d.width.max(d.height) * FACE_SCALE,
            angle: line_angle(d.keypoints[KP_EYE_A], d.keypoints[KP_EYE_B]),
        }
    }

    /// The next frame's crop from this frame's landmarks (tracking): the landmarks'
    /// bounding box, squared, scaled by 1.5, turned by the outer eye corners.
    pub fn from_landmarks(lm: &[P3]) -> Roi {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in lm {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        Roi {
            cx: (x0 + x1) / 2.0,
            cy: (y0 + y1) / 2.0,
            side: (x1 - x0).max(y1 - y0) * FACE_SCALE,
            angle: line_angle(lm[mesh::EYE_A_OUTER].xy(), lm[mesh::EYE_B_OUTER].xy()),
        }
    }

    /// An eye crop for the iris model from the eye's two corners, left to right in the image.
    pub fn from_eye_corners(left: Pt, right: Pt) -> Roi {
        let w = ((right.x - left.x).powi(2) + (right.y - left.y).powi(2)).sqrt();
        Roi {
            cx: (left.x + right.x) / 2.0,
            cy: (left.y + right.y) / 2.0,
            side: w * EYE_SCALE,
            angle: line_angle(left, right),
        }
    }

    /// Image point of a normalised ROI coordinate (0..1 along the ROI's own axes).
    pub fn to_image(&self, u: f32, v: f32) -> Pt {
        let (s, c) = self.angle.sin_cos();
        let dx = (u - 0.5) * self.side;
        let dy = (v - 0.5) * self.side;
        Pt::new(self.cx + dx * c - dy * s, self.cy + dx * s + dy * c)
    }

    /// Inverse of [`Roi::to_image`].
    pub fn to_roi(&self, p: Pt) -> Pt {
        let (s, c) = self.angle.sin_cos();
        let dx = p.x - self.cx;
        let dy = p.y - self.cy;
        Pt::new(
            (dx * c + dy * s) / self.side + 0.5,
            (-dx * s + dy * c) / self.side + 0.5,
        )
    }

    /// The affine map from output pixel (col, row) of an `n` x `n` crop to the image
    /// point sampled there (pixel centres): `[a, b, c, d, e, f]` with
    /// x = a*col + b*row + c, y = d*col + e*row + f. `flip` mirrors the crop horizontally.
    pub fn sampling_map(&self, n: usize, flip: bool) -> [f32; 6] {
        let (s, c) = self.angle.sin_cos();
        let k = self.side / n as f32;
        let fx = if flip { -1.0 } else { 1.0 };
        // u = (col + 0.5) / n (or 1 - that when flipped), v = (row + 0.5) / n.
        let u0 = if flip {
            1.0 - 0.5 / n as f32
        } else {
            0.5 / n as f32
        } - 0.5;
        let v0 = 0.5 / n as f32 - 0.5;
        let (dx0, dy0) = (u0 * self.side, v0 * self.side);
        [
            fx * k * c,
            -k * s,
            self.cx + dx0 * c - dy0 * s,
            fx * k * s,
            k * c,
            self.cy + dx0 * s + dy0 * c,
        ]
    }

    /// Maps landmarks given in crop pixels of an `n`-pixel model input (x, y, z) back to
    /// the image; z is scaled like x.
    pub fn project(&self, raw: &[f32], n: usize, flip: bool) -> Vec<P3> {
        let nf = n as f32;
        raw.chunks_exact(3)
            .map(|p| {
                let u = if flip { 1.0 - p[0] / nf } else { p[0] / nf };
                let q = self.to_image(u, p[1] / nf);
                P3::new(q.x, q.y, p[2] / nf * self.side)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::detection::KEYPOINTS;

    fn close(a: Pt, b: Pt) -> bool {
        (a.x - b.x).abs() < 1e-3 && (a.y - b.y).abs() < 1e-3
    }

    #[test]
    fn detection_roi_is_square_scaled_and_level_with_the_eyes() {
        let mut kp = [Pt::default(); KEYPOINTS];
        kp[KP_EYE_A] = Pt::new(100.0, 100.0);
        kp[KP_EYE_B] = Pt::new(140.0, 140.0);
        let d = Detection {
            score: 0.9,
            xmin: 80.0,
            ymin: 90.0,
            width: 80.0,
            height: 60.0,
            keypoints: kp,
        };
        let r = Roi::from_detection(&d);
        assert_eq!((r.cx, r.cy, r.side), (120.0, 120.0, 120.0));
        assert!((r.angle - std::f32::consts::FRAC_PI_4).abs() < 1e-6);
        // The ROI's x axis runs along the eye line.
        let a = r.to_image(0.4, 0.5);
        let b = r.to_image(0.6, 0.5);
        assert!((line_angle(a, b) - r.angle).abs() < 1e-5);
    }

    #[test]
    fn roi_round_trip_and_sampling_map_agree() {
        let r = Roi {
            cx: 200.0,
            cy: 150.0,
            side: 96.0,
            angle: 0.3,
        };
        for &(u, v) in &[(0.0, 0.0), (0.25, 0.8), (1.0, 0.5)] {
            let p = r.to_image(u, v);
            let q = r.to_roi(p);
            assert!((q.x - u).abs() < 1e-5 && (q.y - v).abs() < 1e-5);
        }
        for flip in [false, true] {
            let m = r.sampling_map(64, flip);
            for &(col, row) in &[(0.0f32, 0.0f32), (10.0, 50.0), (63.0, 63.0)] {
                let x = m[0] * col + m[1] * row + m[2];
                let y = m[3] * col + m[4] * row + m[5];
                let u = (col + 0.5) / 64.0;
                let u = if flip { 1.0 - u } else { u };
                let want = r.to_image(u, (row + 0.5) / 64.0);
                assert!(close(Pt::new(x, y), want), "{flip} {col} {row}");
            }
        }
    }

    #[test]
    fn projection_inverts_the_crop_including_flip() {
        let r = Roi {
            cx: 50.0,
            cy: 60.0,
            side: 32.0,
            angle: -0.2,
        };
        let img = r.to_image(0.25, 0.75);
        let out = r.project(&[16.0, 48.0, 8.0], 64, false);
        assert!(close(out[0].xy(), img));
        assert!((out[0].z - 4.0).abs() < 1e-5);
        let flipped = r.project(&[48.0, 48.0, 0.0], 64, true);
        assert!(close(flipped[0].xy(), img));
    }

    #[test]
    fn eye_roi_spans_the_corners_times_2_3() {
        let r = Roi::from_eye_corners(Pt::new(10.0, 20.0), Pt::new(30.0, 20.0));
        assert_eq!((r.cx, r.cy), (20.0, 20.0));
        assert!((r.side - 46.0).abs() < 1e-4);
        assert_eq!(r.angle, 0.0);
    }
}

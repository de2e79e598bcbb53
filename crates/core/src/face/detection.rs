//! BlazeFace short-range decoding, as MediaPipe's `face_detection_short_range` graph
//! configures it: 896 SSD anchors on a 128x128 letterboxed input, 16 values per
//! anchor (box + 6 keypoints), sigmoid scores, weighted non-maximum suppression.

use super::Pt;

/// Side of the detector's square input (from the models table).
pub const INPUT: usize = crate::models::DETECTOR.input[1];
pub const ANCHORS: usize = 896;
pub const VALUES: usize = 16;
pub const KEYPOINTS: usize = 6;
pub const MIN_SCORE: f32 = 0.5;
pub const NMS_IOU: f32 = 0.3;
const SCORE_CLIP: f32 = 100.0;

/// Keypoint order of the detector.
pub const KP_EYE_A: usize = 0; // subject's right eye, image left
pub const KP_EYE_B: usize = 1;
pub const KP_NOSE: usize = 2;
pub const KP_MOUTH: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    pub x: f32,
    pub y: f32,
}

/// SsdAnchorsCalculator with MediaPipe's options for this model: 4 layers with strides
/// 8, 16, 16, 16, offset 0.5, aspect ratio 1 plus one interpolated scale (2 anchors per
/// layer and cell), fixed anchor size (w = h = 1). Layers with the same stride share a
/// grid, so the result is 16x16x2 + 8x8x6 = 896.
pub fn anchors() -> Vec<Anchor> {
    let strides = [8usize, 16, 16, 16];
    let mut out = Vec::with_capacity(ANCHORS);
    let mut layer = 0;
    while layer < strides.len() {
        let mut last = layer;
        let mut per_cell = 0;
        while last < strides.len() && strides[last] == strides[layer] {
            per_cell += 2;
            last += 1;
        }
        let fm = INPUT.div_ceil(strides[layer]);
        for y in 0..fm {
            for x in 0..fm {
                for _ in 0..per_cell {
                    out.push(Anchor {
                        x: (x as f32 + 0.5) / fm as f32,
                        y: (y as f32 + 0.5) / fm as f32,
                    });
                }
            }
        }
        layer = last;
    }
    out
}

/// A detected face, in image pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Detection {
    pub score: f32,
    pub xmin: f32,
    pub ymin: f32,
    pub width: f32,
    pub height: f32,
    pub keypoints: [Pt; KEYPOINTS],
}

/// How an image was fitted into the square model input, keeping its aspect ratio
/// (MediaPipe's `keep_aspect_ratio`): the image is scaled by `scale` and centred, with
/// `pad_x`, `pad_y` input pixels of border on each side.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Letterbox {
    pub scale: f32,
    pub pad_x: f32,
    pub pad_y: f32,
}

impl Letterbox {
    pub fn new(width: usize, height: usize, side: usize) -> Letterbox {
        let scale = side as f32 / width.max(height) as f32;
        Letterbox {
            scale,
            pad_x: (side as f32 - width as f32 * scale) / 2.0,
            pad_y: (side as f32 - height as f32 * scale) / 2.0,
        }
    }
    /// Input pixel -> image pixel.
    pub fn to_image(&self, x: f32, y: f32) -> Pt {
        Pt::new((x - self.pad_x) / self.scale, (y - self.pad_y) / self.scale)
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x.clamp(-SCORE_CLIP, SCORE_CLIP)).exp())
}

/// Decodes raw model outputs (`regressors` [896 x 16], `classificators` [896]) into
/// detections above [`MIN_SCORE`], in image pixels, before suppression.
pub fn decode(
    regressors: &[f32],
    scores: &[f32],
    anchors: &[Anchor],
    lb: &Letterbox,
) -> Vec<Detection> {
    let s = INPUT as f32;
    let mut out = Vec::new();
    for (i, a) in anchors.iter().enumerate() {
        let score = sigmoid(scores[i]);
        if score < MIN_SCORE {
            continue;
        }
        let r = &regressors[i * VALUES..(i + 1) * VALUES];
        // Offsets are in input pixels relative to the anchor centre (anchor size 1).
        let cx = r[0] + a.x * s;
        let cy = r[1] + a.y * s;
        let (w, h) = (r[2], r[3]);
        let p0 = lb.to_image(cx - w / 2.0, cy - h / 2.0);
        let p1 = lb.to_image(cx + w / 2.0, cy + h / 2.0);
        let mut keypoints = [Pt::default(); KEYPOINTS];
        for (k, kp) in keypoints.iter_mut().enumerate() {
            *kp = lb.to_image(r[4 + 2 * k] + a.x * s, r[5 + 2 * k] + a.y * s);
        }
        out.push(Detection {
            score,
            xmin: p0.x,
            ymin: p0.y,
            width: p1.x - p0.x,
            height: p1.y - p0.y,
            keypoints,
        });
    }
    out
}

pub fn iou(a: &Detection, b: &Detection) -> f32 {
    let x0 = a.xmin.max(b.xmin);
    let y0 = a.ymin.max(b.ymin);
    let x1 = (a.xmin + a.width).min(b.xmin + b.width);
    let y1 = (a.ymin + a.height).min(b.ymin + b.height);
    let inter = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
    let union = a.width * a.height + b.width * b.height - inter;
    if union <= 0.0 {
        0.0
    } else {
        inter / union
    }
}

/// MediaPipe's weighted NMS: the best remaining detection absorbs every other one that
/// overlaps it by more than [`NMS_IOU`]; box and keypoints become the score-weighted mean
/// of the group, the score stays the best one's.
pub fn weighted_nms(mut dets: Vec<Detection>) -> Vec<Detection> {
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while !dets.is_empty() {
        let top = dets[0].clone();
        let (group, rest): (Vec<Detection>, Vec<Detection>) =
            dets.into_iter().partition(|d| iou(&top, d) > NMS_IOU);
        dets = rest;
        let total: f32 = group.iter().map(|d| d.score).sum();
        let mut m = top.clone();
        if group.len() > 1 && total > 0.0 {
            let w = |f: &dyn Fn(&Detection) -> f32| {
                group.iter().map(|d| f(d) * d.score).sum::<f32>() / total
            };
            m.xmin = w(&|d| d.xmin);
            m.ymin = w(&|d| d.ymin);
            m.width = w(&|d| d.xmin + d.width) - m.xmin;
            m.height = w(&|d| d.ymin + d.height) - m.ymin;
            for k in 0..KEYPOINTS {
                m.keypoints[k] = Pt::new(w(&|d| d.keypoints[k].x), w(&|d| d.keypoints[k].y));
            }
        }
        out.push(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_grid_matches_mediapipe_layout() {
        let a = anchors();
        assert_eq!(a.len(), ANCHORS);
        // First layer: 16x16 cells, 2 anchors each.
        assert_eq!(
            a[0],
            Anchor {
                x: 0.5 / 16.0,
                y: 0.5 / 16.0
            }
        );
        assert_eq!(a[1], a[0]);
        assert_eq!(a[2].x, 1.5 / 16.0);
        assert_eq!(
            a[511],
            Anchor {
                x: 15.5 / 16.0,
                y: 15.5 / 16.0
            }
        );
        // Then 8x8 cells, 6 anchors each.
        assert_eq!(
            a[512],
            Anchor {
                x: 0.5 / 8.0,
                y: 0.5 / 8.0
            }
        );
        assert_eq!(a[517], a[512]);
        assert_eq!(a[518].x, 1.5 / 8.0);
        assert_eq!(
            a[895],
            Anchor {
                x: 7.5 / 8.0,
                y: 7.5 / 8.0
            }
        );
    }

    #[test]
    fn letterbox_maps_input_back_to_image() {
        let lb = Letterbox::new(640, 480, 128);
        assert_eq!(lb.scale, 0.2);
        assert_eq!(lb.pad_y, 16.0);
        let p = lb.to_image(64.0, 64.0);
        assert!((p.x - 320.0).abs() < 1e-4 && (p.y - 240.0).abs() < 1e-4);
    }

    fn raw_for(anchor: usize, cx: f32, cy: f32, size: f32, logit: f32) -> (Vec<f32>, Vec<f32>) {
        let a = anchors();
        let mut r = vec![0.0; ANCHORS * VALUES];
        let mut s = vec![-50.0; ANCHORS];
        let v = &mut r[anchor * VALUES..(anchor + 1) * VALUES];
        v[0] = cx - a[anchor].x * 128.0;
        v[1] = cy - a[anchor].y * 128.0;
        v[2] = size;
        v[3] = size;
        for k in 0..KEYPOINTS {
            v[4 + 2 * k] = cx - a[anchor].x * 128.0 + k as f32;
            v[5 + 2 * k] = cy - a[anchor].y * 128.0;
        }
        s[anchor] = logit;
        (r, s)
    }

    #[test]
    fn decode_places_box_and_keypoints_in_image_pixels() {
        let (r, s) = raw_for(300, 64.0, 60.0, 32.0, 3.0);
        let lb = Letterbox::new(256, 256, 128);
        let d = decode(&r, &s, &anchors(), &lb);
        assert_eq!(d.len(), 1);
        let d = &d[0];
        assert!((d.score - 0.952_574).abs() < 1e-5);
        assert!((d.xmin - 96.0).abs() < 1e-3 && (d.ymin - 88.0).abs() < 1e-3);
        assert!((d.width - 64.0).abs() < 1e-3);
        assert!((d.keypoints[2].x - 132.0).abs() < 1e-3);
        assert!((d.keypoints[2].y - 120.0).abs() < 1e-3);
    }

    #[test]
    fn low_scores_are_dropped() {
        let (r, s) = raw_for(10, 64.0, 64.0, 20.0, -0.1);
        assert!(decode(&r, &s, &anchors(), &Letterbox::new(128, 128, 128)).is_empty());
    }

    #[test]
    fn weighted_nms_merges_overlaps_and_keeps_separate_faces() {
        let d = |x: f32, score: f32| Detection {
            score,
            xmin: x,
            ymin: 0.0,
            width: 10.0,
            height: 10.0,
            keypoints: [Pt::new(x, 0.0); KEYPOINTS],
        };
        let out = weighted_nms(vec![d(0.0, 0.6), d(2.0, 0.9), d(50.0, 0.7)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].score, 0.9);
        // Weighted mean of x = 2 (0.9) and x = 0 (0.6).
        assert!((out[0].xmin - 1.2).abs() < 1e-4);
        assert!((out[0].keypoints[0].x - 1.2).abs() < 1e-4);
        assert_eq!(out[1].xmin, 50.0);
    }
}

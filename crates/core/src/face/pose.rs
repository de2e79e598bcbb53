//! Head pose from a few stable mesh landmarks, and gaze = head pose + the iris's position
//! inside the eye.
//!
//! Head pose is derived from the landmarks themselves (no canonical 3D face model): the
//! face's x axis runs between the outer eye corners, its y axis from forehead to chin,
//! and the face points along their cross product. Yaw, pitch and roll are in image
//! terms: yaw > 0 when the face turns toward the image's +x, pitch > 0 when it turns down
//! (+y), roll > 0 when the eye line tilts clockwise on screen. On a real face the
//! forehead and chin are not at the same depth, so a frontal face reads a pitch of about
//! +9 degrees (median over FER2013 validation faces); the calibration (or its default)
//! absorbs that offset.

use super::{mesh, Pt, P3};

#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HeadPose {
    pub yaw_deg: f32,
    pub pitch_deg: f32,
    pub roll_deg: f32,
}

pub fn head_pose(lm: &[P3]) -> HeadPose {
    let x = lm[mesh::EYE_B_OUTER].sub(lm[mesh::EYE_A_OUTER]).norm();
    let y_raw = lm[mesh::CHIN].sub(lm[mesh::FOREHEAD]);
    // x right, y down: x cross y points away from the camera; the face looks the other way.
    let n = x.cross(y_raw).norm();
    let f = P3::new(-n.x, -n.y, -n.z);
    // Yaw as the horizontal angle, pitch as the elevation in the vertical plane: the
    // decomposition that matches "turn, then nod".
    let yaw = f.x.clamp(-1.0, 1.0).asin();
    let pitch = f.y.atan2(-f.z);
    let roll = x.y.atan2(x.x);
    HeadPose {
        yaw_deg: yaw.to_degrees(),
        pitch_deg: pitch.to_degrees(),
        roll_deg: roll.to_degrees(),
    }
}

/// Where the iris centre sits in one eye, in units of the eye's half-width along the eye
/// line (`h`, +1 at the image-right corner) and across it (`v`, + downward).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct IrisOffset {
    pub h: f32,
    pub v: f32,
}

/// `left`/`right` are the eye's corners as they appear in the image.
pub fn iris_offset(left: Pt, right: Pt, upper: Pt, lower: Pt, iris: Pt) -> IrisOffset {
    let (ax, ay) = (right.x - left.x, right.y - left.y);
    let half = (ax * ax + ay * ay).sqrt().max(1e-6) / 2.0;
    let (ux, uy) = (ax / (2.0 * half), ay / (2.0 * half));
    // Centre between the corners horizontally, between the lids vertically.
    let cx = (left.x + right.x) / 2.0;
    let cy = (left.y + right.y) / 2.0;
    let lid = Pt::new((upper.x + lower.x) / 2.0, (upper.y + lower.y) / 2.0);
    let (dx, dy) = (iris.x - cx, iris.y - cy);
    let (lx, ly) = (lid.x - cx, lid.y - cy);
    IrisOffset {
        h: (dx * ux + dy * uy) / half,
        v: ((dy * ux - dx * uy) - (ly * ux - lx * uy)) / half,
    }
}

/// Degrees of eye rotation per unit of iris offset: the eyeball's radius (~12 mm) is a
/// bit less than the eye opening's half-width (~15 mm), so a small offset h turns the eye
/// by about asin(h / 0.8); linear is close enough in the range that matters here.
pub const IRIS_GAIN_H_DEG: f32 = 70.0;
pub const IRIS_GAIN_V_DEG: f32 = 70.0;

/// Gaze direction in degrees, image terms (as [`HeadPose`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Gaze {
    pub x_deg: f32,
    pub y_deg: f32,
}

pub fn gaze(pose: &HeadPose, eyes: &[IrisOffset]) -> Gaze {
    let n = eyes.len().max(1) as f32;
    let h = eyes.iter().map(|e| e.h).sum::<f32>() / n;
    let v = eyes.iter().map(|e| e.v).sum::<f32>() / n;
    Gaze {
        x_deg: pose.yaw_deg + IRIS_GAIN_H_DEG * h,
        y_deg: pose.pitch_deg + IRIS_GAIN_V_DEG * v,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A synthetic face mesh: the points this module reads, placed on a frontal face
    /// (forehead and chin at equal depth), rotated by yaw then pitch about the face
    /// centre and projected orthographically at (cx, cy).
    pub fn synthetic_mesh(yaw_deg: f32, pitch_deg: f32, roll_deg: f32) -> Vec<P3> {
        let mut lm = vec![P3::default(); mesh::COUNT];
        let pts = [
            (mesh::EYE_A_OUTER, -45.0, -20.0, 10.0),
            (mesh::EYE_A_INNER, -15.0, -20.0, 5.0),
            (mesh::EYE_B_INNER, 15.0, -20.0, 5.0),
            (mesh::EYE_B_OUTER, 45.0, -20.0, 10.0),
            (mesh::EYE_A_UPPER, -30.0, -26.0, 5.0),
            (mesh::EYE_A_LOWER, -30.0, -14.0, 5.0),
            (mesh::EYE_B_UPPER, 30.0, -26.0, 5.0),
            (mesh::EYE_B_LOWER, 30.0, -14.0, 5.0),
            (mesh::FOREHEAD, 0.0, -80.0, 0.0),
            (mesh::CHIN, 0.0, 90.0, 0.0),
            (mesh::NOSE_TIP, 0.0, 15.0, -30.0),
        ];
        let (sy, cy) = yaw_deg.to_radians().sin_cos();
        let (sp, cp) = pitch_deg.to_radians().sin_cos();
        let (sr, cr) = roll_deg.to_radians().sin_cos();
        for &(i, x, y, z) in &pts {
            // Yaw: turning toward +x brings the face's front (-z) toward +x.
            let (x1, z1) = (x * cy - z * sy, x * sy + z * cy);
            // Pitch: turning down brings the front toward +y.
            let (y2, z2) = (y * cp - z1 * sp, y * sp + z1 * cp);
            let (x3, y3) = (x1 * cr - y2 * sr, x1 * sr + y2 * cr);
            lm[i] = P3::new(320.0 + x3, 240.0 + y3, z2);
        }
        lm
    }

    #[test]
    fn head_pose_recovers_known_rotations() {
        for &yaw in &[-40.0f32, -15.0, 0.0, 10.0, 35.0] {
            for &pitch in &[-25.0f32, 0.0, 20.0] {
                let p = head_pose(&synthetic_mesh(yaw, pitch, 0.0));
                assert!(
                    (p.yaw_deg - yaw).abs() < 1.5,
                    "yaw {yaw} pitch {pitch}: {p:?}"
                );
                assert!(
                    (p.pitch_deg - pitch).abs() < 1.5,
                    "yaw {yaw} pitch {pitch}: {p:?}"
                );
            }
        }
        let p = head_pose(&synthetic_mesh(0.0, 0.0, 12.0));
        assert!((p.roll_deg - 12.0).abs() < 0.5 && p.yaw_deg.abs() < 0.5);
    }

    #[test]
    fn iris_offset_is_relative_to_corners_and_lids() {
        let (l, r) = (Pt::new(0.0, 0.0), Pt::new(20.0, 0.0));
        let (u, d) = (Pt::new(10.0, -4.0), Pt::new(10.0, 4.0));
        let c = iris_offset(l, r, u, d, Pt::new(10.0, 0.0));
        assert!(c.h.abs() < 1e-6 && c.v.abs() < 1e-6);
        let right = iris_offset(l, r, u, d, Pt::new(15.0, 0.0));
        assert!((right.h - 0.5).abs() < 1e-6);
        let down = iris_offset(l, r, u, d, Pt::new(10.0, 2.0));
        assert!((down.v - 0.2).abs() < 1e-6);
    }

    #[test]
    fn gaze_adds_eye_rotation_to_head_pose() {
        let pose = HeadPose {
            yaw_deg: 5.0,
            pitch_deg: -3.0,
            roll_deg: 0.0,
        };
        let g = gaze(
            &pose,
            &[IrisOffset { h: 0.1, v: 0.0 }, IrisOffset { h: 0.1, v: 0.1 }],
        );
        assert!((g.x_deg - (5.0 + IRIS_GAIN_H_DEG * 0.1)).abs() < 1e-4);
        assert!((g.y_deg - (-3.0 + IRIS_GAIN_V_DEG * 0.05)).abs() < 1e-4);
    }
}

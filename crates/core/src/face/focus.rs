//! Eye focus: where the gaze falls relative to the screen (centre, border, away), from a
//! per-device calibration, smoothed so one noisy frame never flips the class.

use super::pose::Gaze;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Focus {
    Centre,
    Border,
    Away,
    #[default]
    NoFace,
}

impl Focus {
    pub const ALL: [Focus; 4] = [Focus::Centre, Focus::Border, Focus::Away, Focus::NoFace];
    pub fn label(self) -> &'static str {
        match self {
            Focus::Centre => "screen centre",
            Focus::Border => "screen border",
            Focus::Away => "away",
            Focus::NoFace => "no face",
        }
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Screen layout in gaze degrees: the gaze when looking at the screen centre and the
/// distance from it to each edge.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub centre: Gaze,
    pub left_deg: f32,
    pub right_deg: f32,
    pub up_deg: f32,
    pub down_deg: f32,
    /// False for the built-in default (the report says so).
    pub measured: bool,
}

/// Never narrower than this: a calibration done from far away, or a bad one, would
/// otherwise call every small movement "away".
const MIN_HALF_DEG: f32 = 4.0;

impl Default for Calibration {
    /// A laptop screen about 60 cm away with the camera above it: about +-14 degrees wide,
    /// +-9 high, its centre a little below the camera. The pitch offset includes the
    /// frontal-face offset of [`super::pose::head_pose`] (measured on FER2013 faces).
    fn default() -> Self {
        Calibration {
            centre: Gaze {
                x_deg: 0.0,
                y_deg: DEFAULT_CENTRE_PITCH_DEG,
            },
            left_deg: 14.0,
            right_deg: 14.0,
            up_deg: 9.0,
            down_deg: 9.0,
            measured: false,
        }
    }
}

/// A frontal face reads about +9.4 degrees of pitch with this pose estimate (median over
/// FER2013 validation faces through the pipeline, `face-eval`); the screen centre lies
/// some 6 degrees below a laptop's camera.
pub const DEFAULT_CENTRE_PITCH_DEG: f32 = 15.0;

/// Calibration targets, in the order the user looks at them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    Centre,
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Centre,
        Target::TopLeft,
        Target::TopRight,
        Target::BottomLeft,
        Target::BottomRight,
    ];
    /// Where the target is drawn, as a fraction of the screen (x, y), mirrored for the user
    /// only in the sense that "left" is the user's left.
    pub fn position(self) -> (f32, f32) {
        match self {
            Target::Centre => (0.5, 0.5),
            Target::TopLeft => (0.06, 0.08),
            Target::TopRight => (0.94, 0.08),
            Target::BottomLeft => (0.06, 0.92),
            Target::BottomRight => (0.94, 0.92),
        }
    }
}

fn median(v: &mut [f32]) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    Some(v[v.len() / 2])
}

/// Builds a calibration from gaze samples gathered while the user looked at each target
/// (medians, so blinks and glances do not count). The camera image is not mirrored: the
/// user's left is the image's +x. Returns None when a target has no samples.
pub fn calibrate(samples: &[(Target, Gaze)]) -> Option<Calibration> {
    let med = |t: Target, f: fn(&Gaze) -> f32| {
        let mut v: Vec<f32> = samples
            .iter()
            .filter(|(tt, _)| *tt == t)
            .map(|(_, g)| f(g))
            .collect();
        median(&mut v)
    };
    let cx = med(Target::Centre, |g| g.x_deg)?;
    let cy = med(Target::Centre, |g| g.y_deg)?;
    let mut corners = Vec::new();
    for t in &Target::ALL[1..] {
        corners.push((*t, med(*t, |g| g.x_deg)?, med(*t, |g| g.y_deg)?));
    }
    let mean = |ts: [Target; 2], f: fn(&(Target, f32, f32)) -> f32| {
        corners
            .iter()
            .filter(|c| ts.contains(&c.0))
            .map(f)
            .sum::<f32>()
            / 2.0
    };
    // User's left = image +x.
    let user_left_x = mean([Target::TopLeft, Target::BottomLeft], |c| c.1);
    let user_right_x = mean([Target::TopRight, Target::BottomRight], |c| c.1);
    let top_y = mean([Target::TopLeft, Target::TopRight], |c| c.2);
    let bottom_y = mean([Target::BottomLeft, Target::BottomRight], |c| c.2);
    // Targets sit slightly inside the corners: extend to the edge.
    let kx = 0.5 / (0.5 - Target::TopLeft.position().0);
    let ky = 0.5 / (0.5 - Target::TopLeft.position().1);
    Some(Calibration {
        centre: Gaze {
            x_deg: cx,
            y_deg: cy,
        },
        // "left"/"right" here are image directions: -x and +x.
        left_deg: ((cx - user_right_x) * kx).max(MIN_HALF_DEG),
        right_deg: ((user_left_x - cx) * kx).max(MIN_HALF_DEG),
        up_deg: ((cy - top_y) * ky).max(MIN_HALF_DEG),
        down_deg: ((bottom_y - cy) * ky).max(MIN_HALF_DEG),
        measured: true,
    })
}

/// Inside this share of the half-screen the gaze counts as centre; beyond the edge by
/// this factor, as away.
pub const CENTRE_LIMIT: f32 = 0.55;
pub const AWAY_LIMIT: f32 = 1.2;

impl Calibration {
    /// Gaze in screen half-widths: 0 at the centre, 1 at an edge.
    pub fn screen_distance(&self, g: &Gaze) -> f32 {
        let dx = g.x_deg - self.centre.x_deg;
        let dy = g.y_deg - self.centre.y_deg;
        let u = dx
            / if dx < 0.0 {
                self.left_deg
            } else {
                self.right_deg
            };
        let v = dy / if dy < 0.0 { self.up_deg } else { self.down_deg };
        u.abs().max(v.abs())
    }

    pub fn classify(&self, g: &Gaze) -> Focus {
        let r = self.screen_distance(g);
        if r <= CENTRE_LIMIT {
            Focus::Centre
        } else if r <= AWAY_LIMIT {
            Focus::Border
        } else {
            Focus::Away
        }
    }
}

/// A change of class is accepted once it has lasted this long (a blink or a missed
/// detection is shorter).
pub const DWELL_MS: f64 = 300.0;
pub const NO_FACE_DWELL_MS: f64 = 700.0;

/// Hysteresis over time: the reported class changes only after the new one has been seen
/// continuously for the dwell time.
#[derive(Clone, Debug, Default)]
pub struct FocusSmoother {
    current: Option<Focus>,
    candidate: Option<(Focus, f64)>,
}

impl FocusSmoother {
    pub fn update(&mut self, raw: Focus, t_ms: f64) -> Focus {
        let Some(cur) = self.current else {
            self.current = Some(raw);
            return raw;
        };
        if raw == cur {
            self.candidate = None;
            return cur;
        }
        let since = match self.candidate {
            Some((c, since)) if c == raw => since,
            _ => {
                self.candidate = Some((raw, t_ms));
                t_ms
            }
        };
        let dwell = if raw == Focus::NoFace {
            NO_FACE_DWELL_MS
        } else {
            DWELL_MS
        };
        if t_ms - since >= dwell {
            self.current = Some(raw);
            self.candidate = None;
            raw
        } else {
            cur
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::pose::{gaze, head_pose, tests::synthetic_mesh};

    fn g(x: f32, y: f32) -> Gaze {
        Gaze { x_deg: x, y_deg: y }
    }

    #[test]
    fn focus_class_from_synthetic_head_poses() {
        // Uncalibrated default: +-14 deg wide, +-9 high, centre at DEFAULT_CENTRE_PITCH_DEG.
        let cal = Calibration::default();
        let c = DEFAULT_CENTRE_PITCH_DEG;
        let cases = [
            (0.0, c, Focus::Centre),
            (5.0, c + 3.0, Focus::Centre),
            (-7.0, c, Focus::Centre),
            (11.0, c, Focus::Border),
            (-13.0, c - 5.0, Focus::Border),
            (0.0, c + 8.0, Focus::Border),
            (25.0, c, Focus::Away),
            (-30.0, c, Focus::Away),
            (0.0, c - 20.0, Focus::Away),
            (0.0, c + 25.0, Focus::Away),
        ];
        for (yaw, pitch, want) in cases {
            let pose = head_pose(&synthetic_mesh(yaw, pitch, 0.0));
            let got = cal.classify(&gaze(&pose, &[]));
            assert_eq!(got, want, "yaw {yaw} pitch {pitch}");
        }
    }

    #[test]
    fn calibration_from_targets_sets_centre_and_edges() {
        let mut s = Vec::new();
        for i in 0..9 {
            let n = (i as f32 - 4.0) * 0.1;
            s.push((Target::Centre, g(2.0 + n, 5.0)));
            s.push((Target::TopLeft, g(12.0, -2.0 + n)));
            s.push((Target::BottomLeft, g(12.0, 12.0)));
            s.push((Target::TopRight, g(-8.0, -2.0)));
            s.push((Target::BottomRight, g(-8.0, 12.0)));
        }
        // One wild glance does not move the median.
        s.push((Target::Centre, g(60.0, 60.0)));
        let cal = calibrate(&s).unwrap();
        assert!(cal.measured);
        assert!((cal.centre.x_deg - 2.0).abs() < 0.15 && (cal.centre.y_deg - 5.0).abs() < 1e-4);
        // Corner targets at 6%/8% from the edges: half-width = offset / 0.44 * 0.5.
        assert!((cal.right_deg - 10.0 * 0.5 / 0.44).abs() < 0.3, "{cal:?}");
        assert!((cal.left_deg - 10.0 * 0.5 / 0.44).abs() < 0.3);
        assert!((cal.up_deg - 7.0 * 0.5 / 0.42).abs() < 0.1);
        assert_eq!(cal.classify(&g(2.0, 5.0)), Focus::Centre);
        assert_eq!(cal.classify(&g(12.0, 5.0)), Focus::Border);
        assert_eq!(cal.classify(&g(40.0, 5.0)), Focus::Away);
        assert!(calibrate(&s[..3]).is_none());
    }

    #[test]
    fn calibration_never_collapses() {
        let s: Vec<_> = Target::ALL.iter().map(|t| (*t, g(0.0, 0.0))).collect();
        let cal = calibrate(&s).unwrap();
        assert_eq!(cal.left_deg, MIN_HALF_DEG);
        assert_eq!(cal.classify(&g(1.0, 1.0)), Focus::Centre);
    }

    #[test]
    fn smoother_ignores_short_flicker_and_follows_lasting_change() {
        let mut s = FocusSmoother::default();
        assert_eq!(s.update(Focus::Centre, 0.0), Focus::Centre);
        // A 100 ms glance and a 400 ms detection gap do not change the class.
        assert_eq!(s.update(Focus::Away, 100.0), Focus::Centre);
        assert_eq!(s.update(Focus::Centre, 200.0), Focus::Centre);
        assert_eq!(s.update(Focus::NoFace, 300.0), Focus::Centre);
        assert_eq!(s.update(Focus::NoFace, 700.0), Focus::Centre);
        assert_eq!(s.update(Focus::Centre, 800.0), Focus::Centre);
        // A lasting look away switches after the dwell time.
        assert_eq!(s.update(Focus::Away, 1000.0), Focus::Centre);
        assert_eq!(s.update(Focus::Away, 1200.0), Focus::Centre);
        assert_eq!(s.update(Focus::Away, 1300.0), Focus::Away);
        // Alternating frames never switch.
        for i in 0..10 {
            let f = if i % 2 == 0 {
                Focus::Border
            } else {
                Focus::Away
            };
            assert_eq!(s.update(f, 1400.0 + i as f64 * 100.0), Focus::Away);
        }
    }
}

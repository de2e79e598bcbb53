//! Human-readable formatting shared by pages.

// Reads stored and imported data: no index, slice or narrowing cast that data can break
// (issue 20); each one left carries an `allow` with its reason.
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )
)]

/// `m:ss` for a duration in milliseconds (negative clamps to 0).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a finite positive number of seconds: the cast saturates, never wraps"
)]
pub fn mmss(ms: f64) -> String {
    let s = if ms.is_finite() && ms > 0.0 {
        (ms / 1000.0).floor() as u64
    } else {
        0
    };
    format!("{}:{:02}", s / 60, s % 60)
}

/// Bytes as B / KB / MB / GB (powers of 1024, one decimal above KB).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "below 1024 and not negative (NaN.max(0) is 0) where it is cast"
)]
pub fn bytes(n: f64) -> String {
    let n = n.max(0.0);
    if n < 1024.0 {
        format!("{} B", n as u64)
    } else if n < 1024.0 * 1024.0 {
        format!("{:.0} KB", n / 1024.0)
    } else if n < 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} MB", n / (1024.0 * 1024.0))
    } else {
        format!("{:.2} GB", n / (1024.0 * 1024.0 * 1024.0))
    }
}

/// A share 0..1 as a whole percentage.
pub fn pct(v: f32) -> String {
    format!("{:.0}%", v * 100.0)
}

/// The expressions that took at least 5% of the time, largest first ("neutral 60%,
/// happy 30%"), or "–" when none did.
pub fn expression_shares(e: &[f32; 7]) -> String {
    let mut v: Vec<(usize, f32)> = e
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, p)| *p >= 0.05)
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    if v.is_empty() {
        return "–".into();
    }
    v.iter()
        .filter_map(|(k, p)| Some(format!("{} {}", crate::face::EXPRESSIONS.get(*k)?, pct(*p))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A UTC-independent date label from epoch milliseconds and the local offset in minutes
/// (as `Date.getTimezoneOffset()` gives it: minutes *behind* UTC).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "days and minutes of a date already checked to lie in years 0 to 9999"
)]
pub fn date_time(epoch_ms: f64, tz_offset_min: f64) -> String {
    let local = epoch_ms - tz_offset_min * 60_000.0;
    // Years 0 to 9999 only: the calendar arithmetic below overflows far outside them, and
    // a record dated there is damaged (the bounds refuse it).
    if !local.is_finite() || !(-62_167_219_200_000.0..253_402_300_800_000.0).contains(&local) {
        return "unknown date".into();
    }
    let days = (local / 86_400_000.0).floor() as i64;
    let ms_of_day = local - days as f64 * 86_400_000.0;
    let (y, m, d) = civil_from_days(days);
    let mins = (ms_of_day / 60_000.0).floor() as i64;
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", mins / 60, mins % 60)
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's algorithm.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "Hinnant's algorithm: every intermediate is non-negative and small for years 0 to 9999, the only dates date_time passes in"
)]
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i64 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_percentages() {
        assert_eq!(pct(0.456), "46%");
        assert_eq!(
            expression_shares(&[0.6, 0.0, 0.0, 0.3, 0.04, 0.0, 0.06]),
            format!(
                "{} 60%, {} 30%, {} 6%",
                crate::face::EXPRESSIONS[0],
                crate::face::EXPRESSIONS[3],
                crate::face::EXPRESSIONS[6]
            )
        );
        assert_eq!(expression_shares(&[0.0; 7]), "–");
    }

    #[test]
    fn mmss_formats() {
        assert_eq!(mmss(0.0), "0:00");
        assert_eq!(mmss(59_999.0), "0:59");
        assert_eq!(mmss(61_000.0), "1:01");
        assert_eq!(mmss(3_600_000.0), "60:00");
        assert_eq!(mmss(-5.0), "0:00");
        assert_eq!(mmss(f64::INFINITY), "0:00");
    }

    #[test]
    fn bytes_formats() {
        assert_eq!(bytes(10.0), "10 B");
        assert_eq!(bytes(2048.0), "2 KB");
        assert_eq!(bytes(5.5 * 1024.0 * 1024.0), "5.5 MB");
        assert_eq!(bytes(3.0 * 1024.0 * 1024.0 * 1024.0), "3.00 GB");
    }

    #[test]
    fn dates() {
        assert_eq!(date_time(0.0, 0.0), "1970-01-01 00:00");
        // 2026-11-25 02:17 UTC
        assert_eq!(date_time(1_795_573_020_000.0, 0.0), "2026-11-25 02:17");
        // UTC+1 (offset -60)
        assert_eq!(date_time(1_795_573_020_000.0, -60.0), "2026-11-25 03:17");
        assert_eq!(date_time(951_782_400_000.0, 0.0), "2000-02-29 00:00");
        for bad in [-8.64e15, 1e308, f64::NAN, f64::INFINITY] {
            assert_eq!(date_time(bad, 0.0), "unknown date");
        }
        assert_eq!(date_time(1e12, f64::NAN), "unknown date");
    }
}

//! Per-row figures for the Resources view: capacity, load now and ahead, and a 12-week trend.

use super::dates::{DateRange, add_days, week_start};
use super::load::{LoadLevel, load_level, utilization_pct};
use super::workspace::{RowKey, Workspace};
use chrono::NaiveDate;

/// Weeks in the load trend.
pub const TREND_WEEKS: usize = 12;

#[derive(Clone, Debug, PartialEq)]
pub struct RowStats {
    /// Capacity this week, in minutes (holidays and time off removed).
    pub capacity: u64,
    pub this_week: u64,
    /// Allocated over the next four weeks after this one.
    pub next_4_weeks: u64,
    pub capacity_next_4_weeks: u64,
    /// Utilization this week, if there is capacity to measure against.
    pub utilization: Option<u64>,
    pub level: LoadLevel,
    /// (load, capacity) for this week and the 11 after it.
    pub trend: [(u64, u64); TREND_WEEKS],
}

pub fn row_stats(ws: &Workspace, key: &RowKey, today: NaiveDate) -> RowStats {
    let monday = week_start(today);
    let view = ws.row_view(key);
    let mut trend = [(0, 0); TREND_WEEKS];
    for (i, slot) in trend.iter_mut().enumerate() {
        let start = add_days(monday, 7 * i as i64);
        let week = DateRange::new(start, add_days(start, 6));
        *slot = (view.load_in(week), view.capacity_in(week));
    }
    let (this_week, capacity) = trend[0];
    let next_4_weeks = trend[1..5].iter().map(|t| t.0).sum();
    let capacity_next_4_weeks = trend[1..5].iter().map(|t| t.1).sum();
    RowStats {
        capacity,
        this_week,
        next_4_weeks,
        capacity_next_4_weeks,
        utilization: utilization_pct(this_week, capacity),
        level: load_level(this_week, capacity),
        trend,
    }
}

/// One character per week, eighth-height bars of load against capacity; '!' marks a week over.
pub fn sparkline(trend: &[(u64, u64)]) -> String {
    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    trend
        .iter()
        .map(|&(load, cap)| match load_level(load, cap) {
            LoadLevel::Free => '·',
            LoadLevel::Over => '!',
            _ => BARS[(load * 8).div_ceil(cap).clamp(1, 8) as usize],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_to_capacity_and_marks_over() {
        let s = sparkline(&[
            (0, 2400),
            (300, 2400),
            (1200, 2400),
            (2400, 2400),
            (2500, 2400),
            (10, 0),
        ]);
        assert_eq!(s, "·▁▄█!!");
    }
}

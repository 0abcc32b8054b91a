//! Calendar dates, 年度 (fiscal year) and 和暦 (Japanese era) display (SPEC X2). No clock: dates come in.
//!
//! ```
//! use ishi_calendar::CalendarDate;
//! let d = CalendarDate::parse("2025-03-31").unwrap();
//! assert_eq!(d.fiscal_year(), 2024);
//! assert_eq!(d.add_years(1).to_string(), "2026-03-31");
//! assert_eq!(CalendarDate::fiscal_year_start(2020).to_string(), "2020-04-01");
//! ```

use std::fmt;

/// A date of the Gregorian calendar, validated. `Ord` is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    year: i32,
    month: u8,
    day: u8,
}

impl CalendarDate {
    /// A date, or `None` when it is not on the calendar (2023-02-29, month 13 …).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD` (also `YYYY/MM/DD`).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split(['-', '/']);
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        Self::new(year, month, day)
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// The same day `years` later (29 February becomes 28 February in a common year).
    pub fn add_years(self, years: i32) -> Self {
        let year = self.year + years;
        let day = self.day.min(days_in_month(year, self.month));
        Self { year, month: self.month, day }
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: CalendarDate) -> i64 {
        later.day_number() - self.day_number()
    }

    /// The date `days` days after 1970-01-01 (for turning a clock reading, taken at the edges, into a date).
    pub fn from_days_since_epoch(days: i64) -> Self {
        // H. Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + if month <= 2 { 1 } else { 0 }) as i32;
        Self { year, month, day }
    }

    /// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's days_from_civil).
    pub fn day_number(self) -> i64 {
        let y = self.year as i64 - if self.month <= 2 { 1 } else { 0 };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// 1 April of fiscal year `fy`, its first day.
    pub fn fiscal_year_start(fy: i32) -> Self {
        Self { year: fy, month: 4, day: 1 }
    }

    /// 31 March of the year after `fy`, the last day of fiscal year `fy`.
    pub fn fiscal_year_end(fy: i32) -> Self {
        Self { year: fy + 1, month: 3, day: 31 }
    }

    /// 年度 (fiscal year, April–March): 2025-03-31 is in FY2024.
    pub fn fiscal_year(self) -> i32 {
        if self.month >= 4 { self.year } else { self.year - 1 }
    }

    /// 和暦 display, e.g. `令和8年11月21日` (元年 for the first year of an era).
    pub fn wareki(self) -> String {
        const ERAS: [(&str, (i32, u8, u8)); 4] =
            [("令和", (2019, 5, 1)), ("平成", (1989, 1, 8)), ("昭和", (1926, 12, 25)), ("大正", (1912, 7, 30))];
        let key = (self.year, self.month, self.day);
        for (name, start) in ERAS {
            if key >= start {
                let n = self.year - start.0 + 1;
                let y = if n == 1 { "元".to_string() } else { n.to_string() };
                return format!("{name}{y}年{}月{}日", self.month, self.day);
            }
        }
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x2_dates_off_the_calendar_are_refused() {
        assert!(CalendarDate::parse("2023-02-29").is_none());
        assert!(CalendarDate::parse("2024-02-29").is_some());
        assert!(CalendarDate::parse("1900-02-29").is_none());
        assert!(CalendarDate::parse("2024-13-01").is_none());
        assert!(CalendarDate::parse("2024-04-31").is_none());
        assert!(CalendarDate::parse("2024-04").is_none());
    }

    #[test]
    fn x2_fiscal_year_runs_april_to_march() {
        assert_eq!(CalendarDate::parse("2025-03-31").unwrap().fiscal_year(), 2024);
        assert_eq!(CalendarDate::parse("2025-04-01").unwrap().fiscal_year(), 2025);
    }

    #[test]
    fn x2_adding_years_keeps_the_day_or_the_month_end() {
        assert_eq!(CalendarDate::parse("2024-02-29").unwrap().add_years(1).to_string(), "2025-02-28");
        assert_eq!(CalendarDate::parse("2020-03-31").unwrap().add_years(5).to_string(), "2025-03-31");
        assert_eq!(CalendarDate::fiscal_year_end(2024).fiscal_year(), 2024);
        assert_eq!(CalendarDate::fiscal_year_start(2024).fiscal_year(), 2024);
    }

    #[test]
    fn x2_days_between_dates() {
        let d = |s| CalendarDate::parse(s).unwrap();
        assert_eq!(d("1970-01-01").day_number(), 0);
        assert_eq!(d("2024-02-28").days_until(d("2024-03-01")), 2);
        assert_eq!(d("2025-03-31").days_until(d("2024-03-31")), -365);
        assert_eq!(d("2000-01-01").days_until(d("2026-11-21")), 9821);
        for s in ["1970-01-01", "2000-02-29", "2026-11-21", "2100-03-01", "1900-12-31"] {
            assert_eq!(CalendarDate::from_days_since_epoch(d(s).day_number()), d(s));
        }
    }

    #[test]
    fn x2_wareki_display() {
        assert_eq!(CalendarDate::parse("2026-11-21").unwrap().wareki(), "令和8年11月21日");
        assert_eq!(CalendarDate::parse("2019-05-01").unwrap().wareki(), "令和元年5月1日");
        assert_eq!(CalendarDate::parse("2019-04-30").unwrap().wareki(), "平成31年4月30日");
    }
}

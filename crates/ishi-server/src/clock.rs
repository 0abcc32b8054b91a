//! The clock, read here at the edge and handed to everything else: the engines get a date, the store
//! gets a timestamp. Tests use a fixed clock.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ishi_calendar::CalendarDate;

/// Where "now" comes from.
pub trait Clock: Send + Sync + 'static {
    /// Seconds since the Unix epoch.
    fn unix_seconds(&self) -> u64;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix_seconds(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
    }
}

/// A clock that always says the same time (tests, reproducible screenshots).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn unix_seconds(&self) -> u64 {
        self.0
    }
}

pub type SharedClock = Arc<dyn Clock>;

/// RFC 3339 UTC with seconds: `2026-11-21T03:04:05Z` (sorts as text).
pub fn rfc3339(unix_seconds: u64) -> String {
    let date = CalendarDate::from_days_since_epoch((unix_seconds / 86_400) as i64);
    let s = unix_seconds % 86_400;
    format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// The date in Japan (UTC+9): the society's and the ministry's deadlines are Japanese dates.
pub fn japan_date(unix_seconds: u64) -> CalendarDate {
    CalendarDate::from_days_since_epoch(((unix_seconds + 9 * 3600) / 86_400) as i64)
}

/// The stored UTC timestamp shown in Japan time: `2026-11-21 12:04`.
pub fn japan_display(rfc3339_utc: &str) -> String {
    parse_rfc3339(rfc3339_utc).map_or_else(
        || rfc3339_utc.to_string(),
        |secs| {
            let jst = secs + 9 * 3600;
            let date = CalendarDate::from_days_since_epoch((jst / 86_400) as i64);
            let s = jst % 86_400;
            format!("{date} {:02}:{:02}", s / 3600, s / 60 % 60)
        },
    )
}

/// The date in Japan of a stored UTC timestamp.
pub fn japan_date_of(rfc3339_utc: &str) -> Option<CalendarDate> {
    parse_rfc3339(rfc3339_utc).map(japan_date)
}

fn parse_rfc3339(text: &str) -> Option<u64> {
    let (date, time) = text.strip_suffix('Z')?.split_once('T')?;
    let days = CalendarDate::parse(date)?.day_number();
    let mut parts = time.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    Some(u64::try_from(days).ok()? * 86_400 + h * 3600 + m * 60 + s)
}

/// `now + d` as RFC 3339.
pub fn later(unix_seconds: u64, d: Duration) -> String {
    rfc3339(unix_seconds + d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_and_shown_in_japan_time() {
        // 2026-11-21T15:30:00Z is 2026-11-22 00:30 in Japan.
        let t = 1_795_275_000;
        assert_eq!(rfc3339(t), "2026-11-21T15:30:00Z");
        assert_eq!(japan_date(t).to_string(), "2026-11-22");
        assert_eq!(japan_display("2026-11-21T15:30:00Z"), "2026-11-22 00:30");
        assert_eq!(japan_display("not a time"), "not a time");
        assert_eq!(japan_date_of("2026-11-21T15:30:00Z").unwrap().to_string(), "2026-11-22");
        assert_eq!(japan_date_of("2026-11-21T14:59:59Z").unwrap().to_string(), "2026-11-21");
    }
}

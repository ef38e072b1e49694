//! Wall-clock parsing and formatting (RFC 3339), on `chrono`: no hand-written byte slicing, so
//! no input can panic here.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// Seconds since the epoch now (0 if the clock is before 1970).
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Now as RFC 3339 UTC with milliseconds (`2026-11-28T00:31:58.710Z`).
pub fn now_rfc3339() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(since.as_secs()).unwrap_or(0);
    rfc3339(secs, since.subsec_millis()).unwrap_or_else(|| "1970-01-01T00:00:00.000Z".into())
}

/// Formats seconds since the epoch (plus milliseconds, at most 999) as RFC 3339 UTC; `None` when
/// the instant is outside what a calendar date can name (about ±262,000 years).
pub fn rfc3339(secs: i64, millis: u32) -> Option<String> {
    DateTime::<Utc>::from_timestamp(secs, millis.min(999) * 1_000_000)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// Parses an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`; `t`, `z` and a space for
/// `T` are accepted, as RFC 3339 allows) to seconds since the epoch. A leap second (`:60`) counts
/// as the second before it. `None` for anything else, including a missing offset.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp())
}

/// A time as the store keeps it (SQLite's `CURRENT_TIMESTAMP` form `YYYY-MM-DD HH:MM:SS[.fff]`,
/// which is UTC) as RFC 3339 UTC with milliseconds (`2026-11-28T00:31:58.000Z`). A value already
/// in RFC 3339 is normalised the same way. Anything else (only a hand-edited database holds
/// such values) is logged and shown as absent, so no response carries a time that is not RFC 3339.
pub fn stored_to_rfc3339(stored: &str) -> Option<String> {
    let utc = NaiveDateTime::parse_from_str(stored, "%Y-%m-%d %H:%M:%S%.f")
        .map(|naive| naive.and_utc())
        .or_else(|_| DateTime::parse_from_rfc3339(stored).map(|t| t.with_timezone(&Utc)));
    match utc {
        Ok(t) => Some(t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        Err(_) => {
            tracing::warn!(
                value = stored,
                "stored time is not a SQLite or RFC 3339 timestamp"
            );
            None
        }
    }
}

/// [`stored_to_rfc3339`] for an optional column.
pub fn stored(value: Option<String>) -> Option<String> {
    value.as_deref().and_then(stored_to_rfc3339)
}

#[cfg(test)]
mod tests {
    use super::{parse_rfc3339, rfc3339, stored_to_rfc3339};

    #[test]
    fn converts_stored_times() {
        assert_eq!(
            stored_to_rfc3339("2026-11-28 00:31:58").as_deref(),
            Some("2026-11-28T00:31:58.000Z")
        );
        assert_eq!(
            stored_to_rfc3339("2026-11-28 00:31:58.71").as_deref(),
            Some("2026-11-28T00:31:58.710Z")
        );
        assert_eq!(
            stored_to_rfc3339("2026-11-28T02:31:58+02:00").as_deref(),
            Some("2026-11-28T00:31:58.000Z")
        );
        assert_eq!(stored_to_rfc3339("2026-11-28"), None);
        assert_eq!(stored_to_rfc3339("yesterday"), None);
        assert_eq!(stored_to_rfc3339("2026-02-30 00:00:00"), None);
    }

    #[test]
    fn parses_rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2026-11-28T00:31:58.710Z"),
            Some(1_795_825_918)
        );
        assert_eq!(
            parse_rfc3339("2026-11-28T02:31:58+02:00"),
            Some(1_795_825_918)
        );
        assert_eq!(parse_rfc3339("2026-11-28t00:31:58z"), Some(1_795_825_918));
        assert_eq!(
            parse_rfc3339("2016-12-31T23:59:60Z"),
            parse_rfc3339("2016-12-31T23:59:59Z")
        );
        assert_eq!(parse_rfc3339("2027-02-31T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2027-01-01"), None);
        assert_eq!(parse_rfc3339("2027-01-01T00:00:00"), None);
        assert_eq!(parse_rfc3339("2027-01-01T00:00:00Zjunk"), None);
        assert_eq!(parse_rfc3339("2027-01-01T00:00:00+1é00"), None);
        assert_eq!(parse_rfc3339("2027-01-01T00:00:00+24:00"), None);
        assert_eq!(parse_rfc3339("99999-01-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2027-01-01T24:00:00Z"), None);
    }

    #[test]
    fn never_panics_on_multibyte_input() {
        let base = "2027-01-01T00:00:00+01:00";
        for at in 0..=base.len() {
            for insert in ["é", "€", "😀"] {
                let mut text = base.to_string();
                text.insert_str(at, insert);
                assert_eq!(parse_rfc3339(&text), None, "{text}");
                let mut replaced = base.to_string();
                if at < base.len() {
                    replaced.replace_range(at..at + 1, insert);
                    assert_eq!(parse_rfc3339(&replaced), None, "{replaced}");
                }
            }
        }
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0, 0).unwrap(), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 5).unwrap(), "2000-02-29T00:00:00.005Z");
        assert_eq!(
            rfc3339(1_795_825_918, 710).unwrap(),
            "2026-11-28T00:31:58.710Z"
        );
        assert_eq!(rfc3339(-1, 0).unwrap(), "1969-12-31T23:59:59.000Z");
        assert_eq!(rfc3339(i64::MAX, 0), None);
    }
}

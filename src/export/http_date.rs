//! HTTP dates ([RFC 9110 §5.6.7](https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7)),
//! for a `Retry-After` given as a date rather than seconds
//! ([RFC 9110 §10.2.3](https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3)).
//!
//! ```text
//! HTTP-date    = IMF-fixdate / obs-date
//! IMF-fixdate  = day-name "," SP date1 SP time-of-day SP GMT
//!              ; Sun, 06 Nov 1994 08:49:37 GMT
//! date1        = day SP month SP year            ; 2DIGIT SP month SP 4DIGIT
//! rfc850-date  = day-name-l "," SP date2 SP time-of-day SP GMT
//!              ; Sunday, 06-Nov-94 08:49:37 GMT
//! date2        = day "-" month "-" 2DIGIT
//! asctime-date = day-name SP date3 SP time-of-day SP year
//!              ; Sun Nov  6 08:49:37 1994
//! date3        = month SP ( 2DIGIT / ( SP DIGIT ) )
//! time-of-day  = hour ":" minute ":" second      ; 00-23, 00-59, 00-60
//! ```
//!
//! Recipients must accept all three forms. The names are case-sensitive,
//! as the grammar says. The day name is checked to be one but not against
//! the date. A two-digit year more than 50 years ahead is taken as the most
//! recent year in the past with those digits, as §5.6.7 requires.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Why a value is not an HTTP-date: what was wrong and at which byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BadDate {
    pub(crate) what: &'static str,
    pub(crate) offset: usize,
}

/// A cursor over the value.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn bad(&self, what: &'static str) -> BadDate {
        BadDate {
            what,
            offset: self.at,
        }
    }

    fn literal(&mut self, expected: &str, what: &'static str) -> Result<(), BadDate> {
        if self.text[self.at..].starts_with(expected.as_bytes()) {
            self.at += expected.len();
            Ok(())
        } else {
            Err(self.bad(what))
        }
    }

    /// Which of `names` (none a prefix of another) comes next.
    fn name(&mut self, names: &[&str], what: &'static str) -> Result<usize, BadDate> {
        let rest = &self.text[self.at..];
        let found = names
            .iter()
            .enumerate()
            .find(|(_, n)| rest.starts_with(n.as_bytes()));
        let (i, n) = found.ok_or_else(|| self.bad(what))?;
        self.at += n.len();
        Ok(i)
    }

    /// Exactly `count` digits.
    fn digits(&mut self, count: usize, what: &'static str) -> Result<u32, BadDate> {
        let field = self
            .text
            .get(self.at..self.at + count)
            .filter(|f| f.iter().all(u8::is_ascii_digit))
            .ok_or_else(|| self.bad(what))?;
        self.at += count;
        Ok(field.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    }

    /// `hour ":" minute ":" second`, in seconds since midnight.
    fn time_of_day(&mut self) -> Result<u64, BadDate> {
        let at = self.at;
        let hour = self.digits(2, "expected a two-digit hour")?;
        self.literal(":", "expected a colon after the hour")?;
        let minute = self.digits(2, "expected two-digit minutes")?;
        self.literal(":", "expected a colon after the minutes")?;
        // 60: a leap second.
        let second = self.digits(2, "expected two-digit seconds")?;
        if hour > 23 || minute > 59 || second > 60 {
            return Err(BadDate {
                what: "a time of day out of range",
                offset: at,
            });
        }
        Ok(u64::from(hour * 3600 + minute * 60 + second))
    }

    fn end(&self) -> Result<(), BadDate> {
        if self.at == self.text.len() {
            Ok(())
        } else {
            Err(self.bad("text after the date"))
        }
    }
}

/// Days from 1970-01-01 to `year-month-day` (proleptic Gregorian), or an
/// error when the day does not exist in that month.
fn days_since_epoch(year: u32, month: u32, day: u32, offset: usize) -> Result<i64, BadDate> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let length = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > length {
        return Err(BadDate {
            what: "a day the month does not have",
            offset,
        });
    }
    // Howard Hinnant's days_from_civil, with March as the first month.
    let (y, m, d) = (i64::from(year), i64::from(month), i64::from(day));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Ok(era * 146_097 + day_of_era - 719_468)
}

/// The year `now` falls in (UTC), for two-digit years.
fn current_year(now: SystemTime) -> u32 {
    let days = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    // Good to the day, which is all a 50-year window needs.
    1970 + (days * 400 / 146_097) as u32
}

/// Parses an HTTP-date in any of its three forms; returns seconds since the
/// Unix epoch (negative before 1970).
pub(crate) fn parse_http_date(value: &str, now: SystemTime) -> Result<i64, BadDate> {
    let mut c = Cursor {
        text: value.as_bytes(),
        at: 0,
    };
    let rfc850 = LONG_DAY_NAMES
        .iter()
        .any(|n| value.as_bytes().starts_with(n.as_bytes()));
    let (year, month, day, time) = if rfc850 {
        c.name(&LONG_DAY_NAMES, "expected a day name")?;
        c.literal(", ", "expected a comma and a space after the day name")?;
        let day = c.digits(2, "expected a two-digit day")?;
        c.literal("-", "expected a dash after the day")?;
        let month = c.name(&MONTHS, "expected a month name")? as u32 + 1;
        c.literal("-", "expected a dash after the month")?;
        let two_digits = c.digits(2, "expected a two-digit year")?;
        c.literal(" ", "expected a space after the year")?;
        let time = c.time_of_day()?;
        c.literal(" GMT", "expected GMT")?;
        let this_year = current_year(now);
        let mut year = this_year / 100 * 100 + two_digits;
        if year > this_year + 50 {
            year -= 100;
        }
        (year, month, day, time)
    } else {
        c.name(&DAY_NAMES, "expected a day name")?;
        if c.text[c.at..].starts_with(b",") {
            // IMF-fixdate.
            c.literal(", ", "expected a space after the comma")?;
            let day = c.digits(2, "expected a two-digit day")?;
            c.literal(" ", "expected a space after the day")?;
            let month = c.name(&MONTHS, "expected a month name")? as u32 + 1;
            c.literal(" ", "expected a space after the month")?;
            let year = c.digits(4, "expected a four-digit year")?;
            c.literal(" ", "expected a space after the year")?;
            let time = c.time_of_day()?;
            c.literal(" GMT", "expected GMT")?;
            (year, month, day, time)
        } else {
            // asctime-date.
            c.literal(" ", "expected a comma or a space after the day name")?;
            let month = c.name(&MONTHS, "expected a month name")? as u32 + 1;
            c.literal(" ", "expected a space after the month")?;
            let day = if c.text[c.at..].starts_with(b" ") {
                c.at += 1;
                c.digits(1, "expected a day")?
            } else {
                c.digits(2, "expected a day")?
            };
            c.literal(" ", "expected a space after the day")?;
            let time = c.time_of_day()?;
            c.literal(" ", "expected a space after the time")?;
            let year = c.digits(4, "expected a four-digit year")?;
            (year, month, day, time)
        }
    };
    c.end()?;
    let days = days_since_epoch(year, month, day, 0)?;
    Ok(days * 86_400 + time as i64)
}

/// How long from `now` until the HTTP-date `value`: zero for a date in the
/// past.
pub(crate) fn until_http_date(value: &str, now: SystemTime) -> Result<Duration, BadDate> {
    let at = parse_http_date(value, now)?;
    let then = UNIX_EPOCH + Duration::from_secs(at.max(0) as u64);
    Ok(then.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::{parse_http_date, until_http_date};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    /// 2026-06-01T00:00:00Z.
    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_780_272_000)
    }

    #[test]
    fn the_three_forms_of_rfc_9110_give_the_same_instant() {
        // 784111777 is 1994-11-06T08:49:37Z, RFC 9110's example.
        for value in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(value, now()), Ok(784_111_777), "{value}");
        }
        assert_eq!(
            parse_http_date("Fri, 31 Dec 1999 23:59:59 GMT", now()),
            Ok(946_684_799)
        );
        assert_eq!(
            parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT", now()),
            Ok(0)
        );
        assert_eq!(
            parse_http_date("Tue Feb 29 12:00:00 2000", now()),
            Ok(951_825_600)
        );
        // A leap second is accepted.
        assert_eq!(
            parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT", now()),
            Ok(1_483_228_800)
        );
        assert_eq!(
            parse_http_date("Mon, 01 Jan 1900 00:00:00 GMT", now()),
            Ok(-2_208_988_800)
        );
    }

    #[test]
    fn two_digit_years_more_than_50_years_ahead_are_in_the_past() {
        // In 2026: 76 is 2076 (50 years ahead), 77 is 1977.
        assert_eq!(
            parse_http_date("Sunday, 01-Jan-76 00:00:00 GMT", now()),
            parse_http_date("Wed, 01 Jan 2076 00:00:00 GMT", now())
        );
        assert_eq!(
            parse_http_date("Saturday, 01-Jan-77 00:00:00 GMT", now()),
            parse_http_date("Sat, 01 Jan 1977 00:00:00 GMT", now())
        );
        assert_eq!(
            parse_http_date("Monday, 01-Jun-26 00:00:00 GMT", now()),
            Ok(1_780_272_000)
        );
    }

    #[test]
    fn invalid_dates_are_errors_never_panics() {
        for value in [
            "",
            "Sun",
            "Sun,",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37 gmt",
            "sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            " Sun, 06 Nov 1994 08:49:37 GMT",
            "Sun,  06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMTX",
            "Sun, 0é Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sunday 06-Nov-94 08:49:37 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",
            "Sun Nov 6 08:49:37 1994",
            "Sun Nov  6 08:49:37 94",
            "Sun Nov 06 08:49:37 1994 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "120",
            "-1",
        ] {
            assert!(parse_http_date(value, now()).is_err(), "{value:?}");
        }
    }

    #[test]
    fn mutated_dates_never_panic() {
        let mut next = crate::export::test_rng(0x2545_F491_4F6C_DD1Du64);
        let valid = [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ];
        let alphabet = b"SMTWFadnuy, -:0123456789GMTNovFeb\xff";
        for _ in 0..20_000 {
            let mut date = valid[(next() % 3) as usize].as_bytes().to_vec();
            for _ in 0..1 + next() % 3 {
                let at = (next() % date.len() as u64) as usize;
                match next() % 3 {
                    0 => date[at] = alphabet[(next() % alphabet.len() as u64) as usize],
                    1 => date.truncate(at.max(1)),
                    _ => date.insert(at, alphabet[(next() % alphabet.len() as u64) as usize]),
                }
            }
            let text = String::from_utf8_lossy(&date);
            let _ = until_http_date(&text, now());
            let _ = until_http_date(&text, UNIX_EPOCH);
        }
    }

    #[test]
    fn a_past_date_waits_nothing_and_a_far_one_saturates_nowhere() {
        assert_eq!(
            until_http_date("Fri, 31 Dec 1999 23:59:59 GMT", now()),
            Ok(Duration::ZERO)
        );
        assert_eq!(
            until_http_date("Mon, 01 Jan 1900 00:00:00 GMT", now()),
            Ok(Duration::ZERO)
        );
        assert_eq!(
            until_http_date("Mon, 01 Jun 2026 00:00:10 GMT", now()),
            Ok(Duration::from_secs(10))
        );
        // The farthest date the grammar allows: about 7973 years, which the
        // exporter then clamps to its deadline like any other wait.
        let far = until_http_date("Fri, 31 Dec 9999 23:59:59 GMT", now()).unwrap();
        assert_eq!(far, Duration::from_secs(253_402_300_799 - 1_780_272_000));
        // Whatever the clock says.
        for now in [
            UNIX_EPOCH,
            UNIX_EPOCH + Duration::from_secs(u32::MAX.into()),
        ] {
            assert!(until_http_date("Sunday, 06-Nov-94 08:49:37 GMT", now).is_ok());
        }
    }
}

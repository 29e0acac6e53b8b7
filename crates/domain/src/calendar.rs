//! The business calendar: Czech public holidays computed by rule, Prague local time, and
//! arithmetic in business hours (for SLA deadlines).
//!
//! Holidays follow Act No. 245/2000 Coll.: fixed days plus Easter Monday, and Good Friday
//! since 2016. Easter Sunday comes from the Gregorian computus, so no year is hard-coded.
//! Prague time is CET/CEST by the EU rule (summer time from the last Sunday of March to the
//! last Sunday of October, switching at 01:00 UTC).

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc, Weekday,
};

/// Easter Sunday of `year` (Gregorian calendar; anonymous algorithm of Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// A Czech public holiday (a day off work).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    /// The day.
    pub date: NaiveDate,
    /// Its Czech name.
    pub name: &'static str,
}

const FIXED_HOLIDAYS: &[(u32, u32, &str)] = &[
    (1, 1, "Den obnovy samostatného českého státu"),
    (5, 1, "Svátek práce"),
    (5, 8, "Den vítězství"),
    (7, 5, "Den slovanských věrozvěstů Cyrila a Metoděje"),
    (7, 6, "Den upálení mistra Jana Husa"),
    (9, 28, "Den české státnosti"),
    (10, 28, "Den vzniku samostatného československého státu"),
    (11, 17, "Den boje za svobodu a demokracii"),
    (12, 24, "Štědrý den"),
    (12, 25, "1. svátek vánoční"),
    (12, 26, "2. svátek vánoční"),
];

/// Every Czech public holiday of `year`, in date order.
pub fn czech_holidays(year: i32) -> Vec<Holiday> {
    let mut days: Vec<Holiday> = FIXED_HOLIDAYS
        .iter()
        .filter_map(|&(month, day, name)| {
            NaiveDate::from_ymd_opt(year, month, day).map(|date| Holiday { date, name })
        })
        .collect();
    if let Some(easter) = easter_sunday(year) {
        if year >= 2016 {
            days.push(Holiday {
                date: easter - Duration::days(2),
                name: "Velký pátek",
            });
        }
        days.push(Holiday {
            date: easter + Duration::days(1),
            name: "Velikonoční pondělí",
        });
    }
    days.sort_by_key(|h| h.date);
    days
}

/// Whether `date` is a Czech public holiday.
pub fn is_czech_holiday(date: NaiveDate) -> bool {
    if FIXED_HOLIDAYS
        .iter()
        .any(|&(month, day, _)| date.month() == month && date.day() == day)
    {
        return true;
    }
    easter_sunday(date.year()).is_some_and(|easter| {
        date == easter + Duration::days(1)
            || (date.year() >= 2016 && date == easter - Duration::days(2))
    })
}

fn last_sunday_utc_one(year: i32, month: u32) -> Option<DateTime<Utc>> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = first_of_next - Duration::days(1);
    let back = i64::from(last.weekday().num_days_from_sunday());
    let sunday = last - Duration::days(back);
    Some(Utc.from_utc_datetime(&sunday.and_time(NaiveTime::from_hms_opt(1, 0, 0)?)))
}

/// The UTC offset of Prague at instant `at`: +02:00 in summer time, +01:00 otherwise.
pub fn prague_offset(at: DateTime<Utc>) -> FixedOffset {
    let summer = match (
        last_sunday_utc_one(at.year(), 3),
        last_sunday_utc_one(at.year(), 10),
    ) {
        (Some(start), Some(end)) => at >= start && at < end,
        _ => false,
    };
    let seconds = if summer { 7200 } else { 3600 };
    FixedOffset::east_opt(seconds).unwrap_or_else(|| Utc.fix())
}

/// Prague wall-clock time of `at`.
pub fn prague_time(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&prague_offset(at)).naive_local()
}

/// The instant of Prague wall-clock time `local`. In the skipped hour of spring the later
/// offset applies; in the repeated hour of autumn the earlier instant is taken.
pub fn from_prague_time(local: NaiveDateTime) -> DateTime<Utc> {
    let winter = local - Duration::hours(1);
    let summer = local - Duration::hours(2);
    let as_summer = Utc.from_utc_datetime(&summer);
    if prague_offset(as_summer).local_minus_utc() == 7200 {
        as_summer
    } else {
        Utc.from_utc_datetime(&winter)
    }
}

/// The first instant of `day` in Prague (a filter "from this day").
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    from_prague_time(day.and_time(chrono::NaiveTime::MIN))
}

/// The first instant after `day` in Prague (a filter "to this day", the day included).
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    start_of_day(day + Duration::days(1))
}

/// Working hours of a business calendar: Monday to Friday, except Czech public holidays,
/// from `opens` to `closes` Prague time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusinessHours {
    /// Start of the working day.
    pub opens: NaiveTime,
    /// End of the working day.
    pub closes: NaiveTime,
}

impl Default for BusinessHours {
    /// 8:00–16:30, the usual Czech office day.
    fn default() -> Self {
        BusinessHours {
            opens: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
            closes: NaiveTime::from_hms_opt(16, 30, 0).unwrap_or_default(),
        }
    }
}

impl BusinessHours {
    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_czech_holiday(date)
    }

    /// Business minutes of one working day.
    pub fn minutes_per_day(&self) -> i64 {
        (self.closes - self.opens).num_minutes().max(0)
    }

    /// The instant `minutes` business minutes after `start` (a deadline).
    pub fn add_business_minutes(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let mut remaining = minutes.max(0);
        let mut local = prague_time(start);
        // Bounded: more than enough days for any SLA (and for a calendar without working days).
        for _ in 0..(366 * 20) {
            let date = local.date();
            let open = date.and_time(self.opens);
            let close = date.and_time(self.closes);
            if self.is_working_day(date) && local < close {
                let from = local.max(open);
                let available = (close - from).num_minutes();
                if remaining <= available {
                    return from_prague_time(from + Duration::minutes(remaining));
                }
                remaining -= available;
            }
            local = (date + Duration::days(1)).and_time(NaiveTime::MIN);
        }
        from_prague_time(local)
    }

    /// Business minutes between `from` and `to` (0 when `to` is not after `from`).
    pub fn business_minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let start = prague_time(from);
        let end = prague_time(to);
        let mut total = 0;
        let mut date = start.date();
        while date <= end.date() {
            if self.is_working_day(date) {
                let open = date.and_time(self.opens).max(start);
                let close = date.and_time(self.closes).min(end);
                if close > open {
                    total += (close - open).num_minutes();
                }
            }
            date += Duration::days(1);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn prague(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
        from_prague_time(d(y, m, day).and_hms_opt(h, min, 0).unwrap())
    }

    #[test]
    fn easter_by_the_computus() {
        let known = [
            (2015, d(2015, 4, 5)),
            (2016, d(2016, 3, 27)),
            (2019, d(2019, 4, 21)),
            (2024, d(2024, 3, 31)),
            (2025, d(2025, 4, 20)),
            (2026, d(2026, 4, 5)),
            (2027, d(2027, 3, 28)),
            (2038, d(2038, 4, 25)),
        ];
        for (year, sunday) in known {
            assert_eq!(easter_sunday(year), Some(sunday), "{year}");
        }
    }

    #[test]
    fn czech_holidays_for_several_years() {
        let y2026 = czech_holidays(2026);
        assert_eq!(y2026.len(), 13);
        assert!(y2026.contains(&Holiday {
            date: d(2026, 4, 3),
            name: "Velký pátek"
        }));
        assert!(y2026.contains(&Holiday {
            date: d(2026, 4, 6),
            name: "Velikonoční pondělí"
        }));
        assert!(is_czech_holiday(d(2025, 4, 18)) && is_czech_holiday(d(2025, 4, 21)));
        assert!(is_czech_holiday(d(2024, 3, 29)) && is_czech_holiday(d(2024, 4, 1)));
        assert!(is_czech_holiday(d(2027, 3, 26)) && is_czech_holiday(d(2027, 3, 29)));
        assert!(
            !is_czech_holiday(d(2015, 4, 3)),
            "Good Friday is a holiday only since 2016"
        );
        assert!(is_czech_holiday(d(2015, 4, 6)));
        assert_eq!(czech_holidays(2015).len(), 12);
        for year in 2016..=2040 {
            let days = czech_holidays(year);
            assert_eq!(days.len(), 13, "{year}");
            assert!(days.iter().all(|h| is_czech_holiday(h.date)));
            assert!(
                days.windows(2).all(|w| w[0].date < w[1].date),
                "sorted, no duplicates"
            );
        }
        assert!(is_czech_holiday(d(2026, 11, 17)) && !is_czech_holiday(d(2026, 11, 18)));
    }

    #[test]
    fn prague_time_follows_summer_time() {
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
        assert_eq!(prague_offset(winter).local_minus_utc(), 3600);
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).unwrap();
        assert_eq!(prague_offset(summer).local_minus_utc(), 7200);
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        let before = Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(prague_offset(before).local_minus_utc(), 3600);
        assert_eq!(prague_offset(after).local_minus_utc(), 7200);
        assert_eq!(
            prague_offset(Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap()).local_minus_utc(),
            3600
        );
        let local = d(2026, 7, 1).and_hms_opt(9, 30, 0).unwrap();
        assert_eq!(prague_time(from_prague_time(local)), local);
        let local = d(2026, 12, 1).and_hms_opt(9, 30, 0).unwrap();
        assert_eq!(prague_time(from_prague_time(local)), local);
    }

    #[test]
    fn business_minutes_skip_nights_weekends_and_holidays() {
        let hours = BusinessHours::default();
        assert_eq!(hours.minutes_per_day(), 510);
        // Thursday 2 April 2026, 15:00 + 4 h: 1.5 h on Thursday, Good Friday and the weekend
        // and Easter Monday are off, so the deadline is Tuesday 7 April 10:30.
        let start = prague(2026, 4, 2, 15, 0);
        assert_eq!(
            hours.add_business_minutes(start, 240),
            prague(2026, 4, 7, 10, 30)
        );
        assert_eq!(
            hours.business_minutes_between(start, prague(2026, 4, 7, 10, 30)),
            240
        );
        // Saturday evening counts from Monday 8:00.
        let saturday = prague(2026, 11, 21, 20, 0);
        assert_eq!(
            hours.add_business_minutes(saturday, 60),
            prague(2026, 11, 23, 9, 0)
        );
        // A deadline landing exactly at closing time stays on that day.
        let morning = prague(2026, 11, 23, 8, 0);
        assert_eq!(
            hours.add_business_minutes(morning, 510),
            prague(2026, 11, 23, 16, 30)
        );
        assert_eq!(
            hours.add_business_minutes(morning, 511),
            prague(2026, 11, 24, 8, 1)
        );
        // Across the autumn clock change the wall-clock hours still count.
        let friday = prague(2026, 10, 23, 16, 0);
        assert_eq!(
            hours.add_business_minutes(friday, 60),
            prague(2026, 10, 26, 8, 30)
        );
        // Christmas: 23 Dec 16:00 + 1 h → 24, 25, 26 (Sat), 27 (Sun) off → Monday 28 Dec 8:30.
        assert_eq!(
            hours.add_business_minutes(prague(2026, 12, 23, 16, 0), 60),
            prague(2026, 12, 28, 8, 30)
        );
        assert_eq!(hours.business_minutes_between(morning, morning), 0);
    }
}

//! Public holidays in Germany as data: the federal one and those the Länder declare for their
//! whole territory, with the years they apply. § 193 BGB moves a deadline's end off them.
//!
//! Source: the Länder's holiday acts (Feiertagsgesetze) as collected in the table
//! "Gesetzliche Feiertage in Deutschland" of the Federal Ministry of the Interior (BMI), state
//! 2026; the Tag der Deutschen Einheit is federal law (Einigungsvertrag Art. 2 Abs. 2). Holidays
//! of single communities only (Fronleichnam in parts of Sachsen and Thüringen, Mariä Himmelfahrt
//! in Catholic communities of Bayern, the Augsburger Friedensfest) are not in the table: a Land's
//! entry names only days that hold everywhere in it. A change of a holiday act is one row here.
use crate::directory::{Date, Land};

/// When a holiday falls in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Every year on this day (month, day).
    Fixed(u32, u32),
    /// Days after Easter Sunday (negative: before).
    Easter(i32),
    /// The Wednesday before 23 November (Buß- und Bettag).
    WednesdayBefore23November,
}

/// Where a holiday holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lands {
    All,
    Only(&'static [Land]),
}

/// One row of the holiday table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub name: &'static str,
    pub when: When,
    pub lands: Lands,
    /// First and last year the row applies (inclusive).
    pub from_year: i32,
    pub until_year: i32,
}

use Land::*;

const OPEN: i32 = 9999;

/// The table (see the module comment for its source).
pub const HOLIDAYS: &[Holiday] = &[
    row("Neujahr", When::Fixed(1, 1), Lands::All, 1, OPEN),
    row(
        "Heilige Drei Könige",
        When::Fixed(1, 6),
        Lands::Only(&[BadenWuerttemberg, Bayern, SachsenAnhalt]),
        1,
        OPEN,
    ),
    row(
        "Internationaler Frauentag",
        When::Fixed(3, 8),
        Lands::Only(&[Berlin]),
        2019,
        OPEN,
    ),
    row(
        "Internationaler Frauentag",
        When::Fixed(3, 8),
        Lands::Only(&[MecklenburgVorpommern]),
        2023,
        OPEN,
    ),
    row("Karfreitag", When::Easter(-2), Lands::All, 1, OPEN),
    row("Ostermontag", When::Easter(1), Lands::All, 1, OPEN),
    row("Tag der Arbeit", When::Fixed(5, 1), Lands::All, 1, OPEN),
    // One-off: 75th and 80th anniversary of the end of the Second World War (Berlin).
    row(
        "Tag der Befreiung",
        When::Fixed(5, 8),
        Lands::Only(&[Berlin]),
        2020,
        2020,
    ),
    row(
        "Tag der Befreiung",
        When::Fixed(5, 8),
        Lands::Only(&[Berlin]),
        2025,
        2025,
    ),
    row("Christi Himmelfahrt", When::Easter(39), Lands::All, 1, OPEN),
    row("Pfingstmontag", When::Easter(50), Lands::All, 1, OPEN),
    row(
        "Fronleichnam",
        When::Easter(60),
        Lands::Only(&[
            BadenWuerttemberg,
            Bayern,
            Hessen,
            NordrheinWestfalen,
            RheinlandPfalz,
            Saarland,
        ]),
        1,
        OPEN,
    ),
    row(
        "Mariä Himmelfahrt",
        When::Fixed(8, 15),
        Lands::Only(&[Saarland]),
        1,
        OPEN,
    ),
    row(
        "Weltkindertag",
        When::Fixed(9, 20),
        Lands::Only(&[Thueringen]),
        2019,
        OPEN,
    ),
    row(
        "Tag der Deutschen Einheit",
        When::Fixed(10, 3),
        Lands::All,
        1990,
        OPEN,
    ),
    row(
        "Reformationstag",
        When::Fixed(10, 31),
        Lands::Only(&[
            Brandenburg,
            MecklenburgVorpommern,
            Sachsen,
            SachsenAnhalt,
            Thueringen,
        ]),
        1990,
        OPEN,
    ),
    // 500 years of the Reformation: once in every Land.
    row(
        "Reformationstag",
        When::Fixed(10, 31),
        Lands::All,
        2017,
        2017,
    ),
    row(
        "Reformationstag",
        When::Fixed(10, 31),
        Lands::Only(&[Bremen, Hamburg, Niedersachsen, SchleswigHolstein]),
        2018,
        OPEN,
    ),
    row(
        "Allerheiligen",
        When::Fixed(11, 1),
        Lands::Only(&[
            BadenWuerttemberg,
            Bayern,
            NordrheinWestfalen,
            RheinlandPfalz,
            Saarland,
        ]),
        1,
        OPEN,
    ),
    // Abolished everywhere but Sachsen from 1995 (to fund the care insurance).
    row(
        "Buß- und Bettag",
        When::WednesdayBefore23November,
        Lands::All,
        1,
        1994,
    ),
    row(
        "Buß- und Bettag",
        When::WednesdayBefore23November,
        Lands::Only(&[Sachsen]),
        1995,
        OPEN,
    ),
    row("1. Weihnachtstag", When::Fixed(12, 25), Lands::All, 1, OPEN),
    row("2. Weihnachtstag", When::Fixed(12, 26), Lands::All, 1, OPEN),
];

const fn row(name: &'static str, when: When, lands: Lands, from: i32, until: i32) -> Holiday {
    Holiday {
        name,
        when,
        lands,
        from_year: from,
        until_year: until,
    }
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Date {
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
    Date::from_ymd(
        year,
        u32::try_from(month).unwrap_or(4),
        u32::try_from(day).unwrap_or(1),
    )
    .unwrap_or(Date::MIN)
}

impl Holiday {
    /// The day of this holiday in `year` (whether or not the row applies then).
    pub fn date_in(&self, year: i32) -> Option<Date> {
        match self.when {
            When::Fixed(m, d) => Date::from_ymd(year, m, d).ok(),
            When::Easter(offset) => Some(easter_sunday(year).add_days(offset)),
            When::WednesdayBefore23November => {
                let nov23 = Date::from_ymd(year, 11, 23).ok()?;
                // Weekday of 23 Nov (Mon 1 … Sun 7); Wednesday is 3; go back 1–7 days.
                let wd = nov23.iso_weekday();
                let back = (i32::try_from(wd).unwrap_or(3) - 3 + 7) % 7;
                Some(nov23.add_days(-if back == 0 { 7 } else { back }))
            }
        }
    }

    /// Whether the row holds in `land` (for `None`: only rows for every Land).
    pub fn holds_in(&self, land: Option<Land>) -> bool {
        match (self.lands, land) {
            (Lands::All, _) => true,
            (Lands::Only(list), Some(l)) => list.contains(&l),
            (Lands::Only(_), None) => false,
        }
    }
}

/// The holiday on `date` in `land` (only holidays of every Land when `None`).
pub fn holiday(date: Date, land: Option<Land>) -> Option<&'static Holiday> {
    let year = date.year();
    HOLIDAYS.iter().find(|h| {
        (h.from_year..=h.until_year).contains(&year)
            && h.holds_in(land)
            && h.date_in(year) == Some(date)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    fn name(date: &str, land: Option<Land>) -> Option<&'static str> {
        holiday(d(date), land).map(|h| h.name)
    }

    #[test]
    fn easter_across_years() {
        // Published Easter Sundays (including the extremes 22 March and 25 April).
        for (year, easter) in [
            (2024, "31.03.2024"),
            (2025, "20.04.2025"),
            (2026, "05.04.2026"),
            (2027, "28.03.2027"),
            (2028, "16.04.2028"),
            (2029, "01.04.2029"),
            (2030, "21.04.2030"),
            (2038, "25.04.2038"),
            (2285, "22.03.2285"),
        ] {
            assert_eq!(easter_sunday(year), d(easter), "{year}");
        }
    }

    #[test]
    fn easter_dependent_holidays() {
        assert_eq!(name("03.04.2026", None), Some("Karfreitag"));
        assert_eq!(name("06.04.2026", None), Some("Ostermontag"));
        assert_eq!(name("14.05.2026", None), Some("Christi Himmelfahrt"));
        assert_eq!(name("25.05.2026", None), Some("Pfingstmontag"));
        assert_eq!(name("26.03.2027", None), Some("Karfreitag"));
        assert_eq!(name("29.03.2027", None), Some("Ostermontag"));
        assert_eq!(name("06.05.2027", None), Some("Christi Himmelfahrt"));
        assert_eq!(name("17.05.2027", None), Some("Pfingstmontag"));
        assert_eq!(name("14.04.2028", None), Some("Karfreitag"));
        // Fronleichnam only where the Land declares it.
        assert_eq!(name("04.06.2026", Some(Bayern)), Some("Fronleichnam"));
        assert_eq!(
            name("27.05.2027", Some(NordrheinWestfalen)),
            Some("Fronleichnam")
        );
        assert_eq!(name("04.06.2026", Some(Berlin)), None);
        assert_eq!(name("04.06.2026", None), None);
    }

    #[test]
    fn fixed_and_land_holidays() {
        assert_eq!(
            name("03.10.2026", Some(Berlin)),
            Some("Tag der Deutschen Einheit")
        );
        assert_eq!(
            name("08.03.2026", Some(Berlin)),
            Some("Internationaler Frauentag")
        );
        assert_eq!(name("08.03.2018", Some(Berlin)), None, "only from 2019");
        assert_eq!(name("08.03.2026", Some(Hamburg)), None);
        assert_eq!(
            name("31.10.2026", Some(Niedersachsen)),
            Some("Reformationstag")
        );
        assert_eq!(
            name("31.10.2016", Some(Niedersachsen)),
            None,
            "only from 2018"
        );
        assert_eq!(name("31.10.2017", Some(Bayern)), Some("Reformationstag"));
        assert_eq!(name("31.10.2018", Some(Bayern)), None);
        assert_eq!(name("01.11.2026", Some(Bayern)), Some("Allerheiligen"));
        assert_eq!(name("08.05.2025", Some(Berlin)), Some("Tag der Befreiung"));
        assert_eq!(name("08.05.2026", Some(Berlin)), None);
        assert_eq!(name("20.09.2026", Some(Thueringen)), Some("Weltkindertag"));
        // Buß- und Bettag: the Wednesday before 23 November, in Sachsen only.
        assert_eq!(name("18.11.2026", Some(Sachsen)), Some("Buß- und Bettag"));
        assert_eq!(name("17.11.2027", Some(Sachsen)), Some("Buß- und Bettag"));
        assert_eq!(name("22.11.2028", Some(Sachsen)), Some("Buß- und Bettag"));
        assert_eq!(name("18.11.2026", Some(Berlin)), None);
        assert_eq!(name("25.12.2026", Some(Bremen)), Some("1. Weihnachtstag"));
        assert_eq!(name("02.12.2026", None), None);
    }
}

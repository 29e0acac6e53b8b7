//! Human-readable record numbers per agenda and year (`SD-2026-000123`).
//!
//! The sequence value comes from a counter row that the storage layer increments atomically
//! inside the transaction that creates the record, so numbers never repeat.

use std::fmt;
use std::str::FromStr;

/// The agendas whose records carry a human number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberedAgenda {
    /// `SD-2026-000123`
    SupportDocument,
    /// `CO-2026-0042`
    CustomizationOrder,
    /// `KP-2026-0007`
    Protocol,
}

impl NumberedAgenda {
    /// Every numbered agenda.
    pub const ALL: [NumberedAgenda; 3] = [
        NumberedAgenda::SupportDocument,
        NumberedAgenda::CustomizationOrder,
        NumberedAgenda::Protocol,
    ];

    /// The prefix printed before the year; also the counter key in the database.
    pub fn prefix(self) -> &'static str {
        match self {
            NumberedAgenda::SupportDocument => "SD",
            NumberedAgenda::CustomizationOrder => "CO",
            NumberedAgenda::Protocol => "KP",
        }
    }

    /// Minimum number of digits of the sequence part.
    fn width(self) -> usize {
        match self {
            NumberedAgenda::SupportDocument => 6,
            NumberedAgenda::CustomizationOrder | NumberedAgenda::Protocol => 4,
        }
    }
}

/// A record number such as `SD-2026-000001`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HumanNumber {
    /// Which agenda's sequence.
    pub agenda: NumberedAgenda,
    /// The calendar year of the sequence.
    pub year: i32,
    /// The 1-based sequence value within agenda and year.
    pub sequence: i64,
}

impl fmt::Display for HumanNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{:04}-{:0width$}",
            self.agenda.prefix(),
            self.year,
            self.sequence,
            width = self.agenda.width()
        )
    }
}

/// A string that is not a human record number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a record number: {0:?}")]
pub struct InvalidHumanNumber(String);

impl FromStr for HumanNumber {
    type Err = InvalidHumanNumber;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidHumanNumber(s.to_owned());
        let mut parts = s.trim().splitn(3, '-');
        let prefix = parts.next().ok_or_else(invalid)?.to_ascii_uppercase();
        let agenda = NumberedAgenda::ALL
            .into_iter()
            .find(|a| a.prefix() == prefix)
            .ok_or_else(invalid)?;
        let year_text = parts.next().ok_or_else(invalid)?;
        let sequence_text = parts.next().ok_or_else(invalid)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if year_text.len() != 4 || !digits(year_text) || !digits(sequence_text) {
            return Err(invalid());
        }
        let year = year_text.parse().map_err(|_| invalid())?;
        let sequence: i64 = sequence_text.parse().map_err(|_| invalid())?;
        if sequence < 1 {
            return Err(invalid());
        }
        Ok(HumanNumber {
            agenda,
            year,
            sequence,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_agenda_width() {
        let sd = HumanNumber {
            agenda: NumberedAgenda::SupportDocument,
            year: 2026,
            sequence: 1,
        };
        assert_eq!(sd.to_string(), "SD-2026-000001");
        let co = HumanNumber {
            agenda: NumberedAgenda::CustomizationOrder,
            year: 2026,
            sequence: 42,
        };
        assert_eq!(co.to_string(), "CO-2026-0042");
        let big = HumanNumber {
            agenda: NumberedAgenda::Protocol,
            year: 2027,
            sequence: 123_456,
        };
        assert_eq!(
            big.to_string(),
            "KP-2027-123456",
            "wider numbers are not cut"
        );
    }

    #[test]
    fn parses_what_it_prints_and_rejects_garbage() {
        for text in ["SD-2026-000001", "CO-2026-0042", "KP-2027-123456"] {
            let parsed: HumanNumber = text.parse().unwrap();
            assert_eq!(parsed.to_string(), text);
        }
        for bad in [
            "",
            "SD",
            "SD-26-1",
            "XX-2026-0001",
            "SD-2026-",
            "SD-2026-0",
            "SD-2026-1a",
        ] {
            assert!(
                bad.parse::<HumanNumber>().is_err(),
                "{bad:?} must not parse"
            );
        }
    }
}

//! Money in integer minor units (haléře, cents) and the arithmetic of a quote: hours × rate,
//! VAT rounded to the minor unit, and — for Czech crowns — the amount due rounded to whole
//! crowns with the rounding shown as its own line, as Czech invoices do.

use serde::{Deserialize, Serialize};

/// A currency a quote may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    /// Czech crown.
    #[serde(rename = "CZK")]
    Czk,
    /// Euro.
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    /// Every currency.
    pub const ALL: [Currency; 2] = [Currency::Czk, Currency::Eur];

    /// ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Czk => "CZK",
            Currency::Eur => "EUR",
        }
    }

    /// Parses [`Currency::code`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == text)
    }

    /// The symbol written after the amount.
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Czk => "Kč",
            Currency::Eur => "€",
        }
    }
}

/// The figures of a quote, all in minor units of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteTotals {
    /// Price without VAT.
    pub net: i64,
    /// VAT, rounded to the minor unit.
    pub vat: i64,
    /// Rounding of the amount due (whole crowns for CZK; zero otherwise).
    pub rounding: i64,
    /// Amount due: net + VAT + rounding.
    pub total: i64,
}

/// Why figures could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    /// A figure is negative.
    Negative,
    /// A figure is too large to be stored.
    TooLarge,
}

/// `numerator / denominator` rounded half away from zero (for non-negative numerators,
/// half up). `denominator` must be positive.
fn div_round(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

/// The price of `centi_hours` (hundredths of an hour: 12.5 h is 1250) at `hourly_rate`
/// minor units per hour, rounded half up to the minor unit.
pub fn price_of_hours(centi_hours: i64, hourly_rate: i64) -> Result<i64, MoneyError> {
    if centi_hours < 0 || hourly_rate < 0 {
        return Err(MoneyError::Negative);
    }
    let net = div_round(i128::from(centi_hours) * i128::from(hourly_rate), 100);
    i64::try_from(net).map_err(|_| MoneyError::TooLarge)
}

/// The figures of a net price with VAT at `vat_basis_points` (21 % is 2100) in `currency`.
pub fn totals(
    net: i64,
    vat_basis_points: u32,
    currency: Currency,
) -> Result<QuoteTotals, MoneyError> {
    if net < 0 {
        return Err(MoneyError::Negative);
    }
    let vat = div_round(i128::from(net) * i128::from(vat_basis_points), 10_000);
    let exact = i128::from(net) + vat;
    let due = match currency {
        Currency::Czk => div_round(exact, 100) * 100,
        Currency::Eur => exact,
    };
    let vat = i64::try_from(vat).map_err(|_| MoneyError::TooLarge)?;
    let total = i64::try_from(due).map_err(|_| MoneyError::TooLarge)?;
    let rounding = i64::try_from(due - exact).map_err(|_| MoneyError::TooLarge)?;
    Ok(QuoteTotals {
        net,
        vat,
        rounding,
        total,
    })
}

/// `1 234 567,50 Kč`: Czech grouping by non-breaking spaces, decimal comma, symbol after.
pub fn format_amount(minor: i64, currency: Currency) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(digit);
    }
    format!(
        "{sign}{grouped},{:02}\u{a0}{}",
        abs % 100,
        currency.symbol()
    )
}

/// `-1234,50`: the amount for spreadsheets (decimal comma, no grouping, no symbol).
pub fn format_plain(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{},{:02}", abs / 100, abs % 100)
}

/// Parses an amount typed the Czech or the English way (`12 500,50`, `12500.5`, `12 500 Kč`)
/// into minor units; `None` when it is not a non-negative amount with at most two decimals.
pub fn parse_amount(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches("Kč")
        .trim_end_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (whole, fraction) = match cleaned.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (cleaned.as_str(), ""),
    };
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(fraction)
}

/// Parses hours typed as `12`, `12,5` or `12.25` into hundredths of an hour.
pub fn parse_hours(text: &str) -> Option<i64> {
    parse_amount(text)
}

/// `12,5` for 1250 hundredths of an hour (trailing zeros dropped).
pub fn format_hours(centi_hours: i64) -> String {
    let whole = centi_hours / 100;
    let fraction = (centi_hours % 100).abs();
    match fraction {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole},{}", f / 10),
        f => format!("{whole},{f:02}"),
    }
}

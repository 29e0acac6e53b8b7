//! Quote arithmetic: hours × rate, VAT to the haléř, the amount due in whole crowns.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_domain::money::{
    Currency, MoneyError, format_amount, format_hours, format_plain, parse_amount, parse_hours,
    price_of_hours, totals,
};

#[test]
fn hours_times_rate_rounds_half_up_to_the_haler() {
    // 12.5 h × 1 450,00 Kč = 18 125,00 Kč
    assert_eq!(price_of_hours(1250, 145_000), Ok(1_812_500));
    // 0.33 h × 999,99 Kč = 329,9967 → 330,00 Kč
    assert_eq!(price_of_hours(33, 99_999), Ok(33_000));
    // 0.01 h × 0,50 Kč = 0,005 → 0,01 Kč (half up)
    assert_eq!(price_of_hours(1, 50), Ok(1));
    assert_eq!(price_of_hours(1, 49), Ok(0));
    assert_eq!(price_of_hours(-1, 100), Err(MoneyError::Negative));
    assert_eq!(
        price_of_hours(i64::MAX, i64::MAX),
        Err(MoneyError::TooLarge)
    );
}

#[test]
fn czech_crowns_are_due_in_whole_crowns_with_the_rounding_shown() {
    // 18 125,00 + 21 % = 3 806,25 VAT → 21 931,25 → due 21 931 Kč, rounding −0,25
    let t = totals(1_812_500, 2100, Currency::Czk).unwrap();
    assert_eq!(
        (t.net, t.vat, t.rounding, t.total),
        (1_812_500, 380_625, -25, 2_193_100)
    );
    // 1 000,50 + 21 % = 210,105 → VAT 210,11; 1 210,61 → due 1 211 Kč, rounding +0,39
    let t = totals(100_050, 2100, Currency::Czk).unwrap();
    assert_eq!((t.vat, t.rounding, t.total), (21_011, 39, 121_100));
    // exactly half a crown rounds up: 0,50 net at 0 % → due 1 Kč
    let t = totals(50, 0, Currency::Czk).unwrap();
    assert_eq!((t.vat, t.rounding, t.total), (0, 50, 100));
    // 12 % reduced rate
    let t = totals(10_000, 1200, Currency::Czk).unwrap();
    assert_eq!((t.vat, t.rounding, t.total), (1_200, 0, 11_200));
    for t in [
        totals(1_812_500, 2100, Currency::Czk).unwrap(),
        totals(100_050, 2100, Currency::Czk).unwrap(),
    ] {
        assert_eq!(t.net + t.vat + t.rounding, t.total);
    }
}

#[test]
fn euros_keep_their_cents() {
    let t = totals(100_050, 2100, Currency::Eur).unwrap();
    assert_eq!((t.vat, t.rounding, t.total), (21_011, 0, 121_061));
    assert_eq!(totals(-1, 2100, Currency::Eur), Err(MoneyError::Negative));
}

#[test]
fn amounts_are_written_and_read_the_czech_way() {
    assert_eq!(
        format_amount(2_193_100, Currency::Czk),
        "21\u{a0}931,00\u{a0}Kč"
    );
    assert_eq!(
        format_amount(123_456_789, Currency::Eur),
        "1\u{a0}234\u{a0}567,89\u{a0}€"
    );
    assert_eq!(format_amount(-25, Currency::Czk), "-0,25\u{a0}Kč");
    assert_eq!(format_plain(123_456_789), "1234567,89");
    assert_eq!(format_plain(-25), "-0,25");
    assert_eq!(parse_amount("12 500,50"), Some(1_250_050));
    assert_eq!(parse_amount("12500.5"), Some(1_250_050));
    assert_eq!(parse_amount("1\u{a0}450 Kč"), Some(145_000));
    assert_eq!(parse_amount("1,234"), None);
    assert_eq!(parse_amount("-5"), None);
    assert_eq!(parse_amount("abc"), None);
    assert_eq!(parse_amount(""), None);
    assert_eq!(parse_hours("12,5"), Some(1250));
    assert_eq!(format_hours(1250), "12,5");
    assert_eq!(format_hours(1225), "12,25");
    assert_eq!(format_hours(800), "8");
    assert_eq!(Currency::parse("CZK"), Some(Currency::Czk));
    assert_eq!(Currency::parse("USD"), None);
}

//! Text conventions of Japanese files (SPEC X2): encodings and normalization.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, SHIFT_JIS};
use unicode_normalization::UnicodeNormalization;

use crate::error::InputError;

/// The encoding a CSV was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    /// Shift_JIS as Windows writes it (CP932 / Windows-31J).
    Cp932,
}

/// Decodes a CSV: UTF-8 with or without BOM, else CP932. A byte that is neither is reported with its
/// row and column (columns named from the header when it could be read).
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<(Cow<'a, str>, TextEncoding), InputError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok((Cow::Borrowed(text), TextEncoding::Utf8Bom)),
            Err(e) => Err(broken_byte(file, rest, e.valid_up_to(), "UTF-8 (the file starts with a UTF-8 BOM)")),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), TextEncoding::Utf8));
    }
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let capacity = decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len() * 3);
    let mut out = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        DecoderResult::InputEmpty => Ok((Cow::Owned(out), TextEncoding::Cp932)),
        DecoderResult::Malformed(bad, extra) => {
            let at = read.saturating_sub(bad as usize + extra as usize);
            Err(broken_byte(file, bytes, at, "UTF-8 or Shift_JIS/CP932"))
        }
        DecoderResult::OutputFull => Err(InputError::file(file, "cannot decode the file (output buffer full)")),
    }
}

fn broken_byte(file: &str, bytes: &[u8], at: usize, expected: &str) -> InputError {
    let line_start = bytes[..at].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
    let row = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
    // In CP932 and UTF-8 a comma byte is always a comma, so counting them locates the field.
    let field = bytes[line_start..at].iter().filter(|b| **b == b',').count();
    let header_end = bytes.iter().position(|b| *b == b'\n').unwrap_or(bytes.len());
    let header_bytes = &bytes[..header_end];
    let header = match std::str::from_utf8(header_bytes) {
        Ok(h) => h.to_string(),
        Err(_) => SHIFT_JIS.decode_without_bom_handling(header_bytes).0.into_owned(),
    };
    let column = if row > 1 {
        header.trim_end_matches('\r').split(',').nth(field).map(|h| normalize(h).into_owned())
    } else {
        None
    }
    .unwrap_or_else(|| format!("#{}", field + 1));
    let end = (at + 4).min(bytes.len());
    let shown: Vec<String> = bytes[at..end].iter().map(|b| format!("{b:02X}")).collect();
    InputError::at(file, row, &column, &format!("bytes {}", shown.join(" ")), format!("not valid {expected} text"))
}

/// NFKC, trimmed (SPEC X2): full-width digits and letters become ASCII, ideographic spaces become
/// spaces, half-width katakana become full-width. ASCII input is returned as is without work.
pub fn normalize(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text.trim());
    }
    let n: String = text.nfkc().collect();
    Cow::Owned(n.trim().to_string())
}

/// Parses a number written by people: full-width digits, `−` minus signs and `1,234` separators are
/// accepted; NaN and infinities are not.
pub fn parse_number(text: &str) -> Option<f64> {
    let n = normalize(text);
    let mut s: Cow<str> = n;
    if s.contains(['−', '–', '‐']) {
        s = Cow::Owned(s.replace(['−', '–', '‐'], "-"));
    }
    if s.contains(',') {
        let (int, _) = s.split_once('.').unwrap_or((&s, ""));
        let groups: Vec<&str> = int.trim_start_matches('-').split(',').collect();
        let ok = groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return None;
        }
        s = Cow::Owned(s.replace(',', ""));
    }
    if !s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')) {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x2_numbers_in_full_width_and_with_separators() {
        assert_eq!(parse_number("２１７．６"), Some(217.6));
        assert_eq!(parse_number("　179.3 "), Some(179.3));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("−3"), Some(-3.0));
        assert_eq!(parse_number("1,23"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("12a"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn x2_nfkc_normalizes_width_and_spaces() {
        assert_eq!(normalize("ﾄｳｷｮｳ"), "トウキョウ");
        assert_eq!(normalize("　東京都　"), "東京都");
        assert_eq!(normalize("０１０１"), "0101");
    }

    #[test]
    fn x2_decodes_utf8_bom_and_cp932() {
        let (t, e) = decode("a.csv", "\u{feff}code,名前\n1,東京\n".as_bytes()).unwrap();
        assert_eq!((t.as_ref(), e), ("code,名前\n1,東京\n", TextEncoding::Utf8Bom));
        let (sjis, _, _) = SHIFT_JIS.encode("code,名前\n1,東京\n");
        let (t, e) = decode("a.csv", &sjis).unwrap();
        assert_eq!((t.as_ref(), e), ("code,名前\n1,東京\n", TextEncoding::Cp932));
    }

    #[test]
    fn x3_broken_cp932_byte_names_row_and_column() {
        let (sjis, _, _) = SHIFT_JIS.encode("code,名前\n1,東京\n2,");
        let mut bytes = sjis.into_owned();
        bytes.extend_from_slice(&[0x81, 0x20, b'\n']); // a lead byte followed by one that cannot trail it
        let err = decode("a.csv", &bytes).unwrap_err();
        assert_eq!(err.row, Some(3));
        assert_eq!(err.column.as_deref(), Some("名前"));
        assert!(err.value.unwrap().starts_with("bytes 81"));
    }
}

//! Text conventions of Japanese files (SPEC X2): encodings and normalization.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, Encoding, SHIFT_JIS, UTF_8};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

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

/// The longest prefix of `bytes` that is UTF-8 text, and whether what follows is only a character
/// cut short at the end (more bytes may complete it) rather than bytes that are not UTF-8. Checked
/// with SIMD where the CPU has it (encoding_rs): large files are read piece by piece through this.
pub fn utf8_prefix(bytes: &[u8]) -> (&str, bool) {
    // The common case, checked once: all UTF-8 but for a character cut at the end (a piece).
    let lead = bytes.len().saturating_sub(3)..bytes.len();
    let end = match bytes[lead.clone()].iter().rposition(|&b| b >= 0xC0) {
        Some(at) => {
            let at = lead.start + at;
            let need = match bytes[at] {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            if bytes.len() - at < need { at } else { bytes.len() }
        }
        None => bytes.len(),
    };
    if let Some(Cow::Borrowed(text)) = UTF_8.decode_without_bom_handling_and_without_replacement(&bytes[..end]) {
        let rest = &bytes[end..];
        let cut = !rest.is_empty() && std::str::from_utf8(rest).is_err_and(|e| e.error_len().is_none());
        return (text, rest.is_empty() || cut);
    }
    let valid = Encoding::utf8_valid_up_to(bytes);
    let text = match UTF_8.decode_without_bom_handling_and_without_replacement(&bytes[..valid]) {
        Some(Cow::Borrowed(text)) => text,
        // Not reached: the prefix was just found valid.
        _ => "",
    };
    let rest = &bytes[text.len()..];
    let cut = !rest.is_empty() && rest.len() < 4 && std::str::from_utf8(rest).is_err_and(|e| e.error_len().is_none());
    (text, rest.is_empty() || cut)
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
/// spaces, half-width katakana become full-width. Text already in NFKC (ASCII, and most Japanese:
/// kanji and kana) is returned trimmed without allocating; the common case is checked first by
/// character range, then by the Unicode quick check, and only then normalized.
pub fn normalize(text: &str) -> Cow<'_, str> {
    if is_plain_text(text) {
        // Nothing in plain text (ASCII included) is white space but ASCII white space.
        return Cow::Borrowed(trim_ascii(text));
    }
    if let Some(n) = widen_plain(text) {
        return Cow::Owned(n);
    }
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        return Cow::Borrowed(text.trim());
    }
    let n: String = text.nfkc().collect();
    Cow::Owned(n.trim().to_string())
}

/// NFKC, trimmed, of plain text with full-width ASCII (U+FF01–FF5E) and ideographic spaces: those map
/// one to one (`Ａ１（` → `A1(`, U+3000 → space), and nothing in plain text composes with anything,
/// so the characters are mapped one by one. `None` for any other text.
fn widen_plain(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{FF01}'..='\u{FF5E}' => out.push(char::from_u32(c as u32 - 0xFEE0)?),
            '\u{3000}' => out.push(' '),
            c if c.is_ascii() || is_plain_japanese(c) => out.push(c),
            _ => return None,
        }
    }
    let trimmed = trim_ascii(&out);
    Some(if trimmed.len() == out.len() { out } else { trimmed.to_string() })
}

/// [`str::trim`] of ASCII text (Unicode white space in ASCII: tab, line feed, vertical tab, form
/// feed, carriage return, space), without decoding characters.
#[inline]
fn trim_ascii(text: &str) -> &str {
    let b = text.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t'..=b'\r');
    let (mut from, mut to) = (0, b.len());
    while from < to && space(b[from]) {
        from += 1;
    }
    while to > from && space(b[to - 1]) {
        to -= 1;
    }
    &text[from..to]
}

/// Text made only of ASCII and [`is_plain_japanese`] characters, read from the UTF-8 bytes (kanji
/// are three bytes led by E4–E9; kana and punctuation are led by E3). Eight bytes at a time: in valid
/// UTF-8 only lead bytes (11xxxxxx) decide, so the last word may overlap the one before it.
fn is_plain_text(text: &str) -> bool {
    let b = text.as_bytes();
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    if b.len() < 8 {
        let short = b.iter().enumerate().fold(0u64, |w, (k, &byte)| w | u64::from(byte) << (8 * k));
        return is_plain_word(b, short, 0);
    }
    let mut at = 0;
    while at + 8 < b.len() {
        if !is_plain_word(b, word(at), at) {
            return false;
        }
        at += 8;
    }
    is_plain_word(b, word(b.len() - 8), b.len() - 8)
}

/// [`is_plain_text`] for the lead bytes of `word`, the bytes of `b` from `at` (zeros past its end):
/// E4–E9 (kanji) pass at once, E3 by [`is_plain_kana_at`], any other fails.
#[inline(always)]
fn is_plain_word(b: &[u8], word: u64, at: usize) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let leads = word & (word << 1) & HIGH;
    // Per byte, no borrow across bytes: the low seven bits at least 0x64 and at most 0x69.
    let low = word & LOW7;
    let kanji = ((low | HIGH) - ONES * 0x64) & (ONES * 0xE9 - low) & HIGH;
    let mut others = leads & !kanji;
    while others != 0 {
        // The character's last bytes may be past the word: they are not lead bytes.
        if !is_plain_kana_at(b, at + (others.trailing_zeros() / 8) as usize) {
            return false;
        }
        others &= others - 1;
    }
    true
}

/// Whether the character at byte `at` is led by E3 and [`is_plain_japanese`] (U+3000–U+30FF, by a
/// table).
#[inline]
fn is_plain_kana_at(b: &[u8], at: usize) -> bool {
    const PLAIN_3000: [u64; 4] = {
        let mut table = [0u64; 4];
        let mut k = 0;
        while k < 256 {
            if let Some(c) = char::from_u32(0x3000 + k as u32)
                && is_plain_japanese(c)
            {
                table[k / 64] |= 1 << (k % 64);
            }
            k += 1;
        }
        table
    };
    match b.get(at..at + 3) {
        Some(&[0xE3, b1, b2]) if b1 & 0xFC == 0x80 => {
            let k = usize::from(b1 & 0x03) << 6 | usize::from(b2 & 0x3F);
            PLAIN_3000[k / 64] >> (k % 64) & 1 == 1
        }
        _ => false,
    }
}

/// Kanji, kana and common Japanese punctuation that are their own NFKC form and combine with no
/// neighbour: text made of them and ASCII is already NFKC. (Excluded on purpose: the combining and
/// spacing sound marks ゛゜, half-width katakana, full-width ASCII, the ideographic space.)
const fn is_plain_japanese(c: char) -> bool {
    matches!(c,
        '\u{4000}'..='\u{9FFF}'      // CJK unified ideographs (and the end of extension A, 易経 hexagrams)
        | '\u{3041}'..='\u{3096}'    // hiragana
        | '\u{30A1}'..='\u{30FC}'    // katakana, ・, ー
        | '\u{3001}'..='\u{3002}'    // 、。
        | '\u{3005}'..='\u{3007}'    // 々〆〇
        | '\u{3008}'..='\u{3011}') // 〈〉《》「」『』【】
}

/// Parses a number written by people: full-width digits, `−` minus signs and `1,234` separators are
/// accepted; NaN and infinities are not.
pub fn parse_number(text: &str) -> Option<f64> {
    let n = normalize(text);
    // The common case, a plain whole number, exactly as `f64::from_str` would read it.
    if (1..=15).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) {
        return Some(n.bytes().fold(0u64, |v, b| v * 10 + u64::from(b - b'0')) as f64);
    }
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
        assert_eq!(parse_number("007"), Some(7.0));
        assert_eq!(parse_number("123456789012345"), Some(123456789012345.0));
        assert_eq!(parse_number("1234567890123456789"), Some(1234567890123456789.0));
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn x2_plain_japanese_is_its_own_nfkc_and_combines_with_nothing() {
        use unicode_normalization::char::canonical_combining_class;
        let plain: Vec<char> = (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| is_plain_japanese(c)).collect();
        assert!(plain.len() > 20_000);
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_plain_text(c.encode_utf8(&mut [0; 4])), c.is_ascii() || is_plain_japanese(c), "{c:?}");
        }
        for &c in &plain {
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(c.to_string().nfkc().collect::<String>(), c.to_string(), "{c:?}");
        }
        // No pair among kana, punctuation and ASCII composes (kanji compose with nothing).
        let kana: Vec<char> = plain.iter().copied().filter(|&c| c < '\u{3400}').chain(' '..='~').collect();
        for &a in &kana {
            for &b in &kana {
                assert_eq!(unicode_normalization::char::compose(a, b), None, "{a:?} {b:?}");
            }
        }
        assert_eq!(normalize("形成外科領域講習"), "形成外科領域講習");
        // Full-width ASCII and the ideographic space, mapped one by one, agree with NFKC everywhere.
        let wide: Vec<char> = ('\u{FF01}'..='\u{FF5E}').chain(['\u{3000}']).collect();
        for &w in &wide {
            assert_eq!(widen_plain(&w.to_string()), Some(w.to_string().nfkc().collect::<String>().trim().to_string()));
            for &k in kana.iter().step_by(7) {
                for s in [format!("{w}{k}"), format!("{k}{w}"), format!("{k}{w}{w}{k}")] {
                    let nfkc: String = s.nfkc().collect();
                    assert_eq!(widen_plain(&s).as_deref(), Some(nfkc.trim()), "{s:?}");
                }
            }
        }
        assert_eq!(normalize("医療経済（保険医療など）"), "医療経済(保険医療など)");
        assert_eq!(normalize("\u{3000}ＡＢＣ　１２\u{3000}"), "ABC 12");
        assert_eq!(widen_plain("ｶﾞ"), None);
        for t in ["", " ", " a\t", "\u{b}x\u{c}\r\n", "a b", "\u{1f}x"] {
            assert_eq!(normalize(t), t.trim(), "{t:?}");
        }
        assert!(matches!(normalize("ｶﾞ"), Cow::Owned(s) if s == "ガ"));
        assert!(matches!(normalize("か\u{3099}"), Cow::Owned(s) if s == "が"));
    }

    #[test]
    fn x2_plain_text_is_told_apart_in_any_mix() {
        let plain_chars =
            ['a', ' ', '~', '\u{7f}', '形', '一', '\u{4000}', '\u{9fff}', 'あ', 'ア', 'ー', '、', '」', '々'];
        let other_chars = [
            '\u{a000}', '\u{3fff}', '゛', 'ゝ', '\u{3000}', '\u{3040}', '\u{30ff}', '\u{3100}', 'Ａ', 'ｶ', 'é', '😀',
            '\u{e000}',
        ];
        let plain = |t: &str| t.chars().all(|c| c.is_ascii() || is_plain_japanese(c));
        let mut seed = 7u64;
        let mut plain_seen = 0;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let len = (seed >> 59) as usize;
            // Mostly plain characters, now and then one of the others.
            let text: String = (0..len)
                .map(|k| {
                    let r = (seed >> (k % 50)) as usize;
                    if r.is_multiple_of(16) {
                        other_chars[r / 16 % other_chars.len()]
                    } else {
                        plain_chars[r % plain_chars.len()]
                    }
                })
                .collect();
            plain_seen += usize::from(plain(&text));
            assert_eq!(is_plain_text(&text), plain(&text), "{text:?}");
        }
        assert!((5_000..15_000).contains(&plain_seen), "{plain_seen} plain texts of 20000");
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
    fn x2_utf8_prefix_tells_a_cut_character_from_a_broken_one() {
        let text = "東京".repeat(40);
        let b = text.as_bytes();
        assert_eq!(utf8_prefix(b), (text.as_str(), true));
        assert_eq!(utf8_prefix(&b[..b.len() - 1]), (&text[..text.len() - 3], true));
        assert_eq!(utf8_prefix(&b[..b.len() - 2]), (&text[..text.len() - 3], true));
        let mut broken = b[..b.len() - 1].to_vec();
        broken.push(b'a');
        assert_eq!(utf8_prefix(&broken), (&text[..text.len() - 3], false));
        assert_eq!(utf8_prefix(b"ab\x82\xA0cd"), ("ab", false));
        assert_eq!(utf8_prefix(b""), ("", true));
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

//! Percent-encoding for the URLs and headers the server writes (RFC 3986 unreserved characters stay).

/// `text` with every byte outside `A–Z a–z 0–9 - . _ ~` (and `keep`) written as `%XX`.
pub fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_non_ascii_bytes_are_encoded() {
        assert_eq!(percent_encode("EX 001/a?b", b""), "EX%20001%2Fa%3Fb");
        assert_eq!(percent_encode("/plan/areas?pref=13", b"/"), "/plan/areas%3Fpref%3D13");
        assert_eq!(percent_encode("様式", b""), "%E6%A7%98%E5%BC%8F");
        assert_eq!(percent_encode("a-b_c.d~e", b""), "a-b_c.d~e");
    }
}

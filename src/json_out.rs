//! A small JSON writer into one `String`: the converter's results leave as a single JSON text
//! (one crossing of the wasm boundary, no JS objects built on the Rust side).

use std::fmt::Write;

/// Appends `text` as a JSON string literal.
pub fn push_str(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[plain_from..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(escape);
        }
        plain_from = i + 1;
    }
    out.push_str(&text[plain_from..]);
    out.push('"');
}

/// Appends an unsigned number (without `fmt`, which is slow for the many counts written).
pub fn push_u64(out: &mut String, mut value: u64) {
    if value < 10 {
        // Most counts and many positions: one digit.
        out.push(char::from(b'0' + value as u8));
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    while value > 0 {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

/// Appends `[a,b,c]`.
pub fn push_u32_array(out: &mut String, values: impl IntoIterator<Item = u32>) {
    out.push('[');
    for (i, value) in values.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_u64(out, u64::from(value));
    }
    out.push(']');
}

/// Appends a string, or `null`.
pub fn push_opt_str(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => push_str(out, text),
        None => out.push_str("null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_json_requires() {
        let mut out = String::new();
        push_str(&mut out, "a\"b\\c\nd\u{1}é😀");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é😀""#);
        let parsed: String = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed, "a\"b\\c\nd\u{1}é😀");
    }

    #[test]
    fn numbers() {
        let mut out = String::new();
        for value in [0, 7, 10, 4294967295, u64::MAX] {
            push_u64(&mut out, value);
            out.push(' ');
        }
        assert_eq!(out, "0 7 10 4294967295 18446744073709551615 ");
    }
}

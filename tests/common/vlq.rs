//! A source map's base64 VLQ encoding, for the tests that write maps of their own (the fuzzer's
//! mutated maps, the robustness test's random ones).

// Each test binary that includes `common` uses only part of it.
#![allow(dead_code)]

/// The base64 digits of a source map's `mappings`.
pub const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends `value` to `out` as one base64 VLQ number.
pub fn vlq(mut value: i64, out: &mut String) {
    value = if value < 0 {
        ((-value) << 1) | 1
    } else {
        value << 1
    };
    loop {
        let mut digit = value & 0x1f;
        value >>= 5;
        if value > 0 {
            digit |= 0x20;
        }
        out.push(BASE64[digit as usize] as char);
        if value == 0 {
            break;
        }
    }
}

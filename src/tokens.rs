//! Just enough of JavaScript's lexical grammar to read a function's surroundings: skipping white
//! space and comments forward and backward, and reading the word or punctuator at a byte
//! offset. All keywords and punctuators that matter are ASCII, so this works on UTF-8 bytes and
//! decodes a character only to test non-ASCII white space.

/// Whether `b` can be part of an ASCII identifier (non-ASCII bytes count as identifier bytes).
pub fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn whitespace_len_at(source: &str, at: usize) -> usize {
    let bytes = source.as_bytes();
    match bytes[at] {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => 1,
        b if b >= 0x80 => match source[at..].chars().next() {
            Some(c) if c == '\u{feff}' || (c.is_whitespace() && c != '\u{85}') => c.len_utf8(),
            _ => 0,
        },
        _ => 0,
    }
}

/// The offset of the first byte at or after `at` that is not white space or a comment.
pub fn skip_trivia_forward(source: &str, mut at: usize) -> usize {
    let bytes = source.as_bytes();
    while at < bytes.len() {
        let width = whitespace_len_at(source, at);
        if width > 0 {
            at += width;
        } else if bytes[at] == b'/' && bytes.get(at + 1) == Some(&b'/') {
            while at < bytes.len()
                && !matches!(bytes[at], b'\n' | b'\r')
                // Bytes, not `source[at..]`: `at` walks through multi-byte characters.
                && !bytes[at..].starts_with("\u{2028}".as_bytes())
                && !bytes[at..].starts_with("\u{2029}".as_bytes())
            {
                at += 1;
            }
        } else if bytes[at] == b'/' && bytes.get(at + 1) == Some(&b'*') {
            at = match source[at + 2..].find("*/") {
                Some(end) => at + 2 + end + 2,
                None => bytes.len(),
            };
        } else {
            break;
        }
    }
    at
}

/// The offset just past the last byte before `end` that is not white space or a comment.
pub fn skip_trivia_backward(source: &str, mut end: usize) -> usize {
    let bytes = source.as_bytes();
    let mut crossed_line_end = false;
    while end > 0 {
        let mut start = end - 1;
        while start > 0 && (bytes[start] & 0xc0) == 0x80 {
            start -= 1;
        }
        if whitespace_len_at(source, start) == end - start {
            crossed_line_end |= matches!(bytes[start], b'\n' | b'\r')
                || source[start..end].starts_with(['\u{2028}', '\u{2029}']);
            end = start;
        } else if end >= 2 && &bytes[end - 2..end] == b"*/" {
            match source[..end - 2].rfind("/*") {
                Some(open) => end = open,
                None => break,
            }
        } else if crossed_line_end {
            // A line comment can only end where a line ends.
            crossed_line_end = false;
            match line_comment_start(source, end) {
                Some(comment) => end = comment,
                None => break,
            }
        } else {
            break;
        }
    }
    end
}

/// Where a `//` comment starts on the line that ends at `end`, skipping `//` inside strings.
fn line_comment_start(source: &str, end: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let line_start = source[..end]
        .rfind(['\n', '\r', '\u{2028}', '\u{2029}'])
        .map_or(0, |at| {
            at + source[at..].chars().next().map_or(1, char::len_utf8)
        });
    let mut i = line_start;
    let mut quote = 0u8;
    while i + 1 < end {
        let b = bytes[i];
        if quote != 0 {
            if b == b'\\' {
                i += 1;
            } else if b == quote {
                quote = 0;
            }
        } else if matches!(b, b'\'' | b'"' | b'`') {
            quote = b;
        } else if b == b'/' && bytes[i + 1] == b'/' {
            return Some(i);
        } else if b == b'/' && bytes[i + 1] == b'*' {
            i = source[i + 2..end]
                .find("*/")
                .map_or(end, |at| i + 2 + at + 1);
        }
        i += 1;
    }
    None
}

/// The identifier-like word starting at `at` (empty when none starts there).
pub fn word_at(source: &str, at: usize) -> &str {
    let bytes = source.as_bytes();
    let mut end = at;
    while end < bytes.len() && is_ident_byte(bytes[end]) {
        end += 1;
    }
    &source[at..end]
}

/// The identifier-like word ending at `end`, and where it starts.
pub fn word_before(source: &str, end: usize) -> (usize, &str) {
    let bytes = source.as_bytes();
    let mut start = end;
    while start > 0 && is_ident_byte(bytes[start - 1]) {
        start -= 1;
    }
    (start, &source[start..end])
}

/// Whether `keyword` stands as a whole word at `at`.
pub fn keyword_at(source: &str, at: usize, keyword: &str) -> bool {
    word_at(source, at) == keyword
}

/// The offset just past a string literal starting at `at` (a quote), or `None` if unterminated.
pub fn skip_string(source: &str, at: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let quote = bytes[at];
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return Some(i + 1),
            b'\n' | b'\r' => return None,
            _ => i += 1,
        }
    }
    None
}

/// The offset just past the bracket matching the `[` at `at`, skipping strings and comments.
pub fn skip_brackets(source: &str, at: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => {
                if depth == 0 {
                    return None; // not at an opening bracket
                }
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'\'' | b'"' | b'`' => {
                i = skip_string_or_template(source, i)?;
                continue;
            }
            b'/' if matches!(bytes.get(i + 1), Some(b'/') | Some(b'*')) => {
                i = skip_trivia_forward(source, i);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn skip_string_or_template(source: &str, at: usize) -> Option<usize> {
    if source.as_bytes()[at] != b'`' {
        return skip_string(source, at);
    }
    let bytes = source.as_bytes();
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivia_both_ways() {
        let s = "a /* c */ // d\n\u{a0} b";
        let b = skip_trivia_forward(s, 1);
        assert_eq!(&s[b..], "b");
        assert_eq!(skip_trivia_backward(s, b), 1);
        assert_eq!(skip_trivia_forward("x /* open", 1), 9);
        let s = "static // 'x\n  /* y */\n  m() {}";
        assert_eq!(skip_trivia_backward(s, s.find('m').unwrap()), 6);
        let s = "a = '//'\n  m() {}";
        assert_eq!(skip_trivia_backward(s, s.find('m').unwrap()), 8);
    }

    #[test]
    fn line_comments_with_multi_byte_text() {
        let s = "// č 😀 é\u{2028}x // ü\ny";
        let x = s.find('x').unwrap();
        assert_eq!(skip_trivia_forward(s, 0), x);
        assert_eq!(skip_trivia_forward(s, x + 1), s.len() - 1);
    }

    /// Every helper at every character boundary of a text full of multi-byte characters,
    /// comments and strings: no panic (a panic is a trap that breaks the wasm instance).
    #[test]
    fn no_position_panics() {
        let s = "/* č */ a = 'é//' // 😀\u{2028}(ž) => `ü` /* 😀 */ static #é() {}\r\n[č]";
        for at in (0..=s.len()).filter(|&at| s.is_char_boundary(at)) {
            skip_trivia_forward(s, at);
            skip_trivia_backward(s, at);
            if at < s.len() {
                word_at(s, at);
                skip_brackets(s, at);
                crate::method_ids::id_site(s, at);
                crate::method_ids::starts_token(s, at);
                if matches!(s.as_bytes()[at], b'\'' | b'"') {
                    skip_string(s, at);
                }
            }
            word_before(s, at);
        }
    }

    #[test]
    fn words_and_brackets() {
        let s = "static [a['x]']] () {}";
        assert_eq!(word_at(s, 0), "static");
        assert_eq!(word_before(s, 6), (0, "static"));
        assert!(keyword_at(s, 0, "static") && !keyword_at(s, 0, "stat"));
        assert_eq!(skip_brackets(s, 7), Some(16));
        assert_eq!(skip_string("'a\\'b' x", 0), Some(6));
        assert_eq!(skip_string("'abc", 0), None);
    }
}

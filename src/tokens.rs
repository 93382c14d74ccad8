//! Just enough of JavaScript's lexical grammar to read a function's surroundings (skipping white
//! space and comments forward and backward, reading the word or punctuator at a byte offset) and
//! to cut a whole source into tokens for the branch finder ([`tokenize`]). All keywords and
//! punctuators that matter are ASCII, so this works on UTF-8 bytes and decodes a character only
//! to test non-ASCII white space.

use crate::line_index::terminator_len;

/// Whether `b` can be part of an ASCII identifier (non-ASCII bytes count as identifier bytes).
pub fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Whether `c` is JavaScript white space or a line terminator (what the grammar skips between
/// tokens and what `String.prototype.trim` removes): Unicode's `White_Space` without U+0085,
/// plus U+FEFF.
pub fn is_js_space(c: char) -> bool {
    c == '\u{feff}' || (c.is_whitespace() && c != '\u{85}')
}

fn whitespace_len_at(source: &str, at: usize) -> usize {
    let bytes = source.as_bytes();
    match bytes[at] {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => 1,
        b if b >= 0x80 => match source[at..].chars().next() {
            Some(c) if is_js_space(c) => c.len_utf8(),
            _ => 0,
        },
        _ => 0,
    }
}

/// The offset of the first byte at or after `at` that is not white space or a comment.
pub fn skip_trivia_forward(source: &str, mut at: usize) -> usize {
    let bytes = source.as_bytes();
    while at < bytes.len() {
        // ASCII white space (most of it: indentation) without a call per byte.
        if matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            at += 1;
            continue;
        }
        let width = whitespace_len_at(source, at);
        if width > 0 {
            at += width;
        } else if bytes[at] == b'/' && bytes.get(at + 1) == Some(&b'/') {
            // Bytes, not `source[at..]`: `at` walks through multi-byte characters.
            while at < bytes.len() && terminator_len(bytes, at) == 0 {
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

/// Whether white space or a comment starts at byte `at` (before the end): where
/// [`skip_trivia_forward`] moves on, decided at `at` alone.
pub fn starts_trivia(source: &str, at: usize) -> bool {
    let bytes = source.as_bytes();
    at < bytes.len()
        && (whitespace_len_at(source, at) > 0
            || (bytes[at] == b'/' && matches!(bytes.get(at + 1), Some(b'/' | b'*'))))
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

/// Declares [`Sym`] and the text of each of its variants.
macro_rules! symbols {
    ($($name:ident $text:literal)*) => {
        /// The keywords and punctuators the branch finder tells apart (`Other`: any other token).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Sym {
            Other,
            /// A compound assignment (`+=`, `&&=`, ...).
            AssignOp,
            $($name,)*
        }
        const SYMBOLS: &[(&str, Sym)] = &[$(($text, Sym::$name),)*];
    };
}

symbols! {
    LParen "("
    RParen ")"
    LBracket "["
    RBracket "]"
    LBrace "{"
    RBrace "}"
    Semi ";"
    Comma ","
    Colon ":"
    Question "?"
    Dot "."
    QuestionDot "?."
    Arrow "=>"
    Ellipsis "..."
    Assign "="
    And "&&"
    Or "||"
    Nullish "??"
    Lt "<"
    Gt ">"
    Shr ">>"
    Ushr ">>>"
    Bang "!"
    Inc "++"
    Dec "--"
    At "@"
    Pipe "|"
    Amp "&"
    Caret "^"
    Tilde "~"
    Minus "-"
    Plus "+"
    Star "*"
    Slash "/"
    Percent "%"
    StarStar "**"
    EqEq "=="
    NotEq "!="
    EqEqEq "==="
    NotEqEq "!=="
    LtEq "<="
    GtEq ">="
    Shl "<<"
    Async "async"
    Await "await"
    Yield "yield"
    Function "function"
    Class "class"
    New "new"
    Var "var"
    Let "let"
    Const "const"
    For "for"
    While "while"
    With "with"
    Do "do"
    Else "else"
    Try "try"
    Catch "catch"
    Finally "finally"
    Return "return"
    Throw "throw"
    Break "break"
    Continue "continue"
    Import "import"
    Export "export"
    Default "default"
    Type "type"
    Interface "interface"
    Enum "enum"
    Declare "declare"
    Abstract "abstract"
    Namespace "namespace"
    Module "module"
    Extends "extends"
    Implements "implements"
    Static "static"
    Public "public"
    Private "private"
    Protected "protected"
    Readonly "readonly"
    Override "override"
    Accessor "accessor"
    Get "get"
    Set "set"
    Typeof "typeof"
    Void "void"
    Delete "delete"
    In "in"
    Of "of"
    Instanceof "instanceof"
    As "as"
    Satisfies "satisfies"
    Is "is"
    Keyof "keyof"
    Unique "unique"
    Infer "infer"
    Asserts "asserts"
    From "from"
    If "if"
    Switch "switch"
    Case "case"
}

/// Slots of [`SYMBOL_TABLE`]: a power of two, several times the number of symbols.
const SYMBOL_SLOTS: usize = 512;

/// The longest symbol's text.
const SYMBOL_MAX_LEN: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < SYMBOLS.len() {
        if SYMBOLS[i].0.len() > longest {
            longest = SYMBOLS[i].0.len();
        }
        i += 1;
    }
    longest
};

/// Where a symbol's text starts looking in [`SYMBOL_TABLE`].
const fn symbol_slot(text: &[u8]) -> usize {
    let last = text[text.len() - 1] as usize;
    (text[0] as usize * 31 + last * 7 + text.len() * 113) & (SYMBOL_SLOTS - 1)
}

/// Open addressing over [`SYMBOLS`]: per slot, 1 + the index of a symbol, or 0 for none. A text
/// is looked for from its slot onwards until an empty slot.
const SYMBOL_TABLE: [u8; SYMBOL_SLOTS] = {
    let mut table = [0u8; SYMBOL_SLOTS];
    let mut i = 0;
    while i < SYMBOLS.len() {
        let mut slot = symbol_slot(SYMBOLS[i].0.as_bytes());
        while table[slot] != 0 {
            slot = (slot + 1) & (SYMBOL_SLOTS - 1);
        }
        table[slot] = i as u8 + 1;
        i += 1;
    }
    table
};

/// The symbol a punctuator's or word's text is.
fn symbol(text: &str) -> Sym {
    let bytes = text.as_bytes();
    if !bytes.is_empty() && bytes.len() <= SYMBOL_MAX_LEN {
        let mut slot = symbol_slot(bytes);
        while let Some(&(known, sym)) = SYMBOLS.get(usize::from(SYMBOL_TABLE[slot]).wrapping_sub(1))
        {
            if known.as_bytes() == bytes {
                return sym;
            }
            slot = (slot + 1) & (SYMBOL_SLOTS - 1);
        }
    }
    // Every other punctuator ending in `=` assigns (`==`, `<=`, ... are in the table).
    if text.len() > 1 && text.ends_with('=') {
        Sym::AssignOp
    } else {
        Sym::Other
    }
}

/// What a token is, as far as the branch finder cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An identifier, keyword or `#private` name.
    Word,
    /// A number, string, regular expression or template without substitutions.
    Literal,
    /// A punctuator (`&&`, `?.`, `(`, ...).
    Punct,
    /// A template's text up to its first `${`.
    TemplateHead,
    /// A template's text between `}` and the next `${`.
    TemplateMiddle,
    /// A template's text from `}` to its closing backquote.
    TemplateTail,
}

/// One token: byte offsets of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Which keyword or punctuator it is.
    pub sym: Sym,
    /// Whether a line ends between the previous token and this one.
    pub line_before: bool,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
    /// For `(`, `[`, `{` and a template head: the index of the matching closer (the token count
    /// when unclosed); for any other token its own index.
    pub close: u32,
}

/// Punctuators longer than one byte, longest first.
const PUNCTUATORS: [&str; 33] = [
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=",
    "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "**", "<<", ">>",
];

/// Cuts `source` into tokens, pairing brackets. Never fails: an unterminated string, comment,
/// template or regular expression ends the token at the line end or the end of the source.
pub fn tokenize(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
    let mut tokens: Vec<Token> = Vec::new();
    let mut open: Vec<u32> = Vec::new();
    let mut at = 0;
    if source.starts_with("#!") {
        at = line_end(bytes, 0);
    }
    loop {
        let from = at;
        at = skip_trivia_forward(source, at);
        let Some(&b) = bytes.get(at) else {
            break;
        };
        let line_before = breaks_line(&bytes[from..at]);
        let start = at;
        let index = tokens.len() as u32;
        let mut kind = Kind::Punct;
        let after_operand = tokens.last().is_some_and(ends_operand);
        if is_ident_byte(b) && !b.is_ascii_digit() || b == b'#' || b == b'\\' {
            kind = Kind::Word;
            at += 1;
            while at < bytes.len() && (is_ident_byte(bytes[at]) || bytes[at] == b'\\') {
                at += 1;
            }
        } else if b.is_ascii_digit()
            || b == b'.' && bytes.get(at + 1).is_some_and(u8::is_ascii_digit)
        {
            kind = Kind::Literal;
            at = number_end(bytes, at);
        } else if b == b'\'' || b == b'"' {
            kind = Kind::Literal;
            at = quoted_end(bytes, at, b);
        } else if b == b'`' {
            (kind, at) = template_end(bytes, at + 1, true);
        } else if b == b'}'
            && open
                .last()
                .is_some_and(|&i| tokens[i as usize].kind == Kind::TemplateHead)
        {
            (kind, at) = template_end(bytes, at + 1, false);
        } else if b == b'/' && !after_operand {
            kind = Kind::Literal;
            at = regex_end(bytes, at);
        } else {
            let rest = &bytes[at..];
            // Every punctuator of several bytes has a second byte of these: most tokens (`(`,
            // `.` before a name, `,`) are known to be one byte without reading the table.
            if rest.len() > 1 && b"=>.*<&|?+-".contains(&rest[1]) {
                let digit_after = rest.get(2).is_some_and(u8::is_ascii_digit);
                at += PUNCTUATORS
                    .iter()
                    .find(|p| rest.starts_with(p.as_bytes()) && !(**p == "?." && digit_after))
                    .map_or(1, |p| p.len());
            } else {
                at += 1;
            }
        }
        let sym = match kind {
            Kind::Word | Kind::Punct => symbol(&source[start..at]),
            _ => Sym::Other,
        };
        let mut token = Token {
            kind,
            sym,
            line_before,
            start: start as u32,
            end: at as u32,
            close: index,
        };
        match (kind, sym) {
            (Kind::Punct, Sym::LParen | Sym::LBracket | Sym::LBrace) | (Kind::TemplateHead, _) => {
                open.push(index)
            }
            (Kind::Punct, Sym::RParen | Sym::RBracket | Sym::RBrace) | (Kind::TemplateTail, _) => {
                // A closer of another kind than the last opener is stray: skipped.
                let opens = |opener: &Token| match sym {
                    Sym::RParen => opener.sym == Sym::LParen,
                    Sym::RBracket => opener.sym == Sym::LBracket,
                    Sym::RBrace => opener.sym == Sym::LBrace,
                    _ => opener.kind == Kind::TemplateHead,
                };
                if let Some(opener) = open.pop_if(|&mut opener| opens(&tokens[opener as usize])) {
                    tokens[opener as usize].close = index;
                }
            }
            _ => {}
        }
        if kind == Kind::TemplateMiddle {
            token.close = index;
        }
        tokens.push(token);
    }
    let count = tokens.len() as u32;
    for opener in open {
        tokens[opener as usize].close = count;
    }
    tokens
}

/// Whether UTF-8 text holds a line terminator (`\n`, `\r`, U+2028 E2 80 A8, U+2029 E2 80 A9).
fn breaks_line(text: &[u8]) -> bool {
    text.iter().enumerate().any(|(at, &b)| {
        b == b'\n'
            || b == b'\r'
            || b == 0xe2
                && text.get(at + 1) == Some(&0x80)
                && matches!(text.get(at + 2), Some(0xa8 | 0xa9))
    })
}

/// Whether `token` can end an operand, so that a `/` after it divides.
fn ends_operand(token: &Token) -> bool {
    use Sym::*;
    match token.kind {
        Kind::Word => !matches!(
            token.sym,
            Return
                | Typeof
                | Instanceof
                | In
                | Of
                | New
                | Delete
                | Void
                | Throw
                | Case
                | Do
                | Else
                | Yield
                | Await
        ),
        Kind::Literal | Kind::TemplateTail => true,
        Kind::TemplateHead | Kind::TemplateMiddle => false,
        Kind::Punct => matches!(token.sym, RParen | RBracket | RBrace | Inc | Dec),
    }
}

fn line_end(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && !matches!(bytes[at], b'\n' | b'\r') {
        at += 1;
    }
    at
}

fn number_end(bytes: &[u8], mut at: usize) -> usize {
    let hex = bytes.get(at + 1).is_some_and(|b| matches!(b, b'x' | b'X'));
    while let Some(&b) = bytes.get(at) {
        let exponent_sign =
            !hex && matches!(b, b'+' | b'-') && matches!(bytes[at - 1], b'e' | b'E');
        if !(b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || exponent_sign) {
            break;
        }
        at += 1;
    }
    at
}

/// The end of a string starting at `at`: past its closing quote, or at the line end.
fn quoted_end(bytes: &[u8], mut at: usize, quote: u8) -> usize {
    at += 1;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'\\' => at += 1 + usize::from(bytes.get(at + 1) == Some(&b'\r')),
            b'\n' | b'\r' => return at,
            _ if b == quote => return at + 1,
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

/// Template text from `at` (after a backquote, or after the `}` of a substitution when not
/// `first`): the kind of token it makes and where it ends.
fn template_end(bytes: &[u8], mut at: usize, first: bool) -> (Kind, usize) {
    while let Some(&b) = bytes.get(at) {
        match b {
            b'\\' => at += 1,
            b'`' => {
                let kind = if first {
                    Kind::Literal
                } else {
                    Kind::TemplateTail
                };
                return (kind, at + 1);
            }
            b'$' if bytes.get(at + 1) == Some(&b'{') => {
                let kind = if first {
                    Kind::TemplateHead
                } else {
                    Kind::TemplateMiddle
                };
                return (kind, at + 2);
            }
            _ => {}
        }
        at += 1;
    }
    let kind = if first {
        Kind::Literal
    } else {
        Kind::TemplateTail
    };
    (kind, bytes.len())
}

/// The end of a regular expression literal starting at `at` (its flags included), or the line
/// end when unterminated.
fn regex_end(bytes: &[u8], mut at: usize) -> usize {
    let mut class = false;
    at += 1;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'\\' => at += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                at += 1;
                while at < bytes.len() && is_ident_byte(bytes[at]) {
                    at += 1;
                }
                return at;
            }
            b'\n' | b'\r' => return at,
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `starts_trivia` is where `skip_trivia_forward` moves on, at every character and past the
    /// end.
    #[test]
    fn trivia_starts_where_skipping_moves_on() {
        let source = "a /* b */ c // d\n\u{a0}\u{2028}e/f/ /\u{feff}g\t😀";
        let characters = source.char_indices().map(|(at, _)| at);
        for at in characters.chain([source.len(), source.len() + 1]) {
            let moves = at < source.len() && skip_trivia_forward(source, at) != at;
            assert_eq!(starts_trivia(source, at), moves, "at {at}");
        }
        let characters = source.char_indices().map(|(at, _)| at);
        let starts: Vec<usize> = characters.filter(|&at| starts_trivia(source, at)).collect();
        assert_eq!(starts[..7], [1, 2, 4, 6, 9, 11, 12]);
    }

    /// JavaScript's white space and line terminators, the one rule `line_index` (blank lines),
    /// `compat` (trimEnd) and the trivia skipping read.
    #[test]
    fn js_space_is_white_space_and_line_terminators() {
        for c in [
            ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{a0}', '\u{1680}', '\u{2000}',
        ] {
            assert!(is_js_space(c), "{c:?}");
        }
        for c in [
            '\u{200a}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{3000}', '\u{feff}',
        ] {
            assert!(is_js_space(c), "{c:?}");
        }
        for c in ['\u{85}', '\u{200b}', '\u{180e}', 'x', 'é', '\0'] {
            assert!(!is_js_space(c), "{c:?}");
        }
        // Skipped forward as white space up to the first character that is not.
        let source = "\u{a0}\u{3000}\u{feff}\u{2028} é";
        assert_eq!(skip_trivia_forward(source, 0), source.find('é').unwrap());
        assert_eq!(skip_trivia_forward("\u{85}x", 0), 0);
    }

    #[test]
    fn every_symbol_is_found_and_nothing_else() {
        for &(text, sym) in SYMBOLS {
            assert_eq!(symbol(text), sym, "{text}");
        }
        for text in [
            "x",
            "If",
            "iff",
            "instanceofx",
            "+=",
            ">>>=",
            "a=",
            "?",
            "constructor",
        ] {
            let known = SYMBOLS.iter().find(|(t, _)| *t == text).map(|&(_, s)| s);
            let other = if text.len() > 1 && text.ends_with('=') {
                Sym::AssignOp
            } else {
                Sym::Other
            };
            assert_eq!(symbol(text), known.unwrap_or(other), "{text}");
        }
    }

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

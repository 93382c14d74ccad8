//! Where the backend's build scanner records a function, found from where V8 says it starts.
//!
//! V8 starts a function where a parser's node starts (`function`/`async` of a declaration, the
//! `(` or single parameter of an arrow, a member's first token) except static members, where it
//! starts after `static`. The scanner records, per form:
//! - named function declarations and expressions: the **name**;
//! - anonymous default exports (`export default function () {}`): the **`export`** keyword;
//! - every other function (anonymous expressions, arrows, class and object members): the node
//!   start, which for class members **includes `static`**;
//! - nothing for `#private` methods, field initializers, `static {}` blocks, implicit
//!   constructors and the top level.

use crate::tokens::{
    keyword_at, skip_brackets, skip_string, skip_trivia_backward, skip_trivia_forward, word_at,
    word_before,
};

/// Where a function's id points, as a byte offset of the source, or why it has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdSite {
    /// The id is at this byte offset.
    At(usize),
    /// The scanner records nothing for this function.
    None,
}

/// Finds the id site of the function V8 starts at byte `start` of `source`.
pub fn id_site(source: &str, start: usize) -> IdSite {
    let bytes = source.as_bytes();
    if start >= bytes.len() {
        return IdSite::None;
    }
    match word_at(source, start) {
        // Only through a source map: a start mapped to the `export` of `export [default] ...`.
        "export" => {
            let mut next = skip_trivia_forward(source, start + "export".len());
            if keyword_at(source, next, "default") {
                next = skip_trivia_forward(source, next + "default".len());
            }
            id_site(source, next) // past the end: none
        }
        "function" => function_site(source, start, start),
        "async" => {
            // V8 starts at `async` only for `async function` when no line break follows `async`.
            let next = skip_trivia_forward(source, start + 5);
            if keyword_at(source, next, "function") {
                function_site(source, start, next)
            } else {
                member_or_arrow_site(source, start)
            }
        }
        // Also `class` (an implicit constructor or field initializers span their class): no key
        // is followed by `(` or `=>` there.
        _ => member_or_arrow_site(source, start),
    }
}

/// Whether a token can start at byte `at`: not white space, and not inside a word.
pub fn starts_token(source: &str, at: usize) -> bool {
    let bytes = source.as_bytes();
    at < bytes.len()
        && !crate::tokens::starts_trivia(source, at)
        && (at == 0
            // A byte-order mark (EF BB BF) is not part of a name.
            || bytes[..at].ends_with(&[0xef, 0xbb, 0xbf])
            || !(crate::tokens::is_ident_byte(bytes[at - 1])
                && crate::tokens::is_ident_byte(bytes[at])))
}

/// `function [*] [name] (`: the name if there is one, else the anonymous forms.
fn function_site(source: &str, node_start: usize, keyword: usize) -> IdSite {
    let bytes = source.as_bytes();
    let mut at = skip_trivia_forward(source, keyword + "function".len());
    if bytes.get(at) == Some(&b'*') {
        at = skip_trivia_forward(source, at + 1);
    }
    match bytes.get(at) {
        Some(b'(') => {
            if let Some(export) = export_default_before(source, node_start) {
                IdSite::At(export)
            } else {
                IdSite::At(static_before(source, node_start).unwrap_or(node_start))
            }
        }
        Some(_) => IdSite::At(at),
        None => IdSite::None,
    }
}

/// The `export` of an `export default` right before `at`.
fn export_default_before(source: &str, at: usize) -> Option<usize> {
    let end = skip_trivia_backward(source, at);
    let (default_start, word) = word_before(source, end);
    if word != "default" {
        return None;
    }
    let end = skip_trivia_backward(source, default_start);
    let (export_start, word) = word_before(source, end);
    (word == "export").then_some(export_start)
}

/// Modifiers that belong to a class member's node (JavaScript's `static`; TypeScript's
/// accessibility and the like, whose node starts at the first of them).
const MEMBER_MODIFIERS: [&str; 9] = [
    "static",
    "public",
    "private",
    "protected",
    "override",
    "readonly",
    "abstract",
    "declare",
    "accessor",
];

/// The first of the modifiers (`static`, TypeScript's `private` ...) right before a class member
/// V8 starts at `at` (V8 starts after `static`; a TypeScript map points after the others).
fn static_before(source: &str, at: usize) -> Option<usize> {
    let mut first = None;
    let mut at = at;
    loop {
        let end = skip_trivia_backward(source, at);
        let (start, word) = word_before(source, end);
        if start == end || !MEMBER_MODIFIERS.contains(&word) {
            return first;
        }
        first = Some(start);
        at = start;
    }
}

/// Arrows and class or object members; `None` for private members and anything that is not a
/// function's own start (a field initializer or a `static {}` block).
fn member_or_arrow_site(source: &str, start: usize) -> IdSite {
    let bytes = source.as_bytes();
    let node = || IdSite::At(static_before(source, start).unwrap_or(start));
    if bytes[start] == b'(' {
        return IdSite::At(start); // arrow parameters
    }
    let mut at = start;
    // Modifiers: `async`, `get`, `set`, `*` (a word is a modifier when a key follows it).
    loop {
        let word = word_at(source, at);
        if matches!(word, "async" | "get" | "set") || MEMBER_MODIFIERS.contains(&word) {
            let next = skip_trivia_forward(source, at + word.len());
            if bytes.get(next).is_some_and(|&b| starts_key(b)) {
                at = next;
                continue;
            }
        } else if bytes.get(at) == Some(&b'*') {
            at = skip_trivia_forward(source, at + 1);
            continue;
        }
        break;
    }
    // `#private` members: no key here, so no id.
    let key_end = match bytes.get(at) {
        Some(b'[') => skip_brackets(source, at),
        Some(b'\'') | Some(b'"') => skip_string(source, at),
        Some(&b) if crate::tokens::is_ident_byte(b) => Some(at + word_at(source, at).len()),
        _ => None,
    };
    let Some(key_end) = key_end else {
        return IdSite::None;
    };
    let after = skip_trivia_forward(source, key_end);
    match bytes.get(after) {
        Some(b'(') => node(),
        Some(b'=') if bytes.get(after + 1) == Some(&b'>') => IdSite::At(start), // `x => ...`
        // Only through a source map: a minified `w=>` whose start maps to the `w` of `(w) =>`.
        _ => arrow_around_parameter(source, start).map_or(IdSite::None, IdSite::At),
    }
}

/// The start of the arrow whose parenthesised parameters hold the token at `at`: its `(`, or
/// its `async`.
fn arrow_around_parameter(source: &str, at: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let open = skip_trivia_backward(source, at).checked_sub(1)?;
    if bytes[open] != b'(' {
        return None;
    }
    let close = skip_brackets(source, open)?;
    let mut after = skip_trivia_forward(source, close);
    if bytes.get(after) == Some(&b':') {
        // A TypeScript return type: `(w: T): R => ...`, with no `;`, `{` or `}` in it.
        let rest = &source[after..];
        let end = rest.find([';', '{', '}']).unwrap_or(rest.len());
        after += rest[..end].find("=>")?;
    }
    if !source[after..].starts_with("=>") {
        return None;
    }
    let end = skip_trivia_backward(source, open);
    let (async_start, word) = word_before(source, end);
    Some(if word == "async" { async_start } else { open })
}

fn starts_key(b: u8) -> bool {
    crate::tokens::is_ident_byte(b) || matches!(b, b'[' | b'\'' | b'"' | b'#' | b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text at the id site of the function V8 starts at the first `@` (removed).
    fn site(marked: &str) -> Option<String> {
        let start = marked.find('@').unwrap();
        let source = marked.replacen('@', "", 1);
        match id_site(&source, start) {
            IdSite::At(at) => Some(source[at..].chars().take(8).collect()),
            IdSite::None => None,
        }
    }

    #[test]
    fn token_starts() {
        assert!(starts_token("ab", 0));
        assert!(!starts_token("ab", 1), "inside a word");
        assert!(!starts_token("ab", 2), "the end");
        assert!(!starts_token("a ", 1), "white space");
        assert!(starts_token("a(", 1));
        assert!(starts_token("\u{feff}ab", 3), "after a byte-order mark");
    }

    #[test]
    fn no_site() {
        // A class's initializer in an arrow's parameters is not the arrow.
        assert_eq!(site("(a = @class { x = 1 }) => a"), None);
        // A start mapped onto `=>` or past the end.
        assert_eq!(site("(a) @=> a"), None);
        assert_eq!(site("@export "), None);
        assert_eq!(site("@export default"), None);
        assert_eq!(site("x = { get @"), None);
        assert_eq!(site("x = { @get"), None);
    }

    #[test]
    fn named_functions_point_at_their_name() {
        assert_eq!(site("@function foo() {}").as_deref(), Some("foo() {}"));
        assert_eq!(
            site("@async function* gen() {}").as_deref(),
            Some("gen() {}")
        );
        assert_eq!(
            site("export @function\n  late() {}").as_deref(),
            Some("late() {")
        );
        assert_eq!(site("x = @function /*c*/ g(){}").as_deref(), Some("g(){}"));
        assert_eq!(
            site("export default @function named() {}").as_deref(),
            Some("named() ")
        );
    }

    #[test]
    fn anonymous_forms() {
        assert_eq!(
            site("export default @function () {}").as_deref(),
            Some("export d")
        );
        assert_eq!(
            site("export default @async function () {}").as_deref(),
            Some("export d")
        );
        assert_eq!(site("x = @function () {}").as_deref(), Some("function"));
        assert_eq!(site("x = @async () => 1").as_deref(), Some("async ()"));
        assert_eq!(site("x = @async y => 1").as_deref(), Some("async y "));
        assert_eq!(site("f(@(a, b) => a)").as_deref(), Some("(a, b) ="));
        assert_eq!(site("f(@a => a)").as_deref(), Some("a => a)"));
    }

    #[test]
    fn members() {
        assert_eq!(
            site("class A { static @m() {} }").as_deref(),
            Some("static m")
        );
        assert_eq!(
            site("class A { static /* x */ @async *m() {} }").as_deref(),
            Some("static /")
        );
        assert_eq!(
            site("class A { static @get [k]() {} }").as_deref(),
            Some("static g")
        );
        assert_eq!(
            site("class A { static @static() {} }").as_deref(),
            Some("static s")
        );
        assert_eq!(
            site("class A { @static() {} }").as_deref(),
            Some("static()")
        );
        assert_eq!(
            site("class A { static@[k]() {} }").as_deref(),
            Some("static[k")
        );
        assert_eq!(site("class A { @get x() {} }").as_deref(), Some("get x() "));
        assert_eq!(
            site("class A { @constructor() {} }").as_deref(),
            Some("construc")
        );
        assert_eq!(site("o = { @'s'() {}, }").as_deref(), Some("'s'() {}"));
        assert_eq!(site("o = { @42() {} }").as_deref(), Some("42() {} "));
        assert_eq!(site("o = { @*gen() {} }").as_deref(), Some("*gen() {"));
        assert_eq!(site("o = { @async() {} }").as_deref(), Some("async() "));
        assert_eq!(site("o = { @get() {} }").as_deref(), Some("get() {}"));
    }

    #[test]
    fn positions_a_source_map_can_point_at() {
        // TypeScript: the node starts at the first modifier.
        assert_eq!(
            site("class A { private @m() {} }").as_deref(),
            Some("private ")
        );
        assert_eq!(
            site("class A { protected override @m() {} }").as_deref(),
            Some("protecte")
        );
        assert_eq!(
            site("class A { @static m() {} }").as_deref(),
            Some("static m")
        );
        assert_eq!(
            site("class A { @public static async m() {} }").as_deref(),
            Some("public s")
        );
        // A start mapped to `export`.
        assert_eq!(site("@export function f() {}").as_deref(), Some("f() {}"));
        assert_eq!(
            site("@export default function () {}").as_deref(),
            Some("export d")
        );
        assert_eq!(site("@export const x = 1;"), None);
        // A minified single-parameter arrow mapped into `(w) =>`.
        assert_eq!(site("f((@w) => w)").as_deref(), Some("(w) => w"));
        assert_eq!(site("f(async (@w) => w)").as_deref(), Some("async (w"));
        assert_eq!(
            site("f((@w: string): string => w)").as_deref(),
            Some("(w: stri")
        );
        assert_eq!(site("f((@w), 1)"), None);
    }

    #[test]
    fn functions_without_ids() {
        assert_eq!(site("class A { @#p() {} }"), None);
        assert_eq!(site("class A { static @#p() {} }"), None);
        assert_eq!(site("class A { @get #p() {} }"), None);
        assert_eq!(site("class A { @async *#p() {} }"), None);
        assert_eq!(site("@class A { }"), None);
        assert_eq!(site("class A { @x = 1; }"), None);
        assert_eq!(site("class A { static @{ init(); } }"), None);
        assert_eq!(site("@"), None);
    }
}

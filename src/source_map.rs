//! A script's source map: finding it (an inline `data:` URL, a `.map` named by
//! `//# sourceMappingURL=`, or one handed over), decoding it once into flat arrays sorted by
//! generated offset, and resolving its sources to locations (paths or URLs).
//!
//! The VLQ mappings are decoded here in one pass straight into the flat arrays (a crate for it,
//! `oxc_sourcemap`, added 72 KB to the 240 KB wasm module; it stays as a test-only dependency
//! that the decoder is checked against). Index maps (`sections`) are decoded section by section.

use crate::compact_u32s::CompactU32s;
use crate::line_index::LineIndex;
use crate::packed_text::PackedText;
use crate::project::{is_windows_path, percent_decode_bytes, url_to_path};
use crate::runs_u32::RunsU32;
use serde_json::value::RawValue;
use std::fmt;
use std::ops::Range;

/// Why a script's source map cannot be used, and where it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapError {
    /// The script names a map at `location` that was not handed over.
    NotFound {
        /// Where the map was looked for.
        location: String,
    },
    /// The map at `location` is not UTF-8 text.
    NotUtf8 {
        /// Where the map is.
        location: String,
        /// Byte offset of the first invalid byte.
        byte_offset: usize,
    },
    /// An inline `data:` URL without the comma before its payload.
    DataUrlWithoutComma,
    /// An inline `data:` URL whose payload is not base64.
    DataUrlNotBase64,
    /// An inline `data:` URL whose payload is not UTF-8.
    DataUrlNotUtf8,
    /// The map at `location` is not a valid map.
    Malformed {
        /// Where the map is (the script's URL for an inline one).
        location: String,
        /// What is wrong in it.
        problem: Malformed,
    },
}

/// What is wrong inside a map's text; offsets `at` are byte offsets in its `mappings`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// Not JSON, or JSON without a map's fields (what serde_json said, with the position).
    Json(String),
    /// A `version` other than 3.
    Version(u32),
    /// A mapping names a source the `sources` list does not have.
    SourceOutOfRange {
        /// The source index named.
        source: u32,
        /// How many sources the map lists.
        sources: u32,
    },
    /// A segment with more than 5 fields.
    TooManyFields {
        /// Where the sixth field starts.
        at: usize,
    },
    /// A segment with 2 or 3 fields.
    FieldCount {
        /// How many fields it has.
        count: usize,
        /// Where the segment ends.
        at: usize,
    },
    /// A column, source, original line or original column below 0 or past 32 bits.
    Negative {
        /// Where the segment ends.
        at: usize,
    },
    /// The mappings end inside a value.
    UnfinishedValue,
    /// A character that is not a base64 digit.
    NotBase64 {
        /// The character.
        digit: char,
        /// Where it is.
        at: usize,
    },
    /// A value of more than 7 digits (more than the 32 bits maps hold).
    ValueTooLong {
        /// Where the value's digits end.
        at: usize,
    },
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapError::NotFound { location } => write!(f, "no map at {location}"),
            MapError::NotUtf8 {
                location,
                byte_offset,
            } => write!(f, "{location} is not UTF-8 at byte {byte_offset}"),
            MapError::DataUrlWithoutComma => f.write_str("the data: URL has no comma"),
            MapError::DataUrlNotBase64 => f.write_str("the data: URL is not valid base64"),
            MapError::DataUrlNotUtf8 => f.write_str("the data: URL is not UTF-8"),
            MapError::Malformed { location, problem } => write!(f, "{location}: {problem}"),
        }
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Json(message) => f.write_str(message),
            Malformed::Version(version) => write!(f, "version {version} is not 3"),
            Malformed::SourceOutOfRange { source, sources } => {
                write!(f, "a mapping names source {source} of {sources}")
            }
            Malformed::TooManyFields { at } => {
                write!(f, "a mapping segment has more than 5 fields at {at}")
            }
            Malformed::FieldCount { count, at } => {
                write!(f, "a mapping segment has {count} fields at {at}")
            }
            Malformed::Negative { at } => write!(f, "a mapping segment goes negative at {at}"),
            Malformed::UnfinishedValue => f.write_str("the mappings end inside a value"),
            Malformed::NotBase64 { digit, at } => {
                write!(f, "`{digit}` is not a base64 digit at {at}")
            }
            Malformed::ValueTooLong { at } => write!(f, "a value is too long at {at}"),
        }
    }
}

/// One original source of a map.
#[derive(Clone, Debug)]
pub struct OriginalSource {
    /// Where it is: an absolute path when the map says a file, else the URL as resolved.
    pub location: String,
    /// Its text, when the map carries it (`sourcesContent`) and it was asked to be kept.
    pub content: Option<PackedText>,
    /// The number of lines of that text (0 without one).
    pub content_lines: usize,
    /// Whether v8-to-istanbul finds it by its name (see `compat_mapped::keeps_name`).
    pub name_kept: bool,
}

/// A decoded map: mappings sorted by generated offset, as parallel arrays.
#[derive(Clone, Debug, Default)]
pub struct DecodedMap {
    /// The original sources, indexed by `source`.
    pub sources: Vec<OriginalSource>,
    /// Generated offset (UTF-16 code units) of each mapping, ascending.
    pub generated: Vec<u32>,
    /// Original source index of each mapping, as runs of one source.
    pub source: RunsU32,
    /// Original line of each mapping, from 0.
    pub line: CompactU32s,
    /// Original column of each mapping, from 0, in UTF-16 code units.
    pub column: CompactU32s,
}

impl DecodedMap {
    /// Where mapping `k` points: (source index, line from 0, column from 0).
    pub fn original(&self, k: usize) -> (u32, u32, u32) {
        (self.source.get(k), self.line.get(k), self.column.get(k))
    }

    /// Index of the last mapping at or before generated `offset`.
    pub fn mapping_at(&self, offset: u32) -> Option<usize> {
        self.generated
            .partition_point(|&g| g <= offset)
            .checked_sub(1)
    }
}

/// The URL in a script's last `//# sourceMappingURL=` (or `//@`, or `/*# ... */`) comment.
pub fn find_reference(source: &str) -> Option<&str> {
    let mut search_end = source.len();
    while let Some(at) = source[..search_end].rfind("sourceMappingURL=") {
        let before = source[..at].trim_end_matches([' ', '\t']);
        if before.ends_with("//#")
            || before.ends_with("//@")
            || before.ends_with("/*#")
            || before.ends_with("/*@")
        {
            let rest = &source[at + "sourceMappingURL=".len()..];
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '*')
                .unwrap_or(rest.len());
            let url = &rest[..end];
            return (!url.is_empty()).then_some(url);
        }
        search_end = at;
    }
    None
}

/// The JSON text of a `data:` URL map, or `None` when `url` is not a `data:` URL.
pub fn data_url_text(url: &str) -> Option<Result<String, MapError>> {
    let rest = url.strip_prefix("data:")?;
    let Some((header, payload)) = rest.split_once(',') else {
        return Some(Err(MapError::DataUrlWithoutComma));
    };
    let bytes = if header.ends_with(";base64") {
        match base64_decode(payload) {
            Some(bytes) => bytes,
            None => return Some(Err(MapError::DataUrlNotBase64)),
        }
    } else {
        percent_decode_bytes(payload)
    };
    Some(String::from_utf8(bytes).map_err(|_| MapError::DataUrlNotUtf8))
}

/// The value of a base64 digit of the standard alphabet (the one source map mappings use).
fn base64_digit(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    // A data: URL may use the URL-safe alphabet too.
    let value = |c: u8| {
        base64_digit(match c {
            b'-' => b'+',
            b'_' => b'/',
            c => c,
        })
        .map(u32::from)
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &c in text.as_bytes() {
        if c == b'=' || c.is_ascii_whitespace() {
            continue;
        }
        buffer = (buffer << 6) + value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Resolves `reference` against `base` (a `file:` URL or an absolute path): the result is an
/// absolute path for files, else a URL (`webpack://...`) or a Windows path (`c:/x`, `\\x`, from
/// a dependency's own map) left as it is.
pub fn resolve(base: &str, reference: &str) -> String {
    if let Some(path) = url_to_path(reference) {
        return path;
    }
    if is_rooted(reference) {
        return reference.to_owned();
    }
    let base_path = url_to_path(base).unwrap_or_else(|| base.to_owned());
    let folder = match base_path.rfind('/') {
        Some(at) => &base_path[..at],
        None => "",
    };
    format!("{folder}/{reference}")
}

/// Whether `reference` does not resolve against a folder: a `/` path, a Windows path or a URL.
fn is_rooted(reference: &str) -> bool {
    reference.starts_with('/') || is_windows_path(reference) || has_scheme(reference)
}

fn has_scheme(text: &str) -> bool {
    match text.find(':') {
        Some(at) if at > 1 => text[..at]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')),
        _ => false,
    }
}

#[derive(serde::Deserialize)]
struct IndexMap<'a> {
    #[serde(borrow)]
    sections: Vec<Section<'a>>,
}

#[derive(serde::Deserialize)]
struct Section<'a> {
    offset: SectionOffset,
    #[serde(borrow)]
    map: &'a RawValue,
}

#[derive(serde::Deserialize)]
struct SectionOffset {
    line: u32,
    column: u32,
}

/// Decodes the map `json`, found at `location` (a URL or path sources are relative to), for a
/// generated script whose line table is `generated`. `bom`: the script starts with a byte-order
/// mark, which the map's columns do not count (as in the text a loader or browser decodes; tsc
/// `--emitBOM`). The texts of the sources whose location `keep_text` accepts are kept, packed
/// (`PackedText`). The JSON's string values are unescaped where they are (no copy of the texts
/// beside the JSON: for a bundle's map that was the converter's high-water mark, and WebAssembly
/// memory never shrinks), the texts packed from there, and the buffer cut down to the mappings
/// before they are decoded.
pub fn decode(
    json: String,
    location: &str,
    generated: &LineIndex,
    bom: bool,
    keep_text: &dyn Fn(&str) -> bool,
) -> Result<DecodedMap, Malformed> {
    let mut out = DecodedMap::default();
    let mut pieces = Pieces::default();
    let base = json.as_ptr() as usize;
    let index = json
        .contains("\"sections\"")
        .then(|| serde_json::from_str::<IndexMap<'_>>(&json).ok())
        .flatten();
    let mut maps = Vec::new();
    match index {
        Some(index) => {
            for section in index.sections {
                let offset = (section.offset.line, section.offset.column);
                let map = section.map.get();
                maps.push(read_map(
                    map,
                    base,
                    offset,
                    location,
                    keep_text,
                    &mut out,
                    &mut pieces,
                )?);
            }
        }
        None => maps.push(read_map(
            &json,
            base,
            (0, 0),
            location,
            keep_text,
            &mut out,
            &mut pieces,
        )?),
    }
    let mut buffer = json.into_bytes();
    let Pieces {
        mut literals,
        texts,
    } = pieces;
    let end = crate::json_strings::compact_literals(&mut buffer, &mut literals);
    buffer.truncate(end);
    buffer.shrink_to_fit();
    for &(source, at) in &texts {
        let content = std::str::from_utf8(&buffer[literals[at].clone()])
            .map_err(|_| Malformed::Json(format!("sourcesContent[{source}] is not UTF-8")))?;
        out.sources[source].content = Some(PackedText::pack(content));
        out.sources[source].content_lines = crate::line_index::count_lines(content);
    }
    // The mappings alone: moved to the front, the rest of the buffer given back.
    let mut mappings: Vec<Range<usize>> = (maps.iter())
        .map(|map| literals[map.mappings].clone())
        .collect();
    let end = crate::json_strings::compact_texts(&mut buffer, &mut mappings);
    buffer.truncate(end);
    buffer.shrink_to_fit();
    // Whether the mappings came in generated order (every generator writes them so): then they
    // are kept as decoded, straight into the map's arrays, and need no sorted copy.
    let mut in_order = true;
    for (map, range) in maps.iter().zip(&mappings) {
        let mappings = std::str::from_utf8(&buffer[range.clone()])
            .map_err(|_| Malformed::Json("the mappings are not UTF-8".into()))?;
        add_mappings(
            mappings,
            map.sources.clone(),
            map.offset,
            (generated, bom),
            &mut out,
            &mut in_order,
        )?;
    }
    Ok(finish(out, in_order))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMap<'a> {
    version: u32,
    #[serde(default, borrow)]
    source_root: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    sources: Vec<Option<std::borrow::Cow<'a, str>>>,
    #[serde(default, borrow)]
    sources_content: Vec<Option<&'a RawValue>>,
    #[serde(borrow)]
    mappings: &'a RawValue,
}

/// The string values of a map's JSON that `decode` keeps, as ranges of its buffer.
#[derive(Default)]
struct Pieces {
    /// Each string literal, quotes included (its text once compacted).
    literals: Vec<Range<usize>>,
    /// (source index, literal index) of each kept text.
    texts: Vec<(usize, usize)>,
}

/// One map of the JSON (the map, or a section of an index map).
struct MapPieces {
    /// Its sources, in `DecodedMap::sources`.
    sources: Range<u32>,
    /// Its generated (line, column) offset.
    offset: (u32, u32),
    /// Its mappings' literal, in `Pieces::literals`.
    mappings: usize,
}

/// Adds the sources of one map (`json`, part of the buffer starting at `base`) to `out`, and
/// the literals of its kept texts and of its mappings to `pieces`.
fn read_map(
    json: &str,
    base: usize,
    offset: (u32, u32),
    location: &str,
    keep_text: &dyn Fn(&str) -> bool,
    out: &mut DecodedMap,
    pieces: &mut Pieces,
) -> Result<MapPieces, Malformed> {
    let map: RawMap<'_> = serde_json::from_str(json).map_err(|e| Malformed::Json(e.to_string()))?;
    if map.version != 3 {
        return Err(Malformed::Version(map.version));
    }
    let literal = |value: &RawValue, what: &str| {
        let text = value.get();
        if !text.starts_with('"') {
            return Err(Malformed::Json(format!("{what} is not a string")));
        }
        let start = text.as_ptr() as usize - base;
        Ok(start..start + text.len())
    };
    let root = map.source_root.as_deref().unwrap_or("");
    let first_source = out.sources.len() as u32;
    for (at, source) in map.sources.iter().enumerate() {
        let source = source.as_deref().unwrap_or("");
        let joined = if root.is_empty() || is_rooted(source) {
            source.to_owned()
        } else {
            format!("{}/{}", root.trim_end_matches('/'), source)
        };
        let location = resolve(location, &joined);
        if let Some(Some(content)) = map.sources_content.get(at) {
            let range = literal(content, &format!("sourcesContent[{at}]"))?;
            if keep_text(&location) {
                pieces
                    .texts
                    .push((out.sources.len(), pieces.literals.len()));
                pieces.literals.push(range);
            }
        }
        out.sources.push(OriginalSource {
            location,
            content: None,
            content_lines: 0,
            name_kept: crate::compat_mapped::keeps_name(root, source),
        });
    }
    pieces.literals.push(literal(map.mappings, "mappings")?);
    Ok(MapPieces {
        sources: first_source..out.sources.len() as u32,
        offset,
        mappings: pieces.literals.len() - 1,
    })
}

/// Decodes one map's `mappings` into `out`; its sources are `sources` of `out.sources`.
fn add_mappings(
    mappings: &str,
    sources: std::ops::Range<u32>,
    (line_offset, column_offset): (u32, u32),
    (generated, bom): (&LineIndex, bool),
    out: &mut DecodedMap,
    in_order: &mut bool,
) -> Result<(), Malformed> {
    let (first_source, count) = (sources.start, sources.end - sources.start);
    let starts = generated.line_starts();
    // At most one mapping per segment: room for all of them at once, not doubled as they come.
    let segments = mappings.bytes().filter(|&b| b == b',' || b == b';').count() + 1;
    out.generated.reserve(segments);
    out.line.reserve(segments);
    out.column.reserve(segments);
    decode_mappings(
        mappings,
        |line, column, source, original_line, original_column| {
            if source >= count {
                return Err(Malformed::SourceOutOfRange {
                    source,
                    sources: count,
                });
            }
            // A section's offset past 32 bits puts the mapping past the script's end: it maps
            // nothing, as every mapping past the line table.
            let Some(line) = line.checked_add(line_offset) else {
                return Ok(());
            };
            let column = column.checked_add(if line == line_offset {
                column_offset
            } else {
                0
            });
            if let (Some(&line_start), Some(column)) = (starts.get(line as usize), column) {
                // Line 0 starts after a byte-order mark (line_start is 0 there).
                let Some(offset) = line_start
                    .checked_add(column)
                    .and_then(|offset| offset.checked_add(u32::from(bom && line == 0)))
                else {
                    return Ok(());
                };
                if out.generated.last().is_some_and(|&last| offset < last) {
                    *in_order = false;
                }
                out.generated.push(offset);
                out.source.push(first_source + source);
                out.line.push(original_line);
                out.column.push(original_column);
            }
            Ok(())
        },
    )
}

/// Decodes VLQ `mappings`, calling `each(generated line, generated column, source, original
/// line, original column)` for every segment that names a source (all from 0).
pub fn decode_mappings(
    mappings: &str,
    mut each: impl FnMut(u32, u32, u32, u32, u32) -> Result<(), Malformed>,
) -> Result<(), Malformed> {
    let bytes = mappings.as_bytes();
    let (mut line, mut column) = (0i64, 0i64);
    let (mut source, mut original_line, mut original_column) = (0i64, 0i64, 0i64);
    let mut at = 0usize;
    let mut fields = [0i64; 5];
    while at < bytes.len() {
        match bytes[at] {
            b';' => {
                line += 1;
                column = 0;
                at += 1;
                continue;
            }
            b',' => {
                at += 1;
                continue;
            }
            _ => {}
        }
        let mut count = 0;
        while at < bytes.len() && bytes[at] != b',' && bytes[at] != b';' {
            if count == 5 {
                return Err(Malformed::TooManyFields { at });
            }
            fields[count] = vlq(bytes, &mut at)?;
            count += 1;
        }
        column += fields[0];
        if count == 4 || count == 5 {
            source += fields[1];
            original_line += fields[2];
            original_column += fields[3];
            let values = [line, column, source, original_line, original_column].map(u32::try_from);
            let [Ok(line), Ok(column), Ok(source), Ok(original_line), Ok(original_column)] = values
            else {
                return Err(Malformed::Negative { at });
            };
            each(line, column, source, original_line, original_column)?;
        } else if count != 1 {
            return Err(Malformed::FieldCount { count, at });
        }
    }
    Ok(())
}

fn vlq(bytes: &[u8], at: &mut usize) -> Result<i64, Malformed> {
    let mut value = 0i64;
    // At most 7 digits (35 bits): more do not fit the 32-bit values maps hold.
    for shift in (0..35).step_by(5) {
        let Some(&c) = bytes.get(*at) else {
            return Err(Malformed::UnfinishedValue);
        };
        let Some(digit) = base64_digit(c).map(i64::from) else {
            return Err(Malformed::NotBase64 {
                digit: c as char,
                at: *at,
            });
        };
        *at += 1;
        value |= (digit & 0x1f) << shift;
        if digit & 0x20 == 0 {
            return Ok(if value & 1 == 1 {
                -(value >> 1)
            } else {
                value >> 1
            });
        }
    }
    Err(Malformed::ValueTooLong { at: *at })
}

/// The decoded map, its mappings sorted by generated offset when they did not come so (whole
/// tuples: equal offsets keep a fixed order).
fn finish(mut out: DecodedMap, in_order: bool) -> DecodedMap {
    if !in_order {
        let mut tokens: Vec<(u32, (u32, u32, u32))> = (0..out.generated.len())
            .map(|k| (out.generated[k], out.original(k)))
            .collect();
        tokens.sort_unstable();
        out.generated = tokens.iter().map(|&(generated, _)| generated).collect();
        out.source = tokens.iter().map(|&(_, (source, _, _))| source).collect();
        out.line = tokens.iter().map(|&(_, (_, line, _))| line).collect();
        out.column = tokens.iter().map(|&(_, (_, _, column))| column).collect();
    }
    out.source.shrink_to_fit();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_last_reference() {
        let source =
            "a();\n//# sourceMappingURL=old.map\nb();\n//# sourceMappingURL=index.js.map\n";
        assert_eq!(find_reference(source), Some("index.js.map"));
        assert_eq!(find_reference("x = 'sourceMappingURL=no'"), None);
        assert_eq!(
            find_reference("/*# sourceMappingURL=a.map */"),
            Some("a.map")
        );
    }

    #[test]
    fn map_errors_say_what_and_where() {
        let malformed = |problem| MapError::Malformed {
            location: "/app/x.js.map".into(),
            problem,
        };
        let cases = [
            (
                MapError::NotFound {
                    location: "/app/x.js.map".into(),
                },
                "no map at /app/x.js.map",
            ),
            (
                MapError::NotUtf8 {
                    location: "/app/x.js.map".into(),
                    byte_offset: 9,
                },
                "/app/x.js.map is not UTF-8 at byte 9",
            ),
            (MapError::DataUrlWithoutComma, "the data: URL has no comma"),
            (
                MapError::DataUrlNotBase64,
                "the data: URL is not valid base64",
            ),
            (MapError::DataUrlNotUtf8, "the data: URL is not UTF-8"),
            (
                malformed(Malformed::Json("EOF while parsing".into())),
                "/app/x.js.map: EOF while parsing",
            ),
            (
                malformed(Malformed::Version(2)),
                "/app/x.js.map: version 2 is not 3",
            ),
            (
                malformed(Malformed::SourceOutOfRange {
                    source: 1,
                    sources: 1,
                }),
                "/app/x.js.map: a mapping names source 1 of 1",
            ),
            (
                malformed(Malformed::TooManyFields { at: 5 }),
                "/app/x.js.map: a mapping segment has more than 5 fields at 5",
            ),
            (
                malformed(Malformed::FieldCount { count: 2, at: 2 }),
                "/app/x.js.map: a mapping segment has 2 fields at 2",
            ),
            (
                malformed(Malformed::UnfinishedValue),
                "/app/x.js.map: the mappings end inside a value",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
        let generated = LineIndex::new("ab\n");
        let version = r#"{"version":2,"sources":[],"mappings":""}"#;
        assert_eq!(
            decode(version.into(), "/x", &generated, false, &|_| true).unwrap_err(),
            Malformed::Version(2)
        );
        let wrong_source = r#"{"version":3,"sources":["a.ts"],"mappings":"ACAA"}"#;
        assert_eq!(
            decode(wrong_source.into(), "/x", &generated, false, &|_| true).unwrap_err(),
            Malformed::SourceOutOfRange {
                source: 1,
                sources: 1
            }
        );
        let check = |mappings| decode_mappings(mappings, |_, _, _, _, _| Ok(())).unwrap_err();
        assert_eq!(check("AAAAAA"), Malformed::TooManyFields { at: 5 });
        assert_eq!(check("AA"), Malformed::FieldCount { count: 2, at: 2 });
        assert_eq!(check("Ag"), Malformed::UnfinishedValue);
    }

    #[test]
    fn data_urls() {
        let url = "data:application/json;charset=utf-8;base64,eyJ2ZXJzaW9uIjozfQ==";
        assert_eq!(data_url_text(url).unwrap().unwrap(), "{\"version\":3}");
        assert_eq!(
            data_url_text("data:application/json,%7B%7D")
                .unwrap()
                .unwrap(),
            "{}"
        );
        assert_eq!(
            data_url_text("data:x;base64,@@"),
            Some(Err(MapError::DataUrlNotBase64))
        );
        assert_eq!(
            data_url_text("data:x;base64"),
            Some(Err(MapError::DataUrlWithoutComma))
        );
        assert_eq!(
            data_url_text("data:x,%FF"),
            Some(Err(MapError::DataUrlNotUtf8))
        );
        // `+` and `/`, or their URL-safe `-` and `_`.
        for payload in ["eyJhIjoiw7/Dv8O+In0=", "eyJhIjoiw7_Dv8O-In0="] {
            let url = format!("data:application/json;base64,{payload}");
            assert_eq!(data_url_text(&url).unwrap().unwrap(), "{\"a\":\"ÿÿþ\"}");
        }
        assert!(data_url_text("data:application/json,%😀%é")
            .unwrap()
            .is_ok());
        assert!(data_url_text("index.js.map").is_none());
    }

    #[test]
    fn resolving_sources() {
        assert_eq!(
            resolve("file:///app/dist/index.js.map", "../src/a.ts"),
            "/app/dist/../src/a.ts"
        );
        assert_eq!(resolve("/app/dist/index.js", "a.ts"), "/app/dist/a.ts");
        assert_eq!(resolve("/app/dist/index.js", "a"), "/app/dist/a");
        assert_eq!(resolve("/app/dist/index.js", "a:"), "a:");
        // Not a scheme: a digit before `:`, or nothing.
        assert_eq!(resolve("/app/dist/index.js", "1:x"), "/app/dist/1:x");
        assert_eq!(resolve("/app/dist/index.js", ":x"), "/app/dist/:x");
        assert_eq!(resolve("/app/dist/index.js", "/abs/a.ts"), "/abs/a.ts");
        assert_eq!(
            resolve("/app/dist/index.js", "file:///abs/a.ts"),
            "/abs/a.ts"
        );
        assert_eq!(
            resolve("/app/dist/index.js", "webpack://app/./src/a.ts"),
            "webpack://app/./src/a.ts"
        );
        // Windows paths from a dependency's own map are not relative to the map.
        for windows in ["c:/Projects/d/src/index.ts", "C:\\d\\a.ts", "\\d\\a.ts"] {
            assert_eq!(resolve("/app/dist/index.js", windows), windows);
        }
    }

    /// Found by the fuzzer (tests/fixtures/fuzz/converter-*.json): a section's offset or a column
    /// near 2^32 overflowed (a panic with overflow checks, a wrapped position without): such
    /// mappings are past the script's end and map nothing; the others still do.
    #[test]
    fn offsets_past_32_bits_map_nothing() {
        let generated = LineIndex::new("ab\ncd\n");
        // One mapping at column 1 of the section's first line, or of its second.
        let first = r#"{"version":3,"sources":["a.ts"],"names":[],"mappings":"CAAA"}"#;
        let second = r#"{"version":3,"sources":["a.ts"],"names":[],"mappings":";CAAA"}"#;
        let section = |line: u32, column: u32, map: &str| {
            format!(r#"{{"offset":{{"line":{line},"column":{column}}},"map":{map}}}"#)
        };
        let index = format!(
            r#"{{"version":3,"sections":[{},{},{},{}]}}"#,
            section(0, 0, first),
            section(u32::MAX, 0, second),
            section(1, u32::MAX, first),
            section(1, u32::MAX - 3, first)
        );
        let map = decode(index, "/app/x.js.map", &generated, false, &|_| true).unwrap();
        assert_eq!(map.generated, [1]);
        assert_eq!(map.source, vec![0].into());
    }

    /// A section's mappings name the section's own sources: the second section of an index map
    /// has one source, so its source 1 is out of range even though the map has two in all.
    #[test]
    fn a_sections_source_is_counted_in_its_section() {
        let generated = LineIndex::new("ab\ncd\n");
        let own = r#"{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAA"}"#;
        let past = r#"{"version":3,"sources":["b.ts"],"names":[],"mappings":"ACAA"}"#;
        let index = format!(
            r#"{{"version":3,"sections":[{{"offset":{{"line":0,"column":0}},"map":{own}}},{{"offset":{{"line":1,"column":0}},"map":{past}}}]}}"#
        );
        assert_eq!(
            decode(index, "/app/x.js.map", &generated, false, &|_| true).unwrap_err(),
            Malformed::SourceOutOfRange {
                source: 1,
                sources: 1
            }
        );
    }

    #[test]
    fn decodes_plain_and_index_maps() {
        let generated = LineIndex::new("ab\ncd\n");
        // One mapping: generated 1:1 -> source 0, line 0, column 0.
        let plain = r#"{"version":3,"sources":["a.ts"],"names":[],"mappings":";CAAA"}"#;
        let map = decode(
            plain.into(),
            "/app/dist/x.js.map",
            &generated,
            false,
            &|_| true,
        )
        .unwrap();
        assert_eq!(map.generated, [4]);
        assert_eq!(map.sources[0].location, "/app/dist/a.ts");
        let index = format!(
            r#"{{"version":3,"sections":[{{"offset":{{"line":0,"column":1}},"map":{plain}}},{{"offset":{{"line":1,"column":0}},"map":{plain}}}]}}"#
        );
        let map = decode(index, "/app/x.js.map", &generated, false, &|_| true).unwrap();
        assert_eq!(map.generated, [4, 7]);
        assert_eq!(map.source, vec![0, 1].into());
        assert_eq!(map.mapping_at(5), Some(0));
        assert_eq!(map.mapping_at(3), None);
        assert!(decode("{".into(), "/x", &generated, false, &|_| true).is_err());
        let bad = r#"{"version":3,"sources":["a.ts"],"mappings":"AA!A"}"#;
        let error = decode(bad.into(), "/x", &generated, false, &|_| true).unwrap_err();
        assert_eq!(error, Malformed::NotBase64 { digit: '!', at: 2 });
        assert_eq!(error.to_string(), "`!` is not a base64 digit at 2");
        // Segments of 2 or 3 fields; a value of 8 digits (7 are 35 bits).
        assert!(decode_mappings("AA", |_, _, _, _, _| Ok(())).is_err());
        assert!(decode_mappings("AAA", |_, _, _, _, _| Ok(())).is_err());
        let mut calls = Vec::new();
        decode_mappings("C,AAAA,gggggggB", |a, b, c, d, e| {
            calls.push((a, b, c, d, e));
            Ok(())
        })
        .unwrap_err();
        assert_eq!(
            calls,
            [(0, 1, 0, 0, 0)],
            "a 1-field segment moves the column only"
        );
        let error = decode_mappings("gggggggB", |_, _, _, _, _| Ok(())).unwrap_err();
        assert_eq!(error, Malformed::ValueTooLong { at: 7 });
        assert_eq!(error.to_string(), "a value is too long at 7");
        let mut seven = Vec::new();
        decode_mappings("ggggggA,CAAA", |a, b, c, d, e| {
            seven.push((a, b, c, d, e));
            Ok(())
        })
        .unwrap();
        assert_eq!(seven, [(0, 1, 0, 0, 0)], "7 digits are a value");
        // A column, source, original line or original column below 0.
        for mappings in ["ADAA", "AADA", "AAAD", "AAAA,DAAA", "CAAA,AAAD"] {
            let error = decode_mappings(mappings, |_, _, _, _, _| Ok(())).unwrap_err();
            let at = mappings.len();
            assert_eq!(error, Malformed::Negative { at }, "{mappings}");
            assert_eq!(
                error.to_string(),
                format!("a mapping segment goes negative at {at}")
            );
        }
        let wrong_source = r#"{"version":3,"sources":["a.ts"],"mappings":"ACAA"}"#;
        assert!(decode(wrong_source.into(), "/x", &generated, false, &|_| true).is_err());
    }

    /// The hand-written decoder gives oxc_sourcemap's tokens on a real-size map.
    #[test]
    fn mappings_agree_with_oxc_sourcemap() {
        let mut mappings = String::new();
        let mut json_sources = Vec::new();
        for source in 0..7 {
            json_sources.push(format!("\"s{source}.ts\""));
        }
        // Deterministic pseudo-random segments with multi-byte and negative deltas.
        let mut seed = 12345u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let (mut prev_source, mut prev_line, mut prev_column) = (0i64, 0i64, 0i64);
        for line in 0..300 {
            if line > 0 {
                mappings.push(';');
            }
            for segment in 0..next(12) {
                if segment > 0 {
                    mappings.push(',');
                }
                let dc = next(90) as i64 + 1;
                let source = next(7) as i64;
                let orig_line = next(5000) as i64;
                let orig_column = next(200) as i64;
                for value in [
                    dc,
                    source - prev_source,
                    orig_line - prev_line,
                    orig_column - prev_column,
                ] {
                    encode_vlq(value, &mut mappings);
                }
                (prev_source, prev_line, prev_column) = (source, orig_line, orig_column);
            }
        }
        let json = format!(
            r#"{{"version":3,"sources":[{}],"names":[],"mappings":"{mappings}"}}"#,
            json_sources.join(",")
        );
        let mut ours = Vec::new();
        decode_mappings(&mappings, |a, b, c, d, e| {
            ours.push((a, b, c, d, e));
            Ok(())
        })
        .unwrap();
        let theirs: Vec<_> = oxc_sourcemap::SourceMap::from_json_string(&json)
            .unwrap()
            .get_tokens()
            .map(|t| {
                (
                    t.get_dst_line(),
                    t.get_dst_col(),
                    t.get_source_id().unwrap(),
                    t.get_src_line(),
                    t.get_src_col(),
                )
            })
            .collect();
        assert!(ours.len() > 1000);
        assert_eq!(ours, theirs);
    }

    /// An index map whose one section starts part way into the first line (a prelude `x=1;`
    /// before the module) gives tsc's mappings of `tests/fixtures/maps`, moved by the prelude.
    #[test]
    fn a_section_at_a_column() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/maps");
        let script = std::fs::read_to_string(dir.join("dist/tsc-esm/router.js")).unwrap();
        let json = std::fs::read_to_string(dir.join("dist/tsc-esm/router.js.map")).unwrap();
        let location = "/project/dist/tsc-esm/router.js.map";
        let plain = decode(
            json.clone(),
            location,
            &LineIndex::new(&script),
            false,
            &|_| true,
        )
        .unwrap();
        let index = format!(
            r#"{{"version":3,"sections":[{{"offset":{{"line":0,"column":4}},"map":{json}}}]}}"#
        );
        let prefixed = LineIndex::new(&format!("x=1;{script}"));
        let moved = decode(index, location, &prefixed, false, &|_| true).unwrap();
        let expected: Vec<u32> = plain.generated.iter().map(|g| g + 4).collect();
        // Mappings on the first line (moved by the section's column) and on later ones.
        assert_eq!(plain.generated[..2], [0, 6]);
        assert!(plain.generated.len() > 100);
        assert_eq!(moved.generated, expected);
        assert_eq!(
            (&moved.source, &moved.line, &moved.column),
            (&plain.source, &plain.line, &plain.column)
        );
    }

    /// `json` with its first `keep` generated lines only, each line's segments written last to
    /// first when `reverse` (legal: a column delta may be negative).
    fn rewritten(json: &str, keep: usize, reverse: bool) -> String {
        let mut map: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut lines: Vec<Vec<(u32, u32, u32, u32)>> = Vec::new();
        decode_mappings(map["mappings"].as_str().unwrap(), |l, c, s, ol, oc| {
            lines.resize(lines.len().max(l as usize + 1), Vec::new());
            lines[l as usize].push((c, s, ol, oc));
            Ok(())
        })
        .unwrap();
        let mut mappings = String::new();
        let mut previous = (0i64, 0i64, 0i64);
        for (i, line) in lines.iter().take(keep).enumerate() {
            if i > 0 {
                mappings.push(';');
            }
            let mut column = 0i64;
            let mut segments = line.clone();
            if reverse {
                segments.reverse();
            }
            for (j, &(c, s, ol, oc)) in segments.iter().enumerate() {
                if j > 0 {
                    mappings.push(',');
                }
                let (c, s, ol, oc) = (c as i64, s as i64, ol as i64, oc as i64);
                for value in [c - column, s - previous.0, ol - previous.1, oc - previous.2] {
                    encode_vlq(value, &mut mappings);
                }
                column = c;
                previous = (s, ol, oc);
            }
        }
        map["mappings"] = mappings.into();
        map.to_string()
    }

    /// Maps whose segments are not in generated order decode to the same sorted mappings:
    /// esbuild's map of `tests/fixtures/maps` with each line's segments last to first, and the
    /// first line of tsc's map of `router.js` last to first (all of them descending).
    #[test]
    fn segments_out_of_order_are_sorted() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/maps");
        for (build, keep, count) in [("esbuild/app", usize::MAX, 486), ("tsc-esm/router", 1, 4)] {
            let script = std::fs::read_to_string(dir.join(format!("dist/{build}.js"))).unwrap();
            let json = std::fs::read_to_string(dir.join(format!("dist/{build}.js.map"))).unwrap();
            let generated = LineIndex::new(&script);
            let decoded = |json: &str| {
                decode(json.into(), "/x.js.map", &generated, false, &|_| true).unwrap()
            };
            let sorted = decoded(&rewritten(&json, keep, false));
            let unsorted = decoded(&rewritten(&json, keep, true));
            assert_ne!(rewritten(&json, keep, false), rewritten(&json, keep, true));
            assert_eq!(sorted.generated.len(), count, "{build}");
            assert_eq!(
                (&unsorted.generated, &unsorted.source, &unsorted.line),
                (&sorted.generated, &sorted.source, &sorted.line),
                "{build}"
            );
            assert_eq!(unsorted.column, sorted.column, "{build}");
        }
    }

    #[test]
    fn mappings_fill_arrays_sized_once() {
        // Nine segments (one without a source): room for nine is reserved once, not doubled.
        let script = "a;b;c;d;e;f;g;h;i;\n";
        let json = r#"{"version":3,"sources":["a.ts"],"mappings":"AAAA,EAAE,EAAE,EAAE,EAAE,EAAE,EAAE,EAAE,E"}"#;
        let map = decode(
            json.into(),
            "/x.js.map",
            &LineIndex::new(script),
            false,
            &|_| true,
        )
        .unwrap();
        assert_eq!(map.generated, [0, 2, 4, 6, 8, 10, 12, 14]);
        // The original positions in 16 bits each: they all fit; one source, one run.
        assert_eq!(
            [
                map.generated.capacity() * 4,
                map.source.capacity_bytes(),
                map.line.capacity_bytes(),
                map.column.capacity_bytes()
            ],
            [36, 8, 18, 18]
        );
    }

    /// The texts kept are those asked for, unescaped, with their line counts; the mappings
    /// before them in the JSON are decoded as well as after.
    #[test]
    fn the_texts_asked_for_are_kept() {
        let json = r#"{"version":3,"mappings":"AAAA;ACAA","sources":["a.ts","b.ts","c.ts"],"sourcesContent":["a\n\u00e9",null,"c()"]}"#;
        let texts = |map: &DecodedMap| -> Vec<(Option<String>, usize)> {
            let sources = map.sources.iter();
            sources
                .map(|s| {
                    (
                        s.content.as_ref().and_then(PackedText::unpack),
                        s.content_lines,
                    )
                })
                .collect()
        };
        let generated = LineIndex::new("x\ny\n");
        let map = decode(json.into(), "/x.js.map", &generated, false, &|_| true).unwrap();
        assert_eq!(
            texts(&map),
            [(Some("a\né".into()), 2), (None, 0), (Some("c()".into()), 1)]
        );
        assert_eq!(map.generated, [0, 2]);
        assert_eq!(map.source, vec![0, 1].into());
        let only_c = |location: &str| location == "/c.ts";
        let map = decode(json.into(), "/x.js.map", &generated, false, &only_c).unwrap();
        assert_eq!(texts(&map), [(None, 0), (None, 0), (Some("c()".into()), 1)]);
        // A text or mappings that are not strings are malformed (null is no text).
        for (bad, problem) in [
            (
                r#"{"version":3,"sources":["a.ts"],"sourcesContent":[1],"mappings":""}"#,
                "sourcesContent[0] is not a string",
            ),
            (
                r#"{"version":3,"sources":["a.ts"],"mappings":7}"#,
                "mappings is not a string",
            ),
        ] {
            let error =
                decode(bad.into(), "/x", &LineIndex::new(""), false, &|_| true).unwrap_err();
            assert_eq!(error, Malformed::Json(problem.into()));
        }
    }

    #[test]
    fn mappings_at_one_offset_keep_the_order_they_came_in() {
        // Both segments at column 0 of line 0, the second into source 0: already in generated
        // order, so nothing is sorted and source 1 stays first.
        let json = r#"{"version":3,"sources":["a.ts","b.ts"],"mappings":"ACAA,ADAA"}"#;
        let map = decode(
            json.into(),
            "/x.js.map",
            &LineIndex::new("x\n"),
            false,
            &|_| true,
        )
        .unwrap();
        assert_eq!((map.generated, map.source), (vec![0, 0], vec![1, 0].into()));
    }

    /// Original positions past 16 bits (a minified original's columns, a long original's lines)
    /// keep their values: those lists widen, the others stay narrow.
    #[test]
    fn original_positions_past_16_bits_are_kept() {
        let mut mappings = String::from("AAAA,C,"); // (0: 0, 0, 0), then generated column 1 alone
        for field in [1, 0, 70_000, 65_536] {
            encode_vlq(field, &mut mappings); // generated column 2: line 70,000, column 65,536
        }
        mappings.push(',');
        for field in [1, 0, -69_999, -65_536] {
            encode_vlq(field, &mut mappings); // generated column 3: line 1, column 0
        }
        let json = format!(r#"{{"version":3,"sources":["a.ts"],"mappings":"{mappings}"}}"#);
        let map = decode(json, "/x.js.map", &LineIndex::new("abcd\n"), false, &|_| {
            true
        })
        .unwrap();
        assert_eq!(map.generated, [0, 2, 3]);
        assert_eq!(map.source, vec![0, 0, 0].into());
        assert_eq!(map.line, CompactU32s::Wide(vec![0, 70_000, 1]));
        assert_eq!(map.column, CompactU32s::Wide(vec![0, 65_536, 0]));
    }

    fn encode_vlq(value: i64, out: &mut String) {
        const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut v = if value < 0 {
            ((-value) << 1) | 1
        } else {
            value << 1
        };
        loop {
            let mut digit = v & 0x1f;
            v >>= 5;
            if v > 0 {
                digit |= 0x20;
            }
            out.push(DIGITS[digit as usize] as char);
            if v == 0 {
                break;
            }
        }
    }
}

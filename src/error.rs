//! The one error type of the crate: every way an input can be wrong, with the script and the
//! position it was wrong at. Messages are lowercase sentences meant to be read by a person.

use crate::source_map::MapError;
use std::fmt;

/// What went wrong while reading coverage, sources or options.
///
/// Offsets in errors are in UTF-16 code units from the start of the script (as V8 counts them);
/// lines count from 1 and columns from 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The coverage is not JSON; `line` and `column` (both from 1, as serde_json counts) point at it.
    Json {
        /// What serde_json said.
        message: String,
        /// Line of the JSON text, from 1.
        line: usize,
        /// Column of the JSON text, from 1.
        column: usize,
    },
    /// The coverage is JSON of the wrong shape (a missing field, a negative offset, ...).
    Shape {
        /// What was expected and where.
        message: String,
    },
    /// Footprint data given to a merge has the wrong shape (a count that is not a whole number, a
    /// method naming a file that is not there, ...); kind `shape`, as for coverage.
    FootprintShape {
        /// Which input, which entry, and what was wrong.
        message: String,
    },
    /// A range ends before it starts or reaches past the end of the script's source.
    OffsetOutOfRange {
        /// The script's URL.
        url: String,
        /// The offending offset, in UTF-16 code units.
        offset: u32,
        /// The source's length, in UTF-16 code units.
        length: u32,
    },
    /// The source handed over is not the source V8 covered (its length differs from the
    /// top-level function's extent by more than a stripped byte-order mark).
    SourceMismatch {
        /// The script's URL.
        url: String,
        /// Length V8 reported for the script, in UTF-16 code units.
        covered_length: u32,
        /// Length of the source that was handed over, in UTF-16 code units.
        source_length: u32,
    },
    /// No source was handed over for a script that needs one.
    MissingSource {
        /// The script's URL.
        url: String,
    },
    /// A source given as bytes is not valid UTF-8.
    NonUtf8 {
        /// The script's URL.
        url: String,
        /// Byte offset of the first invalid byte.
        byte_offset: usize,
    },
    /// A script's source map is missing, unreadable or malformed; the script is converted at its
    /// own positions instead.
    SourceMap {
        /// The script's URL.
        url: String,
        /// Where the map was looked for and what was wrong with it.
        error: MapError,
    },
    /// An option has a value the converter cannot use.
    Option {
        /// The option's name.
        name: String,
        /// Why the value cannot be used.
        message: String,
    },
}

impl Error {
    /// A short machine-readable name of the variant, for JS callers (`error.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Json { .. } => "json",
            Error::Shape { .. } | Error::FootprintShape { .. } => "shape",
            Error::OffsetOutOfRange { .. } => "offset-out-of-range",
            Error::SourceMismatch { .. } => "source-mismatch",
            Error::MissingSource { .. } => "missing-source",
            Error::NonUtf8 { .. } => "non-utf8",
            Error::SourceMap { .. } => "source-map",
            Error::Option { .. } => "option",
        }
    }

    /// The script URL the error is about, when it is about one script.
    pub fn url(&self) -> Option<&str> {
        match self {
            Error::OffsetOutOfRange { url, .. }
            | Error::SourceMismatch { url, .. }
            | Error::MissingSource { url }
            | Error::NonUtf8 { url, .. }
            | Error::SourceMap { url, .. } => Some(url),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Json {
                message,
                line,
                column,
            } => write!(
                f,
                "coverage is not valid JSON at line {line}, column {column}: {message}"
            ),
            Error::Shape { message } => write!(f, "coverage has the wrong shape: {message}"),
            Error::FootprintShape { message } => {
                write!(f, "footprint data has the wrong shape: {message}")
            }
            Error::OffsetOutOfRange {
                url,
                offset,
                length,
            } => write!(
                f,
                "{url}: offset {offset} is past the end of the source ({length} UTF-16 code units)"
            ),
            Error::SourceMismatch {
                url,
                covered_length,
                source_length,
            } => write!(
                f,
                "{url}: the source does not match the coverage (V8 covered {covered_length} UTF-16 code units, the source has {source_length})"
            ),
            Error::MissingSource { url } => write!(f, "{url}: no source was given for this script"),
            Error::NonUtf8 { url, byte_offset } => {
                write!(f, "{url}: the source is not valid UTF-8 at byte {byte_offset}")
            }
            Error::SourceMap { url, error } => write!(
                f,
                "{url}: the source map cannot be used ({error}); the script is reported at its own positions"
            ),
            Error::Option { name, message } => write!(f, "option `{name}`: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

//! Reads V8 coverage JSON (bytes or text) straight into a [`Coverage`], without building a tree
//! of JSON values: `{"result": [...]}` as `Profiler.takePreciseCoverage` returns it or as Node
//! writes it under `NODE_V8_COVERAGE` (`timestamp` and `source-map-cache` beside it), or a bare
//! array of script coverages. Unknown fields are skipped.

use crate::coverage::{CachedMap, Coverage, CoverageRange};
use crate::error::{Error, Result};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// Parses coverage JSON given as bytes.
pub fn parse_coverage(json: &[u8]) -> Result<Coverage> {
    let mut coverage = Coverage::new();
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    TopLevel(&mut coverage)
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end())
        .map_err(json_error)?;
    Ok(coverage)
}

fn json_error(error: serde_json::Error) -> Error {
    use serde_json::error::Category;
    match error.classify() {
        Category::Data => Error::Shape {
            message: error.to_string(),
        },
        _ => {
            let (line, column) = (error.line(), error.column());
            let text = error.to_string();
            // serde_json appends " at line L column C"; keep only the message itself.
            let message = match text.rfind(" at line ") {
                Some(at) => text[..at].to_owned(),
                None => text,
            };
            Error::Json {
                message,
                line,
                column,
            }
        }
    }
}

struct TopLevel<'c>(&'c mut Coverage);

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a `result` array of script coverages, or such an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<(), A::Error> {
        Scripts(self.0).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut seen_result = false;
        while let Some(key) = map.next_key::<StrKey>()? {
            if key.0 == "result" {
                map.next_value_seed(ScriptsSeed(&mut *self.0))?;
                seen_result = true;
            } else if key.0 == "source-map-cache" {
                map.next_value_seed(CacheSeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !seen_result {
            return Err(de::Error::missing_field("result"));
        }
        Ok(())
    }
}

/// Node's `source-map-cache`: script URL -> `{url, data, lineLengths}`.
struct CacheSeed<'c>(&'c mut Coverage);

impl<'de> DeserializeSeed<'de> for CacheSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for CacheSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of source maps by script URL")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(script_url) = map.next_key::<StrKey>()? {
            let entry: CacheEntry<'de> = map.next_value()?;
            self.0.push_cached_map(CachedMap {
                script_url: script_url.0.into_owned(),
                map_url: entry.url,
                json: entry.data.map(|d| d.get().to_owned()),
            });
        }
        Ok(())
    }
}

#[derive(serde::Deserialize)]
struct CacheEntry<'a> {
    #[serde(default)]
    url: Option<String>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
}

struct ScriptsSeed<'c>(&'c mut Coverage);

impl<'de> DeserializeSeed<'de> for ScriptsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(Scripts(self.0))
    }
}

struct Scripts<'c>(&'c mut Coverage);

impl<'de> Visitor<'de> for Scripts<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of script coverages")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element_seed(ScriptSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

struct ScriptSeed<'c>(&'c mut Coverage);

impl<'de> DeserializeSeed<'de> for ScriptSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ScriptSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a script coverage object with `url` and `functions`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        self.0.push_script("");
        let (mut seen_url, mut seen_functions) = (false, false);
        while let Some(key) = map.next_key::<StrKey>()? {
            match key.0.as_ref() {
                "url" => {
                    let url = map.next_value::<StrKey>()?;
                    self.0.set_script_url(&url.0);
                    seen_url = true;
                }
                "functions" => {
                    map.next_value_seed(FunctionsSeed(&mut *self.0))?;
                    seen_functions = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !seen_url {
            return Err(de::Error::missing_field("url"));
        }
        if !seen_functions {
            return Err(de::Error::missing_field("functions"));
        }
        Ok(())
    }
}

struct FunctionsSeed<'c>(&'c mut Coverage);

impl<'de> DeserializeSeed<'de> for FunctionsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FunctionsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of function coverages")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element_seed(FunctionSeed(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

struct FunctionSeed<'c>(&'c mut Coverage);

impl<'de> DeserializeSeed<'de> for FunctionSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FunctionSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a function coverage object with `ranges`")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        self.0.push_function("", false);
        let mut name = StrKey(Default::default());
        let mut is_block = false;
        let mut seen_ranges = false;
        while let Some(key) = map.next_key::<StrKey>()? {
            match key.0.as_ref() {
                "functionName" => name = map.next_value()?,
                "isBlockCoverage" => is_block = map.next_value()?,
                "ranges" => {
                    map.next_value_seed(RangesSeed(&mut *self.0))?;
                    seen_ranges = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !seen_ranges {
            return Err(de::Error::missing_field("ranges"));
        }
        self.0.set_function_details(&name.0, is_block);
        Ok(())
    }
}

struct RangesSeed<'c>(&'c mut Coverage);

impl<'de> DeserializeSeed<'de> for RangesSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RangesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of ranges")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(range) = seq.next_element::<RawRange>()? {
            if range.end_offset < range.start_offset {
                return Err(de::Error::custom(format_args!(
                    "a range ends ({}) before it starts ({})",
                    range.end_offset, range.start_offset
                )));
            }
            self.0.push_range(CoverageRange {
                start: range.start_offset,
                end: range.end_offset,
                count: range.count,
            });
        }
        Ok(())
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRange {
    start_offset: u32,
    end_offset: u32,
    count: u32,
}

/// A string that borrows from the input when it can.
struct StrKey<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for StrKey<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Self::Value, E> {
                Ok(StrKey(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(StrKey(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Self::Value, E> {
                Ok(StrKey(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_inspector_form_and_the_bare_array() {
        let json = br#"{"result":[{"scriptId":"1","url":"file:///p/a.js","functions":[
            {"functionName":"","ranges":[{"startOffset":0,"endOffset":10,"count":1}],"isBlockCoverage":true},
            {"functionName":"f","ranges":[{"startOffset":2,"endOffset":8,"count":0}],"isBlockCoverage":false}]}],
            "timestamp": 12.5, "source-map-cache": {}}"#;
        let coverage = parse_coverage(json).unwrap();
        let script = coverage.scripts().next().unwrap();
        assert_eq!(script.url, "file:///p/a.js");
        let names: Vec<_> = script.functions().map(|f| f.name).collect();
        assert_eq!(names, ["", "f"]);
        assert_eq!(script.functions().nth(1).unwrap().ranges[0].end, 8);
        assert_eq!(coverage.cached_map("file:///p/a.js"), None);
        let with_maps = br#"{"result":[],"source-map-cache":{"file:///p/b.js":{"url":"file:///p/b.js.map","data":{"version":3},"lineLengths":[1]},"file:///p/c.js":{"data":null}}}"#;
        let coverage = parse_coverage(with_maps).unwrap();
        let b = coverage.cached_map("file:///p/b.js").unwrap();
        assert_eq!(b.json.as_deref(), Some(r#"{"version":3}"#));
        assert_eq!(b.map_url.as_deref(), Some("file:///p/b.js.map"));
        assert_eq!(coverage.cached_map("file:///p/c.js").unwrap().json, None);
        let bare = br#"[{"functions":[],"url":"x"}]"#;
        assert_eq!(
            parse_coverage(bare).unwrap().scripts().next().unwrap().url,
            "x"
        );
    }

    #[test]
    fn bad_json_names_the_position() {
        let error = parse_coverage(b"{\n\"result\": [oops]}").unwrap_err();
        assert!(matches!(error, Error::Json { line: 2, .. }), "{error:?}");
    }

    #[test]
    fn wrong_shapes_are_typed_errors() {
        for bad in [
            &br#"{"nothing":1}"#[..],
            br#"{"result":[{"url":"a"}]}"#,
            br#"{"result":[{"url":"a","functions":[{"ranges":[{"startOffset":-1,"endOffset":2,"count":1}]}]}]}"#,
            br#"{"result":[{"url":"a","functions":[{"ranges":[{"startOffset":5,"endOffset":2,"count":1}]}]}]}"#,
            br#"{"result":3}"#,
        ] {
            let error = parse_coverage(bad).unwrap_err();
            assert_eq!(error.kind(), "shape", "{error}");
            assert!(error.to_string().contains("line 1"), "{error}");
        }
    }

    #[test]
    fn non_utf8_is_an_error_not_a_panic() {
        let error =
            parse_coverage(b"{\"result\":[{\"url\":\"\xff\",\"functions\":[]}]}").unwrap_err();
        assert_eq!(error.kind(), "json");
    }
}

//! Random coverage (any offsets, ranges that do not nest, functions starting anywhere, inside
//! surrogate pairs too) and random source maps over real sources full of multi-byte text: the
//! converter returns data or typed errors and never panics (in wasm a panic is a trap that
//! leaves the instance unusable).

mod common;
use common::vlq::vlq;
use v8_footprints::{Converter, Coverage, CoverageRange, Inputs, LineMode, Options, SourceText};

struct Random(u64);

impl Random {
    fn next(&mut self, below: u32) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % u64::from(below.max(1))) as u32
    }
}

fn random_map(random: &mut Random, generated_lines: u32, original: &str) -> String {
    let mut mappings = String::new();
    let (mut line, mut column) = (0i64, 0i64);
    for l in 0..generated_lines {
        if l > 0 {
            mappings.push(';');
        }
        let mut generated_column = 0i64;
        for s in 0..random.next(6) {
            if s > 0 {
                mappings.push(',');
            }
            let step = i64::from(random.next(40));
            generated_column += step;
            vlq(step, &mut mappings);
            vlq(0, &mut mappings);
            let new_line = i64::from(random.next(60));
            let new_column = i64::from(random.next(80));
            vlq(new_line - line, &mut mappings);
            vlq(new_column - column, &mut mappings);
            (line, column) = (new_line, new_column);
        }
        let _ = generated_column;
    }
    let content = serde_json::to_string(original).unwrap();
    format!(
        r#"{{"version":3,"sources":["orig.ts"],"sourcesContent":[{content}],"mappings":"{mappings}"}}"#
    )
}

#[test]
fn random_coverage_never_panics() {
    let root = env!("CARGO_MANIFEST_DIR");
    let texts: Vec<String> = [
        "unicode.js",
        "classes.js",
        "separators.js",
        "crlf.js",
        "cr.js",
        "bom.mjs",
    ]
    .iter()
    .map(|name| std::fs::read_to_string(format!("{root}/tests/fixtures/src/{name}")).unwrap())
    .collect();
    let mut random = Random(7);
    for round in 0..400 {
        let text = &texts[round % texts.len()];
        let length = text.encode_utf16().count() as u32;
        let lines = text.lines().count() as u32 + 1;
        let with_map = round % 3 == 0;
        let mut source = text.clone();
        if with_map {
            source.push_str("\n//# sourceMappingURL=gen.js.map");
        }
        let covered = source.encode_utf16().count() as u32;
        let mut coverage = Coverage::new();
        coverage.push_script("file:///p/gen.js");
        if round % 2 == 0 {
            coverage.push_function("", true);
            coverage.push_range(CoverageRange {
                start: 0,
                end: covered,
                count: 1,
            });
        }
        for _ in 0..random.next(30) {
            coverage.push_function("f", random.next(2) == 0);
            for _ in 0..1 + random.next(4) {
                let start = random.next(length + 1);
                let end = start + random.next(length + 1 - start);
                coverage.push_range(CoverageRange {
                    start,
                    end,
                    count: random.next(3),
                });
            }
        }
        let map = random_map(&mut random, lines, text);
        for line_mode in [LineMode::Default, LineMode::Compat] {
            let options = Options {
                project_root: "/p".into(),
                line_mode,
                ..Options::default()
            };
            let mut converter = Converter::new(&options).unwrap();
            let mut sources = |_: &str| Some(SourceText::Text(source.clone()));
            let mut maps = |_: &str| Some(SourceText::Text(map.clone()));
            for _ in 0..2 {
                let data = converter.convert_with(
                    &coverage,
                    Inputs {
                        sources: &mut sources,
                        source_maps: &mut maps,
                        hits_only: round % 2 == 1,
                    },
                );
                let json = data.to_json();
                assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
            }
        }
    }
}

/// Sources that are not JavaScript: real ones cut anywhere and spliced with fragments that open
/// strings, templates, comments, brackets and types. The branch finder reads what it can, in
/// plain and TypeScript files, directly and through a map; nothing panics.
#[test]
fn garbage_sources_never_panic() {
    let root = env!("CARGO_MANIFEST_DIR");
    let texts: Vec<String> = ["branchy.js", "branches.js", "unicode.js", "classes.js"]
        .iter()
        .map(|name| std::fs::read_to_string(format!("{root}/tests/fixtures/src/{name}")).unwrap())
        .collect();
    let fragments = [
        "if (",
        "?",
        ":",
        "`${",
        "}",
        "/",
        "'",
        "\"",
        "(",
        ")",
        "{",
        "[",
        "<",
        ">>",
        "=>",
        "&&",
        "??",
        "case ",
        "switch",
        "/*",
        "//",
        "\n",
        "é",
        "😀",
        "\u{2028}",
        "type X = ",
        "a?.5",
        "#",
        "\\",
        "function (a = ",
        "class {",
        "`",
        "<T>(",
        "as ",
        "!",
        "enum {",
        "=",
    ];
    let mut random = Random(11);
    for round in 0..300 {
        let text = &texts[round % texts.len()];
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&at| text.is_char_boundary(at))
            .collect();
        let cut = boundaries[random.next(boundaries.len() as u32) as usize];
        let mut source = text[..cut].to_owned();
        for _ in 0..random.next(20) {
            let at: Vec<usize> = (0..=source.len())
                .filter(|&at| source.is_char_boundary(at))
                .collect();
            let at = at[random.next(at.len() as u32) as usize];
            source.insert_str(at, fragments[random.next(fragments.len() as u32) as usize]);
        }
        let length = source.encode_utf16().count() as u32;
        let with_map = round % 4 == 0;
        let map = random_map(&mut random, source.lines().count() as u32 + 1, &source);
        if with_map {
            source.push_str("\n//# sourceMappingURL=gen.js.map");
        }
        let url = if round % 2 == 0 {
            "file:///p/gen.ts"
        } else {
            "file:///p/gen.js"
        };
        let mut coverage = Coverage::new();
        coverage.push_script(url);
        coverage.push_function("", true);
        coverage.push_range(CoverageRange {
            start: 0,
            end: source.encode_utf16().count() as u32,
            count: 2,
        });
        for _ in 0..random.next(8) {
            let start = random.next(length + 1);
            coverage.push_range(CoverageRange {
                start,
                end: start + random.next(length + 1 - start),
                count: random.next(3),
            });
        }
        let options = Options {
            project_root: "/p".into(),
            ..Options::default()
        };
        let mut converter = Converter::new(&options).unwrap();
        let mut sources = |_: &str| Some(SourceText::Text(source.clone()));
        let mut maps = |_: &str| Some(SourceText::Text(map.clone()));
        let data = converter.convert_with(
            &coverage,
            Inputs {
                sources: &mut sources,
                source_maps: &mut maps,
                hits_only: round % 3 == 0,
            },
        );
        assert!(serde_json::from_str::<serde_json::Value>(&data.to_json()).is_ok());
    }
}

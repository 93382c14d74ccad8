//! Which scripts belong to the user's project, and the path each is reported under: a script URL
//! (`file://` or a plain path) made relative to the project root, with `/` separators and no
//! leading `/`. Scripts outside the root, under `node_modules`, Node's own (`node:`), and paths
//! the caller excludes are not the project's.

use crate::error::{Error, Result};

/// The project root and the exclusions, ready to test script URLs.
#[derive(Clone, Debug)]
pub struct Project {
    /// Absolute, normalised, without a trailing `/` (empty for the file-system root).
    root: String,
    /// Where the scripts to look at are, when not under `root` (a bundle built elsewhere, whose
    /// map names sources under the build-time root): normalised like `root`.
    script_root: Option<String>,
    /// Where the files under `script_root` were built (their maps name sources relative to
    /// it): normalised; the root when not given.
    build_root: Option<String>,
    excludes: Vec<String>,
    /// When not empty, only relative paths matching one of these patterns are the project's.
    includes: Vec<String>,
    /// Excluded absolute folders or files (patterns given as absolute paths), normalised.
    absolute_excludes: Vec<String>,
}

impl Project {
    /// A project rooted at `root`: absolute, or relative to `cwd` (`.`, `./src`, `src/`).
    /// `excludes` are patterns over relative paths: `*` stays within a folder, `**` crosses
    /// folders, `?` is one character; a pattern without wildcards excludes that file or folder;
    /// an absolute path excludes that file or folder wherever the root is (the layer's own).
    pub fn new(root: &str, cwd: &str, excludes: &[String]) -> Result<Self> {
        let root = root.trim();
        if root.is_empty() {
            return Err(Error::Option {
                name: "projectRoot".into(),
                message: "is empty".into(),
            });
        }
        let root = if let Some(path) = url_to_path(root) {
            path
        } else if is_absolute(root) {
            root.replace('\\', "/")
        } else {
            if !is_absolute(cwd) {
                return Err(Error::Option {
                    name: "cwd".into(),
                    message: format!("`{cwd}` is not an absolute path, so the relative project root `{root}` cannot be resolved"),
                });
            }
            format!("{}/{}", cwd.replace('\\', "/"), root.replace('\\', "/"))
        };
        let (absolute, relative): (Vec<&String>, Vec<&String>) =
            excludes.iter().partition(|p| is_absolute(p.trim()));
        let excludes = relative_patterns(relative.into_iter());
        Ok(Project {
            root: normalize(&root),
            script_root: None,
            build_root: None,
            excludes,
            includes: Vec::new(),
            absolute_excludes: absolute.iter().map(|p| normalize(p.trim())).collect(),
        })
    }

    /// Keeps only the relative paths that match one of `includes` (patterns as for excludes: a
    /// plain path is that file or folder); none given keeps every path. Excludes still apply.
    pub fn with_includes(mut self, includes: &[String]) -> Self {
        self.includes = relative_patterns(includes.iter());
        self
    }

    /// Also looks at scripts under `script_root` (absolute), which are reported only through
    /// their source maps when they are outside the root.
    pub fn with_script_root(mut self, script_root: Option<&str>) -> Self {
        self.script_root = script_root
            .map(|r| url_to_path(r).unwrap_or_else(|| r.replace('\\', "/")))
            .filter(|r| is_absolute(r))
            .map(|r| normalize(&r));
        self
    }

    /// Says where the files under the script root were built (default: the root).
    pub fn with_build_root(mut self, build_root: Option<&str>) -> Self {
        self.build_root = build_root
            .map(|r| url_to_path(r).unwrap_or_else(|| r.replace('\\', "/")))
            .filter(|r| is_absolute(r))
            .map(|r| normalize(&r));
        self
    }

    /// Where `location` (a map or script path) was at build time: a path under the script root
    /// but outside the root is taken as the same path under the build root (the deployment
    /// package is a copy of that folder), so that a map's relative sources resolve as they did
    /// where the bundle was built. Any other location is returned as it is.
    pub fn as_built(&self, location: &str) -> String {
        let Some(script_root) = &self.script_root else {
            return location.to_owned();
        };
        let path = url_to_path(location).unwrap_or_else(|| location.to_owned());
        if !is_absolute(&path) || self.relative_path(&path).is_some() {
            return location.to_owned();
        }
        let path = normalize(&path);
        match path
            .strip_prefix(script_root.as_str())
            .and_then(|r| r.strip_prefix('/'))
        {
            Some(rest) => {
                let build_root = self.build_root.as_deref().unwrap_or(&self.root);
                format!("{build_root}/{rest}")
            }
            None => location.to_owned(),
        }
    }

    /// Whether a script URL is one to look at: under the root or the script root, not in
    /// `node_modules`, not excluded.
    pub fn is_candidate(&self, url: &str) -> bool {
        // Includes choose the files reported, not the scripts looked at: a script that is not
        // included itself may map to originals that are.
        if self.relative(url, false).is_some() {
            return true;
        }
        let Some(script_root) = &self.script_root else {
            return false;
        };
        let Some(path) = url_to_path(url).or_else(|| is_absolute(url).then(|| url.to_owned()))
        else {
            return false;
        };
        let path = normalize(&path);
        if self.absolutely_excluded(&path) {
            return false;
        }
        path.strip_prefix(script_root.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| !rest.is_empty() && !rest.split('/').any(|s| s == "node_modules"))
    }

    /// The normalised absolute root, `/` for the file-system root.
    pub fn root(&self) -> &str {
        if self.root.is_empty() {
            "/"
        } else {
            &self.root
        }
    }

    /// The path of a script relative to the root, or `None` when it is not the project's.
    /// `webpack://<namespace>/<path>` locations (from source maps) are relative to the root;
    /// webpack's own runtime (`webpack/...`) is not the project's. A URL's `?query` and
    /// `#fragment` are not part of the path.
    pub fn relative_path(&self, url: &str) -> Option<String> {
        self.relative(url, true)
    }

    fn relative(&self, url: &str, with_includes: bool) -> Option<String> {
        if let Some(rest) = url.strip_prefix("webpack://") {
            let rest = without_query(rest)
                .split_once('/')
                .map_or("", |(_, path)| path);
            let rest = rest.trim_start_matches("./");
            if rest.is_empty() || rest.starts_with("webpack/") || rest.starts_with('(') {
                return None;
            }
            return self.relative(&format!("{}/{}", self.root, rest), with_includes);
        }
        let path = url_to_path(url).or_else(|| is_absolute(url).then(|| url.replace('\\', "/")))?;
        let path = normalize(&path);
        if self.absolutely_excluded(&path) {
            return None;
        }
        let rest = path.strip_prefix(self.root.as_str())?.strip_prefix('/')?;
        if rest.is_empty() || rest.split('/').any(|segment| segment == "node_modules") {
            return None;
        }
        if self.excludes.iter().any(|pattern| excluded(pattern, rest)) {
            return None;
        }
        if with_includes
            && !self.includes.is_empty()
            && !self.includes.iter().any(|pattern| excluded(pattern, rest))
        {
            return None;
        }
        Some(rest.to_owned())
    }
}

impl Project {
    fn absolutely_excluded(&self, path: &str) -> bool {
        self.absolute_excludes.iter().any(|excluded| {
            path.strip_prefix(excluded.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }
}

/// Relative include or exclude patterns as they are matched: trimmed, without a leading `./` or a
/// trailing `/`; empty ones dropped.
fn relative_patterns<'a>(patterns: impl Iterator<Item = &'a String>) -> Vec<String> {
    patterns
        .map(|p| {
            p.trim()
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_owned()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// `url` without its `?query` and `#fragment`.
fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// The path of a `file:` URL, percent-decoded, without its `?query` and `#fragment` (ESM
/// `import('./a.mjs?v=2')`); `None` for any other URL.
pub fn url_to_path(url: &str) -> Option<String> {
    let rest = without_query(url.strip_prefix("file://")?);
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(at) if &rest[..at] == "localhost" => &rest[at..],
        _ => return None,
    };
    let decoded = percent_decode(path);
    // file:///C:/x is the Windows path C:/x.
    if matches!(decoded.as_bytes(), [b'/', drive, b':', ..] if drive.is_ascii_alphabetic()) {
        return Some(decoded[1..].to_owned());
    }
    Some(decoded)
}

/// A Windows path: a drive letter (`c:/`, `C:\\`) or a `\\` root. Never under a POSIX root.
pub(crate) fn is_windows_path(path: &str) -> bool {
    path.starts_with('\\')
        || matches!(path.as_bytes(), [drive, b':', ..] if drive.is_ascii_alphabetic())
}

fn is_absolute(path: &str) -> bool {
    path.starts_with('/')
        || matches!(path.as_bytes(), [drive, b':', b'/' | b'\\', ..] if drive.is_ascii_alphabetic())
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    String::from_utf8_lossy(&percent_decode_bytes(text)).into_owned()
}

/// The bytes `%XX` escapes stand for; anything else (a lone `%` too) as it is.
pub(crate) fn percent_decode_bytes(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let [b'%', high, low, ..] = bytes[i..] {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(high), hex(low)) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Resolves `.` and `..` segments and repeated separators; drops a trailing `/`.
fn normalize(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let mut prefix = "";
    let mut rest = path;
    if let Some(stripped) = rest.strip_prefix('/') {
        rest = stripped;
    } else if let [_, b':', ..] = rest.as_bytes() {
        prefix = &rest[..2];
        rest = rest[2..].trim_start_matches('/');
    }
    for segment in rest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    let mut out = String::with_capacity(path.len());
    out.push_str(prefix);
    for segment in segments {
        out.push('/');
        out.push_str(segment);
    }
    out
}

fn excluded(pattern: &str, path: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return path == pattern
            || path
                .strip_prefix(pattern)
                .is_some_and(|r| r.starts_with('/'));
    }
    glob_match(pattern.as_bytes(), path.as_bytes())
}

fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) if rest.first() == Some(&b'*') => {
            let rest = rest[1..].strip_prefix(b"/").unwrap_or(&rest[1..]);
            // A trailing `**` (`src/**`) takes everything below.
            if rest.is_empty() {
                return true;
            }
            (0..=text.len())
                .any(|i| (i == 0 || text[i - 1] == b'/') && glob_match(rest, &text[i..]))
                || glob_match(rest, text)
        }
        Some((b'*', rest)) => {
            let mut i = 0;
            loop {
                if glob_match(rest, &text[i..]) {
                    return true;
                }
                if i == text.len() || text[i] == b'/' {
                    return false;
                }
                i += 1;
            }
        }
        Some((b'?', rest)) => {
            text.first().is_some_and(|&c| c != b'/') && glob_match(rest, &text[1..])
        }
        Some((&c, rest)) => text.first() == Some(&c) && glob_match(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(root: &str, url: &str) -> Option<String> {
        Project::new(root, "/work/app", &[])
            .unwrap()
            .relative_path(url)
    }

    #[test]
    fn every_form_of_root_gives_the_same_paths() {
        for root in [
            "/work/app",
            "/work/app/",
            ".",
            "./",
            "file:///work/app",
            "/work/app/./x/..",
        ] {
            assert_eq!(
                rel(root, "file:///work/app/src/a.js").as_deref(),
                Some("src/a.js"),
                "{root}"
            );
            assert_eq!(
                rel(root, "/work/app/src/a.js").as_deref(),
                Some("src/a.js"),
                "{root}"
            );
        }
        assert_eq!(
            rel("./src", "file:///work/app/src/a.js").as_deref(),
            Some("a.js")
        );
        assert_eq!(
            rel("src/", "file:///work/app/src/lib/b.js").as_deref(),
            Some("lib/b.js")
        );
        assert_eq!(rel("/", "file:///x/y.js").as_deref(), Some("x/y.js"));
    }

    #[test]
    fn what_is_not_the_project() {
        assert_eq!(rel("/work/app", "node:internal/modules/cjs/loader"), None);
        assert_eq!(
            rel("/work/app", "file:///work/app/node_modules/x/index.js"),
            None
        );
        assert_eq!(rel("/work/app", "file:///work/application/a.js"), None);
        assert_eq!(rel("/work/app", "file:///work/app"), None);
        assert_eq!(rel("/work/app", ""), None);
        assert_eq!(rel("/work/app", "evalmachine.<anonymous>"), None);
        // Map sources of other URL schemes than file: and webpack:.
        assert_eq!(rel("/work/app", "rollup://app/src/a.ts"), None);
        assert_eq!(rel("/", "vite:preload-helper.js"), None);
        assert_eq!(rel("/", "https://cdn.example/src/a.ts"), None);
    }

    #[test]
    fn urls_are_percent_decoded() {
        assert_eq!(
            rel("/work/app", "file:///work/app/my%20dir/%C3%A9.js").as_deref(),
            Some("my dir/é.js")
        );
        assert_eq!(
            url_to_path("file:///C:/x/a.js").as_deref(),
            Some("C:/x/a.js")
        );
        assert_eq!(
            url_to_path("file://localhost/a.js").as_deref(),
            Some("/a.js")
        );
        assert_eq!(url_to_path("file://host/a.js"), None);
        assert_eq!(url_to_path("file:///a%").as_deref(), Some("/a%"));
        assert_eq!(url_to_path("file:///C").as_deref(), Some("/C"));
        assert_eq!(url_to_path("file:///a%41%4").as_deref(), Some("/aA%4"));
        assert_eq!(url_to_path("file:///a%4").as_deref(), Some("/a%4"));
        assert_eq!(url_to_path("file:///a%%41").as_deref(), Some("/a%A"));
        assert_eq!(url_to_path("file:///C:").as_deref(), Some("C:"));
    }

    #[test]
    fn queries_and_fragments_are_not_the_path() {
        for url in [
            "file:///work/app/src/q.mjs?v=123",
            "file:///work/app/src/q.mjs#top",
            "file:///work/app/src/q.mjs?v=1#top",
            "webpack://app/./src/q.mjs?5a1f",
        ] {
            assert_eq!(rel("/work/app", url).as_deref(), Some("src/q.mjs"), "{url}");
        }
        // A plain path is a path: `?` is a character of the name.
        assert_eq!(
            rel("/work/app", "/work/app/src/q?.js").as_deref(),
            Some("src/q?.js")
        );
    }

    #[test]
    fn windows_paths_are_outside_a_posix_root() {
        for path in [
            "c:/Projects/decorators/deprecated/src/index.ts",
            "C:\\Projects\\a.ts",
            "\\Projects\\a.ts",
            "\\\\server\\share\\a.ts",
        ] {
            assert_eq!(rel("/", path), None, "{path}");
            assert_eq!(rel("/work/app", path), None, "{path}");
        }
    }

    #[test]
    fn excludes() {
        let project = Project::new(
            "/p",
            "/",
            &[
                "test".into(),
                "./src/gen/".into(),
                "**/*.spec.js".into(),
                "lib/*.tmp.js".into(),
            ],
        )
        .unwrap();
        let kept = |p: &str| project.relative_path(&format!("/p/{p}")).is_some();
        assert!(!kept("test/a.js"));
        assert!(kept("tests/a.js"));
        assert!(!kept("src/gen/x.js"));
        assert!(!kept("a.spec.js"));
        assert!(!kept("deep/er/a.spec.js"));
        assert!(!kept("lib/x.tmp.js"));
        assert!(kept("lib/sub/x.tmp.js"));
        assert!(kept("src/a.js"));
        let project =
            Project::new("/p", "/", &["**/b.js".into(), "x?z.js".into(), "q?".into()]).unwrap();
        let kept = |p: &str| project.relative_path(&format!("/p/{p}")).is_some();
        assert!(!kept("b.js") && !kept("d/b.js") && !kept("d/e/b.js"));
        assert!(
            kept("ab.js") && kept("d/ab.js"),
            "** stops at folder starts"
        );
        assert!(!kept("xyz.js"));
        assert!(kept("x/z.js"), "? is not a /");
        assert!(kept("q"), "? is one character");
    }

    #[test]
    fn includes_keep_only_matching_paths_and_excludes_still_apply() {
        let project = Project::new("/p", "/", &["src/skip.js".into()])
            .unwrap()
            .with_includes(&["./src/".into(), "lib/*.ts".into(), " ".into()]);
        let rel = |url: &str| project.relative_path(url);
        assert_eq!(rel("file:///p/src/a.js").as_deref(), Some("src/a.js"));
        assert_eq!(
            rel("file:///p/src/deep/b.js").as_deref(),
            Some("src/deep/b.js")
        );
        assert_eq!(rel("file:///p/lib/c.ts").as_deref(), Some("lib/c.ts"));
        assert_eq!(rel("file:///p/lib/deep/c.ts"), None);
        assert_eq!(rel("file:///p/lib/c.js"), None);
        assert_eq!(rel("file:///p/test/a.js"), None);
        assert_eq!(rel("file:///p/src/skip.js"), None);
        assert_eq!(rel("file:///p/srcx/a.js"), None);
        // A script that is not included is still looked at: its map may name included originals.
        assert!(project.is_candidate("file:///p/dist/a.js"));
        assert!(!project.is_candidate("file:///p/src/skip.js"));
        let below = Project::new("/p", "/", &["src/**".into()])
            .unwrap()
            .with_includes(&["**".into()]);
        assert_eq!(below.relative_path("file:///p/src/a/b.js"), None);
        assert_eq!(
            below.relative_path("file:///p/srcx.js").as_deref(),
            Some("srcx.js")
        );
        let all = Project::new("/p", "/", &[]).unwrap().with_includes(&[]);
        assert_eq!(all.relative_path("file:///p/x.js").as_deref(), Some("x.js"));
    }

    #[test]
    fn glob_folder_boundaries() {
        // `**/` starts at a folder start (or the path's start), at any depth, and only there.
        assert!(glob_match(b"**/b.js", b"b.js"));
        assert!(glob_match(b"**/b.js", b"d/b.js"));
        assert!(glob_match(b"**/b.js", b"d/e/b.js"));
        assert!(!glob_match(b"**/b.js", b"ab.js"));
        assert!(!glob_match(b"**/b.js", b"d/ab.js"));
        assert!(!glob_match(b"**/b.js", b"d/b.jsx"));
        assert!(glob_match(b"src/**/x.js", b"src/x.js"));
        assert!(glob_match(b"src/**/x.js", b"src/a/b/x.js"));
        assert!(!glob_match(b"src/**/x.js", b"srcx.js"));
        assert!(!glob_match(b"src/**/x.js", b"lib/src/x.js"));
        // A trailing `**` takes everything below its folder.
        assert!(glob_match(b"src/**", b"src/a.js"));
        assert!(glob_match(b"src/**", b"src/a/b.js"));
        assert!(!glob_match(b"src/**", b"lib/a.js"));
        assert!(!glob_match(b"src/**", b"srcx/a.js"));
        assert!(glob_match(b"**", b"a/b/c.js"));
        // `*` stays within one folder: it never takes a `/`.
        assert!(glob_match(b"*.js", b"a.js"));
        assert!(!glob_match(b"*.js", b"d/a.js"));
        assert!(glob_match(b"lib/*.js", b"lib/a.js"));
        assert!(!glob_match(b"lib/*.js", b"lib/d/a.js"));
        assert!(glob_match(b"lib/*/a.js", b"lib/d/a.js"));
        assert!(!glob_match(b"lib/*/a.js", b"lib/d/e/a.js"));
        assert!(glob_match(b"*", b""));
        assert!(glob_match(b"a*", b"a"));
        assert!(!glob_match(b"a*", b"a/"));
        assert!(glob_match(b"*b", b"ab"));
        assert!(!glob_match(b"*b", b"a/b"));
        assert!(!glob_match(b"a*c", b"ab"));
    }

    #[test]
    fn script_root_and_webpack_sources() {
        let project = Project::new("/build/app", "/", &[])
            .unwrap()
            .with_script_root(Some("/var/task"));
        assert!(project.is_candidate("file:///var/task/index.js"));
        assert!(project.is_candidate("file:///build/app/src/a.js"));
        assert!(!project.is_candidate("file:///var/task/node_modules/x.js"));
        assert!(!project.is_candidate("file:///opt/wrapper.mjs"));
        assert_eq!(project.relative_path("file:///var/task/index.js"), None);
        assert_eq!(
            project.relative_path("webpack://app/./src/a.ts").as_deref(),
            Some("src/a.ts")
        );
        assert_eq!(
            project.relative_path("webpack:///src/a.ts").as_deref(),
            Some("src/a.ts")
        );
        assert_eq!(
            project.relative_path("webpack://app/webpack/bootstrap"),
            None
        );
        assert_eq!(
            project.relative_path("webpack://app/./node_modules/x/i.js"),
            None
        );
        assert_eq!(
            project.as_built("/var/task/dist/index.js.map"),
            "/build/app/dist/index.js.map"
        );
        assert_eq!(
            project.as_built("file:///var/task/dist/i.js"),
            "/build/app/dist/i.js"
        );
        assert_eq!(
            project.as_built("/build/app/dist/i.js"),
            "/build/app/dist/i.js"
        );
        assert_eq!(project.as_built("/elsewhere/i.js"), "/elsewhere/i.js");
        let project = project.with_build_root(Some("/build/app/.esbuild/.build"));
        assert_eq!(
            project.as_built("/var/task/src/h.js.map"),
            "/build/app/.esbuild/.build/src/h.js.map"
        );
        // Under the root too (the root is the task root): where it is.
        let project = Project::new("/var/task", "/", &[])
            .unwrap()
            .with_script_root(Some("/var/task"))
            .with_build_root(Some("/ci/app/.esbuild/.build"));
        assert_eq!(
            project.as_built("/var/task/dist/h.js.map"),
            "/var/task/dist/h.js.map"
        );
    }

    #[test]
    fn absolute_excludes_wherever_the_root_is() {
        let project = Project::new(
            "/",
            "/",
            &["/opt/v8-footprints".into(), "/opt/wrapper.mjs".into()],
        )
        .unwrap();
        assert_eq!(
            project.relative_path("file:///opt/v8-footprints/wrapper/agent.mjs"),
            None
        );
        assert_eq!(project.relative_path("file:///opt/wrapper.mjs"), None);
        assert_eq!(
            project
                .relative_path("file:///opt/v8-footprints-x/a.js")
                .as_deref(),
            Some("opt/v8-footprints-x/a.js")
        );
        assert_eq!(
            project.relative_path("file:///var/task/a.js").as_deref(),
            Some("var/task/a.js")
        );
    }

    #[test]
    fn absolute_roots() {
        let root = |r: &str| Project::new(r, "/work", &[]).unwrap().root().to_owned();
        assert_eq!(root("C:/app"), "C:/app");
        assert_eq!(root("c:\\app\\src"), "c:/app/src");
        assert_eq!(root("1:/app"), "/work/1:/app");
        assert_eq!(root("c:app"), "/work/c:app");
        assert_eq!(root("c"), "/work/c");
    }

    #[test]
    fn relative_root_needs_an_absolute_cwd() {
        assert_eq!(Project::new(".", "rel", &[]).unwrap_err().kind(), "option");
        assert_eq!(Project::new("  ", "/", &[]).unwrap_err().kind(), "option");
    }
}

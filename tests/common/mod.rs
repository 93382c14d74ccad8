//! What the native tests share: the reviewable JSON form of a result, where the source-map
//! fixtures are, and a VLQ writer for maps made in tests.

pub mod map_fixtures;
pub mod vlq;

/// JSON with one top-level key, file, method or branch per line, so that diffs are readable.
#[allow(dead_code)] // not every test binary that includes `common` writes goldens
pub fn reviewable(value: &serde_json::Value) -> String {
    let mut out = String::from("{\n");
    let object = value.as_object().unwrap();
    for (i, (key, item)) in object.iter().enumerate() {
        out.push_str(&format!("  {}: ", serde_json::to_string(key).unwrap()));
        match item.as_array() {
            Some(items) if items.iter().any(|v| v.is_object()) => {
                out.push_str("[\n");
                for (j, element) in items.iter().enumerate() {
                    let comma = if j + 1 < items.len() { "," } else { "" };
                    out.push_str(&format!(
                        "    {}{comma}\n",
                        serde_json::to_string(element).unwrap()
                    ));
                }
                out.push_str("  ]");
            }
            _ => out.push_str(&serde_json::to_string(item).unwrap()),
        }
        out.push_str(if i + 1 < object.len() { ",\n" } else { "\n" });
    }
    out.push_str("}\n");
    out
}

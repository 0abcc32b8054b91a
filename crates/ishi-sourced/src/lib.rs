//! Rule values with their source (SPEC X1).
//!
//! Both rule books of ishi — the 医師確保計画 editions and the 専門医更新 editions — are TOML files in
//! which every number is a [`Sourced`] pair `{ value, source }`. [`unsourced_numbers`] walks a raw
//! edition and lists every number that slipped in outside that shape, so a test can fail the build.
//!
//! ```
//! let text = "a = { value = 3, source = \"seed 004 ③\" }\nb = 4\n";
//! assert_eq!(ishi_sourced::unsourced_numbers(text).unwrap(), vec!["b = 4 is a bare number without a source"]);
//! ```

use serde::Deserialize;

/// A value from the rules with a reference to where it comes from (seed passage or published table).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
}

/// Every number in an edition's TOML text that lacks a non-empty `source` beside it.
pub fn unsourced_numbers(text: &str) -> Result<Vec<String>, toml::de::Error> {
    let value: toml::Value = toml::from_str(text)?;
    let mut problems = vec![];
    walk("", &value, &mut problems);
    Ok(problems)
}

fn walk(path: &str, v: &toml::Value, problems: &mut Vec<String>) {
    let child_path = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match v {
        toml::Value::Table(t) => {
            if let Some(value) = t.get("value") {
                match t.get("source").and_then(|s| s.as_str()) {
                    Some(s) if !s.trim().is_empty() => {}
                    _ => problems.push(format!("{path} = {value} has no source")),
                }
                return;
            }
            for (k, child) in t {
                walk(&child_path(k), child, problems);
            }
        }
        toml::Value::Integer(_) | toml::Value::Float(_) => {
            problems.push(format!("{path} = {v} is a bare number without a source"))
        }
        toml::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(&format!("{path}[{i}]"), child, problems);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x1_a_number_with_an_empty_source_is_reported() {
        let problems = unsourced_numbers("[t]\nx = { value = 1, source = \" \" }\n").unwrap();
        assert_eq!(problems, vec!["t.x = 1 has no source"]);
    }

    #[test]
    fn x1_numbers_inside_arrays_are_checked() {
        let problems = unsourced_numbers("steps = [{ at = 20 }]\n").unwrap();
        assert_eq!(problems, vec!["steps[0].at = 20 is a bare number without a source"]);
    }
}

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
    let mut problems = vec![];
    walk(&toml::from_str(text)?, &mut |path, node| match node {
        Node::Sourced { value, source } if source.trim().is_empty() => {
            problems.push(format!("{path} = {value} has no source"))
        }
        Node::Sourced { .. } => {}
        Node::Bare(v) => problems.push(format!("{path} = {v} is a bare number without a source")),
    });
    Ok(problems)
}

/// Every `{ value, source }` of an edition's TOML text, as (path, value, source), keys in sorted order.
pub fn sourced_values(text: &str) -> Result<Vec<(String, String, String)>, toml::de::Error> {
    let mut out = vec![];
    walk(&toml::from_str(text)?, &mut |path, node| {
        if let Node::Sourced { value, source } = node {
            out.push((path.to_string(), value.to_string(), source.to_string()));
        }
    });
    Ok(out)
}

/// What the walk finds at a leaf of interest.
enum Node<'a> {
    /// A table with a `value`; `source` is empty when missing or not a string.
    Sourced { value: &'a toml::Value, source: &'a str },
    /// A number outside a `{ value, source }` table.
    Bare(&'a toml::Value),
}

fn walk(root: &toml::Value, visit: &mut impl FnMut(&str, Node)) {
    fn go(path: &str, v: &toml::Value, visit: &mut impl FnMut(&str, Node)) {
        match v {
            toml::Value::Table(t) => {
                if let Some(value) = t.get("value") {
                    let source = t.get("source").and_then(|s| s.as_str()).unwrap_or("");
                    return visit(path, Node::Sourced { value, source });
                }
                for (k, child) in t {
                    let child_path = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    go(&child_path, child, visit);
                }
            }
            toml::Value::Integer(_) | toml::Value::Float(_) => visit(path, Node::Bare(v)),
            toml::Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    go(&format!("{path}[{i}]"), child, visit);
                }
            }
            _ => {}
        }
    }
    go("", root, visit)
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
    fn x1_sourced_values_lists_paths_values_and_sources() {
        let text = "[t]\nx = { value = 1, source = \"s\" }\nsteps = [{ at = { value = 2, source = \"u\" } }]\n";
        let values = sourced_values(text).unwrap();
        assert_eq!(values, [("t.steps[0].at".into(), "2".into(), "u".into()), ("t.x".into(), "1".into(), "s".into())]);
    }

    #[test]
    fn x1_numbers_inside_arrays_are_checked() {
        let problems = unsourced_numbers("steps = [{ at = 20 }]\n").unwrap();
        assert_eq!(problems, vec!["steps[0].at = 20 is a bare number without a source"]);
    }
}

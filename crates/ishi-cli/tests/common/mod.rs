//! Helpers for running the real `ishi` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn ishi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ishi")).args(args).env("NO_COLOR", "1").output().expect("run ishi")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and parses `--format json` output.
pub fn json(args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let o = ishi(&all);
    assert!(o.status.success(), "ishi {all:?} failed: {}", stderr(&o));
    serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout).expect("json array")
}

/// The repository root (for shipped data files).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

pub fn repo_file(rel: &str) -> String {
    repo().join(rel).display().to_string()
}

/// Designation counts (多数, 中程度, 少数) of a JSON table, by `key`.
pub fn counts(rows: &[serde_json::Value], key: &str) -> (usize, usize, usize) {
    let n = |d: &str| rows.iter().filter(|r| r[key] == d).count();
    (n("多数"), n("中程度"), n("少数"))
}

/// Short names (東京, 京都 …) of the rows with designation `d`, sorted.
pub fn names_with(rows: &[serde_json::Value], d: &str) -> Vec<String> {
    let mut v: Vec<String> = rows
        .iter()
        .filter(|r| r["designation"] == d)
        .map(|r| ishi_plan::Prefecture::by_name(r["name"].as_str().unwrap()).unwrap().short_name().to_string())
        .collect();
    v.sort();
    v
}

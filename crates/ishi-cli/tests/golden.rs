//! Golden tests against the published data (data/README.md): SPEC P2.7, P2.8, P3.1–P3.2.

mod common;
use common::*;

fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn p2_8_golden_national_value_2024_is_255_6() {
    let national = ishi_io::shipped::national_2024();
    assert_eq!(format!("{national:.1}"), "255.6");
    assert!((national - 255.577).abs() < 0.001, "{national}");
    let o = ishi(&["plan", "table"]);
    assert!(stdout(&o).contains("全国値: 255.6"));
}

#[test]
fn p3_2_golden_2024_secondary_split_112_111_107() {
    let rows = json(&["plan", "table"]);
    assert_eq!(rows.len(), 330);
    assert_eq!(counts(&rows, "designation"), (112, 111, 107));
    assert_eq!(counts(&rows, "decided"), (112, 111, 107));
}

#[test]
fn p3_2_golden_values_equal_to_a_cutoff_belong_to_the_band_above() {
    // 0906 両毛 is 179.3 = the lower cut-off → 中程度; 2506 湖北 is 217.6 = the upper cut-off → 多数.
    // This is what the unrounded values decide (data README).
    let rows = json(&["plan", "table"]);
    let find = |code: &str| rows.iter().find(|r| r["code"] == code).unwrap().clone();
    assert_eq!(find("0906")["index"], 179.3);
    assert_eq!(find("0906")["designation"], "中程度");
    assert_eq!(find("2506")["index"], 217.6);
    assert_eq!(find("2506")["designation"], "多数");
}

#[test]
fn p3_2_golden_2024_secondary_matches_the_unrounded_designations_row_by_row() {
    // The shipped CSV carries designation_from_unrounded; the engine ignores it and must agree anyway.
    let csv = std::fs::read_to_string(repo_file("data/mhlw-2024/secondary_areas.csv")).unwrap();
    let rows = json(&["plan", "table"]);
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let row = rows.iter().find(|r| r["code"] == f[0]).unwrap();
        assert_eq!(row["designation"], f[7], "area {} {}", f[0], f[2]);
    }
}

#[test]
fn p3_1_golden_2024_prefectures_16_15_16_official_lists() {
    let rows = json(&["plan", "table", "--level", "tertiary"]);
    assert_eq!(rows.len(), 47);
    assert_eq!(counts(&rows, "designation"), (16, 15, 16));
    assert_eq!(
        names_with(&rows, "少数"),
        sorted(&[
            "岩手", "青森", "新潟", "福島", "茨城", "埼玉", "秋田", "山形", "静岡", "千葉", "群馬", "長野", "岐阜",
            "三重", "宮崎", "山口"
        ])
    );
    assert_eq!(
        names_with(&rows, "多数"),
        sorted(&[
            "香川",
            "高知",
            "奈良",
            "鳥取",
            "熊本",
            "佐賀",
            "和歌山",
            "石川",
            "長崎",
            "大阪",
            "徳島",
            "沖縄",
            "岡山",
            "福岡",
            "京都",
            "東京"
        ])
    );
}

#[test]
fn p3_1_golden_2019_prefectures_same_method_reproduces_official_lists() {
    // The same rank method (no special case per year) on the February-2019 values.
    let rows = json(&[
        "plan",
        "table",
        "--level",
        "tertiary",
        "--edition",
        "2019",
        "--input",
        &repo_file("data/mhlw-2019/prefectures.csv"),
    ]);
    assert_eq!(counts(&rows, "designation"), (16, 15, 16));
    assert_eq!(
        names_with(&rows, "少数"),
        sorted(&[
            "岩手", "新潟", "青森", "福島", "埼玉", "茨城", "秋田", "山形", "静岡", "長野", "千葉", "岐阜", "群馬",
            "三重", "山口", "宮崎"
        ])
    );
    assert_eq!(
        names_with(&rows, "多数"),
        sorted(&[
            "東京",
            "京都",
            "福岡",
            "沖縄",
            "岡山",
            "大阪",
            "石川",
            "徳島",
            "長崎",
            "和歌山",
            "鳥取",
            "高知",
            "佐賀",
            "熊本",
            "香川",
            "滋賀"
        ])
    );
}

#[test]
fn p3_2_edition_2019_on_2024_secondary_data_ranks_instead_of_fixed_cutoffs() {
    // 330 areas, shares 1/3: h = 329/3 = 109.67 → 110 on each side.
    let rows = json(&["plan", "table", "--edition", "2019"]);
    assert_eq!(counts(&rows, "designation"), (110, 110, 110));
}

#[test]
fn p3_1_ranks_are_1_to_n_with_1_the_highest() {
    let rows = json(&["plan", "table"]);
    let top = rows.iter().find(|r| r["rank"] == 1).unwrap();
    let max = rows.iter().map(|r| r["index"].as_f64().unwrap()).fold(f64::MIN, f64::max);
    assert_eq!(top["index"].as_f64().unwrap(), max);
    assert!(rows.iter().all(|r| (1..=330).contains(&r["rank"].as_u64().unwrap())));
}

#[test]
fn p2_7_empty_index_in_input_is_computed_from_components() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("areas.csv");
    std::fs::write(&path, "area_code,prefecture,area,index,std_physicians,population_100k,std_utilization_ratio\n0101,北海道,南渡島,,883,3.63,1.184\n0102,北海道,南檜山,139.0,26,0.215,0.855\n").unwrap();
    let rows = json(&["plan", "table", "--input", path.to_str().unwrap()]);
    assert_eq!(rows[0]["index_source"], "computed");
    assert!((rows[0]["index"].as_f64().unwrap() - 205.448).abs() < 0.001);
    assert_eq!(rows[1]["index_source"], "published");
}

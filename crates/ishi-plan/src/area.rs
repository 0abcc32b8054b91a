//! Areas of the plan (SPEC P1): 三次医療圏 (tertiary areas) and 二次医療圏 (secondary areas), and the
//! JIS prefecture codes (X2).

use std::fmt;

/// The two levels a plan designates at (P1.1, P1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// 二次医療圏 — secondary area (330 in the 2024 release).
    Secondary,
    /// 三次医療圏 — tertiary area; one per prefecture in the official tables.
    Tertiary,
}

impl Level {
    pub fn as_ja(self) -> &'static str {
        match self {
            Level::Secondary => "二次医療圏",
            Level::Tertiary => "三次医療圏",
        }
    }
}

/// The code of an area as published: 4 digits for a 二次医療圏 (first two = JIS prefecture code),
/// 2 digits for a prefecture. Other partitions (P1.1) may use any non-empty code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AreaCode(String);

impl AreaCode {
    pub fn new(code: impl Into<String>) -> Self {
        Self(code.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The JIS prefecture this code belongs to, when its first two digits are one.
    pub fn prefecture(&self) -> Option<&'static Prefecture> {
        self.0.get(..2).and_then(Prefecture::by_code)
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for AreaCode {
    fn from(code: &str) -> Self {
        Self::new(code)
    }
}

/// 二次医療圏 — a secondary medical area (P1.2).
#[derive(Debug, Clone, PartialEq)]
pub struct SecondaryArea {
    pub code: AreaCode,
    /// Name as given (e.g. `両毛`); kept verbatim for display.
    pub name: String,
    /// The tertiary area (三次医療圏) that contains it.
    pub tertiary: AreaCode,
}

/// 三次医療圏 — a tertiary medical area (P1.1); in the official tables, a prefecture.
#[derive(Debug, Clone, PartialEq)]
pub struct TertiaryArea {
    pub code: AreaCode,
    pub name: String,
}

/// 都道府県 with its JIS X 0401 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefecture {
    pub code: &'static str,
    pub name: &'static str,
}

impl Prefecture {
    pub fn by_code(code: &str) -> Option<&'static Prefecture> {
        PREFECTURES.iter().find(|p| p.code == code)
    }
    /// Matches `東京都` and also the short form `東京`.
    pub fn by_name(name: &str) -> Option<&'static Prefecture> {
        PREFECTURES.iter().find(|p| p.name == name || p.short_name() == name)
    }
    /// `東京都` → `東京`, `北海道` stays `北海道`.
    pub fn short_name(&self) -> &'static str {
        if self.name == "北海道" {
            return self.name;
        }
        self.name.strip_suffix(['都', '府', '県']).unwrap_or(self.name)
    }
}

macro_rules! prefectures {
    ($($code:literal $name:literal),* $(,)?) => {
        /// The 47 prefectures, JIS X 0401 order.
        pub const PREFECTURES: [Prefecture; 47] = [$(Prefecture { code: $code, name: $name }),*];
    };
}

prefectures![
    "01" "北海道", "02" "青森県", "03" "岩手県", "04" "宮城県", "05" "秋田県", "06" "山形県",
    "07" "福島県", "08" "茨城県", "09" "栃木県", "10" "群馬県", "11" "埼玉県", "12" "千葉県",
    "13" "東京都", "14" "神奈川県", "15" "新潟県", "16" "富山県", "17" "石川県", "18" "福井県",
    "19" "山梨県", "20" "長野県", "21" "岐阜県", "22" "静岡県", "23" "愛知県", "24" "三重県",
    "25" "滋賀県", "26" "京都府", "27" "大阪府", "28" "兵庫県", "29" "奈良県", "30" "和歌山県",
    "31" "鳥取県", "32" "島根県", "33" "岡山県", "34" "広島県", "35" "山口県", "36" "徳島県",
    "37" "香川県", "38" "愛媛県", "39" "高知県", "40" "福岡県", "41" "佐賀県", "42" "長崎県",
    "43" "熊本県", "44" "大分県", "45" "宮崎県", "46" "鹿児島県", "47" "沖縄県",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x2_jis_prefecture_codes() {
        assert_eq!(Prefecture::by_code("13").unwrap().name, "東京都");
        assert_eq!(Prefecture::by_name("京都").unwrap().code, "26");
        assert_eq!(Prefecture::by_name("北海道").unwrap().code, "01");
        assert!(Prefecture::by_code("48").is_none());
        assert_eq!(AreaCode::new("0906").prefecture().unwrap().name, "栃木県");
        for (i, p) in PREFECTURES.iter().enumerate() {
            assert_eq!(p.code, format!("{:02}", i + 1));
        }
    }
}

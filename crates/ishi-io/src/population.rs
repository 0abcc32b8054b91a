//! Population by 二次医療圏 from the shipped 住民基本台帳 and IPSS files.

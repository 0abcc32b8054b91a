//! Front-end files compiled into the binary (no CDN, nothing fetched at run time). Provenance and
//! licences: `assets/README.md`.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// (path under `/assets/`, content type, bytes).
const FILES: &[(&str, &str, &[u8])] = &[
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../assets/app.js")),
    ("app.css", "text/css; charset=utf-8", include_bytes!("../assets/app.css")),
    ("vendor/echarts.min.js", "text/javascript; charset=utf-8", include_bytes!("../assets/vendor/echarts.min.js")),
    ("vendor/echarts.LICENSE", "text/plain; charset=utf-8", include_bytes!("../assets/vendor/echarts.LICENSE")),
    ("vendor/echarts.NOTICE", "text/plain; charset=utf-8", include_bytes!("../assets/vendor/echarts.NOTICE")),
    ("japan-prefectures.geojson", "application/geo+json", include_bytes!("../assets/japan-prefectures.geojson")),
    ("japanmap.LICENSE", "text/plain; charset=utf-8", include_bytes!("../assets/japanmap.LICENSE")),
];

pub async fn asset(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(p, _, _)| *p == path) {
        Some((_, content_type, bytes)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "public, max-age=3600")], *bytes)
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

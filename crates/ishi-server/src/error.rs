//! Errors of requests: one enum, rendered as JSON for `/api/…` and as a Japanese page otherwise.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Why a request was refused.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not logged in (401).
    #[error("ログインが必要です")]
    Unauthenticated,
    /// Logged in, but the role or scope does not allow it (403).
    #[error("{0}")]
    Forbidden(String),
    /// Missing or wrong CSRF token on a state-changing request (403).
    #[error("CSRFトークンがないか一致しません。ページを読み込み直してください")]
    Csrf,
    #[error("{0}")]
    NotFound(String),
    /// Bad input: the message names the field (and row, for files) and the value.
    #[error("{message}")]
    BadRequest { message: String, field: Option<String> },
    #[error("{0}")]
    Conflict(String),
    #[error("内部エラー: {0}")]
    Internal(String),
}

impl AppError {
    pub fn bad(field: &str, message: impl Into<String>) -> Self {
        AppError::BadRequest { message: message.into(), field: Some(field.to_string()) }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden(_) => "forbidden",
            AppError::Csrf => "csrf",
            AppError::NotFound(_) => "not_found",
            AppError::BadRequest { .. } => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<ishi_store::StoreError> for AppError {
    fn from(e: ishi_store::StoreError) -> Self {
        use ishi_store::StoreError as S;
        match e {
            S::NotFound { what, key } => AppError::NotFound(format!("{what} {key:?} は存在しません")),
            S::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("rendering a page: {e}"))
    }
}

/// The body of every error answer of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `unauthenticated`, `forbidden`, `csrf`, `not_found`, `bad_request`, `conflict`, `internal`.
    pub code: String,
    /// In Japanese, for people.
    pub message: String,
    /// The field (form field or file column) at fault, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(m) = &self {
            eprintln!("error: {m}");
        }
        let field = match &self {
            AppError::BadRequest { field, .. } => field.clone(),
            _ => None,
        };
        let body = ErrorBody { error: ErrorDetail { code: self.code().into(), message: self.to_string(), field } };
        (self.status(), Json(body)).into_response()
    }
}

/// The same refusal as a page (for the HTML routes).
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl From<ishi_store::StoreError> for PageError {
    fn from(e: ishi_store::StoreError) -> Self {
        PageError(e.into())
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        if matches!(e, AppError::Unauthenticated) {
            return axum::response::Redirect::to("/login").into_response();
        }
        if let AppError::Internal(m) = &e {
            eprintln!("error: {m}");
        }
        let title = match e.status() {
            StatusCode::FORBIDDEN => "権限がありません",
            StatusCode::NOT_FOUND => "見つかりません",
            StatusCode::UNPROCESSABLE_ENTITY => "入力に誤りがあります",
            StatusCode::CONFLICT => "競合しています",
            _ => "エラー",
        };
        let body = format!(
            "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{title} — ishi</title>\
             <link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main><h1>{title}</h1>\
             <p class=\"error\">{}</p><p><a href=\"/\">トップへ戻る</a></p></main></body></html>",
            html_escape(&e.to_string())
        );
        (e.status(), Html(body)).into_response()
    }
}

pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

//! Reading an IDL submission (upload, new version, ingest) from a JSON body or a multipart form,
//! with the size limits applied to the IDL and the `CPI.md` themselves.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use orquestra_api::intake::IdlSubmission;
use orquestra_api::ErrorCode;
use serde_json::Value;

use crate::extract::has_media_type;
use crate::extract::parse_json;
use crate::ApiError;

/// Largest IDL accepted.
pub const MAX_IDL_BYTES: usize = 10 * 1024 * 1024;
/// Largest `CPI.md` accepted.
pub const MAX_CPI_MD_BYTES: usize = 5 * 1024 * 1024;
/// Body limit of the routes that take a submission (IDL + CPI.md + envelope).
pub const MAX_BODY_BYTES: usize = MAX_IDL_BYTES + MAX_CPI_MD_BYTES + 64 * 1024;

/// An [`IdlSubmission`] read from a JSON body or a multipart form, limits applied. Hand-read
/// rather than derived so every refusal names the field's JSON pointer and the IDL's size is
/// checked before it is kept.
#[derive(Debug, Default)]
pub struct Submission(pub IdlSubmission);

fn too_large(pointer: &str, what: &str, max: usize) -> ApiError {
    ApiError::new(
        ErrorCode::PayloadTooLarge,
        format!("{what} exceeds {} MB", max / (1024 * 1024)),
    )
    .with_detail(pointer, format!("larger than {max} bytes"))
}

fn idl_from_text(text: &str) -> Result<Value, ApiError> {
    if text.len() > MAX_IDL_BYTES {
        return Err(too_large("/idl", "the IDL", MAX_IDL_BYTES));
    }
    serde_json::from_str(text)
        .map_err(|e| ApiError::invalid("/idl", format!("the IDL is not valid JSON: {e}")))
}

fn check_cpi_md(text: String) -> Result<String, ApiError> {
    if text.len() > MAX_CPI_MD_BYTES {
        return Err(too_large("/cpiMd", "CPI.md", MAX_CPI_MD_BYTES));
    }
    Ok(text)
}

fn from_json(bytes: &[u8]) -> Result<IdlSubmission, ApiError> {
    let body: Value = parse_json(bytes)?;
    let Value::Object(mut map) = body else {
        return Err(ApiError::invalid("", "expected a JSON object"));
    };
    let text =
        |map: &mut serde_json::Map<String, Value>, key: &str| -> Result<Option<String>, ApiError> {
            match map.remove(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(ApiError::invalid(format!("/{key}"), "expected a string")),
            }
        };
    let mut submission = IdlSubmission {
        name: text(&mut map, "name")?,
        description: text(&mut map, "description")?,
        program_id: text(&mut map, "programId")?,
        cpi_md: text(&mut map, "cpiMd")?.map(check_cpi_md).transpose()?,
        ..IdlSubmission::default()
    };
    submission.is_public = match map.remove("isPublic") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(b),
        Some(_) => return Err(ApiError::invalid("/isPublic", "expected true or false")),
    };
    submission.idl = match map.remove("idl") {
        None | Some(Value::Null) => None,
        // An IDL sent as a JSON string is accepted too (some clients double-encode).
        Some(Value::String(text)) => Some(idl_from_text(&text)?),
        Some(value @ Value::Object(_)) => {
            // Measuring the IDL means serialising it again; a body that small cannot hold more.
            if bytes.len() > MAX_IDL_BYTES
                && serde_json::to_vec(&value)
                    .map(|v| v.len())
                    .unwrap_or(usize::MAX)
                    > MAX_IDL_BYTES
            {
                return Err(too_large("/idl", "the IDL", MAX_IDL_BYTES));
            }
            Some(value)
        }
        Some(_) => {
            return Err(ApiError::invalid(
                "/idl",
                "expected the IDL as a JSON object",
            ))
        }
    };
    if let Some(unknown) = map.keys().next() {
        return Err(ApiError::invalid(format!("/{unknown}"), "unknown field"));
    }
    Ok(submission)
}

async fn from_multipart(mut form: Multipart) -> Result<IdlSubmission, ApiError> {
    let mut submission = IdlSubmission::default();
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorCode::PayloadTooLarge, "request body is too large")
        } else {
            ApiError::bad_request(format!("malformed multipart body: {}", e.body_text()))
        }
    };
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        let text = field.text().await.map_err(bad)?;
        match name.as_str() {
            "name" => submission.name = Some(text),
            "description" => submission.description = Some(text),
            "programId" => submission.program_id = Some(text),
            "isPublic" => {
                submission.is_public = Some(match text.trim() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(ApiError::invalid("/isPublic", "expected true or false")),
                })
            }
            "idl" => submission.idl = Some(idl_from_text(&text)?),
            "cpiMd" | "cpi_md" | "CPI.md" => submission.cpi_md = Some(check_cpi_md(text)?),
            other => return Err(ApiError::invalid(format!("/{other}"), "unknown form field")),
        }
    }
    Ok(submission)
}

impl<S: Send + Sync> FromRequest<S> for Submission {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if has_media_type(req.headers(), "multipart/form-data") {
            let form = Multipart::from_request(req, state)
                .await
                .map_err(|e| ApiError::bad_request(e.body_text()))?;
            return from_multipart(form).await.map(Submission);
        }
        if !has_media_type(req.headers(), "application/json") {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "expected application/json or multipart/form-data",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(ErrorCode::PayloadTooLarge, "request body is too large")
                } else {
                    ApiError::bad_request(rejection.body_text())
                }
            })?;
        from_json(&bytes).map(Submission)
    }
}

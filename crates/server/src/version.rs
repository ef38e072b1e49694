//! Version pinning: every program route reads `?version=N` the same way and names the version
//! that answered in an `x-idl-version` header, so a client pinned to a version can check it got
//! that version and an unpinned one learns which version "latest" was.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponseParts, ResponseParts};
use orquestra_api::ErrorCode;
use serde::Deserialize;

use crate::ApiError;

/// The response header naming the IDL version a program response was built from.
pub const IDL_VERSION: HeaderName = HeaderName::from_static("x-idl-version");

/// The `version` query parameter of every program route (documented once, read by [`Pinned`]).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// IDL version to answer from (1, 2, …; default: the latest). An unknown version is 404
    /// `version_not_found`. The `x-idl-version` response header names the version that answered.
    #[param(minimum = 1)]
    #[allow(dead_code)] // read by `Pinned`; the field exists for the OpenAPI document
    version: Option<i64>,
}

/// The version a request pins with `?version=N`, if any. Only `version` is read, so routes keep
/// their own query parameters beside it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pinned(pub Option<i64>);

impl Pinned {
    /// Reads `version` from a query string: absent or empty is "latest"; anything but a positive
    /// integer is 400 `bad_query` pointing at `?version`.
    pub fn from_query(query: &str) -> Result<Self, ApiError> {
        let Some((_, raw)) = form_urlencoded::parse(query.as_bytes())
            .filter(|(name, _)| name == "version")
            .last()
        else {
            return Ok(Self(None));
        };
        if raw.is_empty() {
            return Ok(Self(None));
        }
        match raw.parse::<i64>() {
            Ok(version) if version >= 1 => Ok(Self(Some(version))),
            _ => Err(ApiError::new(
                ErrorCode::BadQuery,
                format!(
                    "invalid query parameter version: `{raw}` is not a version number (1, 2, …)"
                ),
            )
            .with_detail("?version", "expected a positive integer")),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Pinned {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Self::from_query(parts.uri.query().unwrap_or_default())
    }
}

/// `version` if the project has it: versions are numbered 1 to `latest` without gaps, so the
/// latest number bounds every valid one (`latest` 0: no IDL yet). Errors point at `?{param}`.
pub fn existing(param: &str, version: i64, latest: i64) -> Result<i64, ApiError> {
    if version <= latest {
        Ok(version)
    } else {
        Err(not_found(param, version, latest))
    }
}

/// 404 `version_not_found` for a version the project does not have, naming the versions it has so
/// the caller knows what to ask for.
fn not_found(param: &str, version: i64, latest: i64) -> ApiError {
    let known = match latest {
        0 => "it has no IDL yet".to_owned(),
        1 => "it has version 1 only".to_owned(),
        latest => format!("it has versions 1 to {latest}"),
    };
    ApiError::new(
        ErrorCode::VersionNotFound,
        format!("this project has no version {version} ({known})"),
    )
    .with_detail(format!("?{param}"), "no such version")
}

/// The `x-idl-version` header of a response built from `version`.
pub struct Answered(pub i64);

impl IntoResponseParts for Answered {
    type Error = std::convert::Infallible;

    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        res.headers_mut()
            .insert(IDL_VERSION, HeaderValue::from(self.0));
        Ok(res)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_a_positive_integer_version() {
        assert_eq!(Pinned::from_query("").unwrap(), Pinned(None));
        assert_eq!(Pinned::from_query("format=md").unwrap(), Pinned(None));
        assert_eq!(Pinned::from_query("version=").unwrap(), Pinned(None));
        assert_eq!(
            Pinned::from_query("version=3&x=1").unwrap(),
            Pinned(Some(3))
        );
        assert_eq!(
            Pinned::from_query("version=1&version=2").unwrap(),
            Pinned(Some(2))
        );
        for bad in [
            "version=0",
            "version=-1",
            "version=abc",
            "version=1.5",
            "version=99999999999999999999",
        ] {
            let error = Pinned::from_query(bad).unwrap_err();
            assert_eq!(error.code, ErrorCode::BadQuery, "{bad}");
        }
    }
}

//! The tests' HTTP client: `reqwest` with every response checked against the OpenAPI documents
//! (see `contract.rs`) before the test sees it. It mirrors the parts of `reqwest::Client` the tests
//! use, so `server.http.get(url).header(..).send().await` reads as it would with reqwest itself.

use std::sync::Arc;
use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use serde::Serialize;

use super::contract::{Contract, Exchange};

/// A `reqwest::Client` whose responses are checked against the server's documents.
#[derive(Clone)]
pub struct Http {
    inner: reqwest::Client,
    contract: Arc<Contract>,
}

impl Http {
    pub fn new(inner: reqwest::Client, contract: Arc<Contract>) -> Self {
        Self { inner, contract }
    }

    /// The unchecked client, for requests whose answer is deliberately outside the API (e.g. raw
    /// protocol tests).
    pub fn unchecked(&self) -> &reqwest::Client {
        &self.inner
    }

    pub fn request(&self, method: reqwest::Method, url: impl reqwest::IntoUrl) -> Request {
        Request {
            inner: self.inner.request(method, url),
            client: self.inner.clone(),
            contract: self.contract.clone(),
        }
    }

    pub fn get(&self, url: impl reqwest::IntoUrl) -> Request {
        self.request(reqwest::Method::GET, url)
    }

    pub fn post(&self, url: impl reqwest::IntoUrl) -> Request {
        self.request(reqwest::Method::POST, url)
    }

    pub fn put(&self, url: impl reqwest::IntoUrl) -> Request {
        self.request(reqwest::Method::PUT, url)
    }

    pub fn patch(&self, url: impl reqwest::IntoUrl) -> Request {
        self.request(reqwest::Method::PATCH, url)
    }

    pub fn delete(&self, url: impl reqwest::IntoUrl) -> Request {
        self.request(reqwest::Method::DELETE, url)
    }

    pub fn head(&self, url: impl reqwest::IntoUrl) -> Request {
        self.request(reqwest::Method::HEAD, url)
    }
}

/// A request being built; `send` checks the answer.
pub struct Request {
    inner: reqwest::RequestBuilder,
    client: reqwest::Client,
    contract: Arc<Contract>,
}

impl Request {
    fn map(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        Self {
            inner: f(self.inner),
            ..self
        }
    }

    pub fn header<K, V>(self, key: K, value: V) -> Self
    where
        reqwest::header::HeaderName: TryFrom<K>,
        <reqwest::header::HeaderName as TryFrom<K>>::Error: Into<axum::http::Error>,
        reqwest::header::HeaderValue: TryFrom<V>,
        <reqwest::header::HeaderValue as TryFrom<V>>::Error: Into<axum::http::Error>,
    {
        self.map(|r| r.header(key, value))
    }

    pub fn headers(self, headers: reqwest::header::HeaderMap) -> Self {
        self.map(|r| r.headers(headers))
    }

    pub fn bearer_auth(self, token: impl std::fmt::Display) -> Self {
        self.map(|r| r.bearer_auth(token))
    }

    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Self {
        self.map(|r| r.json(body))
    }

    pub fn body(self, body: impl Into<reqwest::Body>) -> Self {
        self.map(|r| r.body(body))
    }

    pub fn form<T: Serialize + ?Sized>(self, form: &T) -> Self {
        self.map(|r| r.form(form))
    }

    pub fn multipart(self, form: reqwest::multipart::Form) -> Self {
        self.map(|r| r.multipart(form))
    }

    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|r| r.timeout(timeout))
    }

    /// Sends the request; the response is checked against the documents (a violation panics
    /// with the route, status and what is wrong), then handed back unchanged.
    pub async fn send(self) -> reqwest::Result<reqwest::Response> {
        let request = self.inner.build()?;
        let method = request.method().clone();
        let url = request.url().clone();
        let response = self.client.execute(request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let mut exchange = Exchange {
            method: method.as_str(),
            url: &url,
            status: status.as_u16(),
            headers: &headers,
            body: None,
        };
        // Event streams are long-lived: only their status and content type are checked.
        let streaming = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if streaming {
            if let Err(violation) = self.contract.check(&exchange).await {
                panic!("{violation}");
            }
            return Ok(response);
        }
        let version = response.version();
        let body = response.bytes().await?;
        exchange.body = Some(&body);
        if let Err(violation) = self.contract.check(&exchange).await {
            panic!("{violation}");
        }
        let mut rebuilt = axum::http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
    }
}

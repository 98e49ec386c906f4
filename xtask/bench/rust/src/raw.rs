//! The raw baselines: `reqwest` + `serde_json`, no facade, no retries, no validation.
//! `get`/`post` parse into `serde_json::Value` (the counterpart of Python's `json.loads` and
//! Node's `JSON.parse`); `get_typed` into a caller's minimal struct (the strictest floor).
//! Also what `seed` sends, so seeding never depends on the code being measured.

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A bare HTTP client bound to one base URL and API key.
pub struct Raw {
    http: reqwest::Client,
    base: String,
}

impl Raw {
    pub fn new(base: &str, api_key: &str) -> Result<Self, String> {
        let mut headers = HeaderMap::new();
        let bearer =
            HeaderValue::from_str(&format!("Bearer {api_key}")).map_err(|e| e.to_string())?;
        headers.insert(AUTHORIZATION, bearer);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Raw {
            http,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    /// GET `path` (relative to the base URL) with `query`, parsed as JSON; non-2xx is an error.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, String> {
        self.get_typed(path, query).await
    }

    /// GET `path` with `query`, deserialized straight into `T`.
    pub async fn get_typed<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, String> {
        let request = self.http.get(format!("{}{path}", self.base)).query(query);
        Self::json(request).await
    }

    /// POST a JSON body to `path`, parsed as JSON; non-2xx is an error.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, String> {
        Self::json(self.http.post(format!("{}{path}", self.base)).json(body)).await
    }

    async fn json<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> Result<T, String> {
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{status}: {}", String::from_utf8_lossy(&bytes)));
        }
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }
}

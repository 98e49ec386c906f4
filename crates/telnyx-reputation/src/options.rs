//! [`ClientOptions`]: every [`ClientBuilder`] option that can cross a language or file
//! boundary, as one serde struct. The Python keywords and the Node options object are
//! deserialized into it, so each option is named, typed and checked in this one place.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};

use crate::{ApiKey, ClientBuilder, Error, PriceOverrides, PriceTable, Usd};

/// Every serializable option of a [`ClientBuilder`]; `None` leaves the builder's value
/// (the environment or the default) as it is.
///
/// The serde form uses these field names in `snake_case`, durations as **seconds** (a number,
/// fractions allowed: `"timeout": 2.5`). Unknown fields are refused, so a misspelt option is
/// an [`Error::InvalidInput`] naming it ([`ClientOptions::from_json`]). The API key is read
/// but never written: serializing a `ClientOptions` leaves `api_key` out, and `Debug`
/// redacts it.
///
/// ```
/// use telnyx_reputation::{Client, ClientOptions};
///
/// let options = ClientOptions::from_json(serde_json::json!({
///     "api_key": "KEY_example", "base_url": "http://127.0.0.1:4010/v2",
///     "timeout": 5, "retry_deadline": 30.5, "max_billable": 100,
/// }))?;
/// let client = Client::builder().with_options(options).build()?;
/// assert_eq!(client.max_billable(), Some(100));
/// # Ok::<(), telnyx_reputation::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientOptions {
    /// The API key ([`ClientBuilder::api_key`]). Never serialized.
    #[serde(default, skip_serializing)]
    pub api_key: Option<ApiKey>,
    /// The base URL ([`ClientBuilder::base_url`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Per-request timeout, in seconds on the wire ([`ClientBuilder::timeout`]).
    #[serde(default, with = "seconds", skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// Retries after the first attempt ([`ClientBuilder::max_retries`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
    /// Longest single wait between attempts, in seconds on the wire
    /// ([`ClientBuilder::retry_cap`]).
    #[serde(default, with = "seconds", skip_serializing_if = "Option::is_none")]
    pub retry_cap: Option<Duration>,
    /// Overall budget of an operation including retries, in seconds on the wire
    /// ([`ClientBuilder::retry_deadline`]).
    #[serde(default, with = "seconds", skip_serializing_if = "Option::is_none")]
    pub retry_deadline: Option<Duration>,
    /// The `User-Agent` header ([`ClientBuilder::user_agent`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Allow the key over plain `http://` to a non-loopback host
    /// ([`ClientBuilder::allow_insecure_http`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_insecure_http: Option<bool>,
    /// Budget of billable units ([`ClientBuilder::max_billable`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_billable: Option<u64>,
    /// Budget in US dollars, `"25.00"` or `25` ([`ClientBuilder::max_spend`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_spend: Option<Usd>,
    /// Prices overriding the published ones, item by item ([`PriceOverrides`],
    /// [`ClientBuilder::prices`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prices: Option<PriceOverrides>,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            // `ApiKey`'s Debug redacts it.
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_cap", &self.retry_cap)
            .field("retry_deadline", &self.retry_deadline)
            .field("user_agent", &self.user_agent)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("max_billable", &self.max_billable)
            .field("max_spend", &self.max_spend)
            .field("prices", &self.prices)
            .finish()
    }
}

impl ClientOptions {
    /// Read options from a JSON value (a map of the field names above). A misspelt name, a
    /// wrong type or a negative duration is an [`Error::InvalidInput`] that names the option.
    pub fn from_json(value: serde_json::Value) -> Result<ClientOptions, Error> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if path == "." {
                Error::invalid(format!("client options: {inner}"))
            } else {
                Error::invalid(format!("client options: {path}: {inner}"))
            }
        })
    }
}

impl ClientBuilder {
    /// Apply every option that is set; the others keep the builder's current value.
    pub fn with_options(mut self, options: ClientOptions) -> Self {
        let ClientOptions {
            api_key,
            base_url,
            timeout,
            max_retries,
            retry_cap,
            retry_deadline,
            user_agent,
            allow_insecure_http,
            max_billable,
            max_spend,
            prices,
        } = options;
        if let Some(key) = api_key {
            self = self.api_key(key.expose());
        }
        if let Some(url) = base_url {
            self = self.base_url(url);
        }
        if let Some(timeout) = timeout {
            self = self.timeout(timeout);
        }
        if let Some(retries) = max_retries {
            self = self.max_retries(retries);
        }
        if let Some(cap) = retry_cap {
            self = self.retry_cap(cap);
        }
        if let Some(deadline) = retry_deadline {
            self = self.retry_deadline(deadline);
        }
        if let Some(agent) = user_agent {
            self = self.user_agent(agent);
        }
        if let Some(allow) = allow_insecure_http {
            self = self.allow_insecure_http(allow);
        }
        if let Some(max) = max_billable {
            self = self.max_billable(max);
        }
        if let Some(max) = max_spend {
            self = self.max_spend(max);
        }
        if let Some(prices) = prices {
            self = self.prices(PriceTable::default().with_overrides(
                &prices,
                "client options",
                "unknown",
            ));
        }
        self
    }
}

impl<'de> Deserialize<'de> for ApiKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(ApiKey::new)
    }
}

/// `Option<Duration>` as a number of seconds (fractions allowed).
mod seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer, de};

    pub fn serialize<S: Serializer>(value: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_f64(d.as_secs_f64()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let Some(secs) = Option::<f64>::deserialize(d)? else {
            return Ok(None);
        };
        Duration::try_from_secs_f64(secs).map(Some).map_err(|_| {
            de::Error::invalid_value(
                de::Unexpected::Float(secs),
                &"a non-negative number of seconds",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_option_round_trips_except_the_key() {
        let options = ClientOptions::from_json(json!({
            "api_key": "KEYsecret", "base_url": "http://127.0.0.1:1/v2", "timeout": 2.5,
            "max_retries": 4, "retry_cap": 0.25, "retry_deadline": 30, "user_agent": "me/1",
            "allow_insecure_http": true, "max_billable": 7, "max_spend": 25.5,
            "prices": {"numbers_added": "0.05"},
        }))
        .unwrap();
        assert_eq!(options.max_spend, Some(Usd::from_cents(2550)));
        assert_eq!(options.timeout, Some(Duration::from_millis(2500)));
        assert_eq!(options.retry_deadline, Some(Duration::from_secs(30)));
        let written = serde_json::to_value(&options).unwrap();
        assert_eq!(
            written,
            json!({
                "base_url": "http://127.0.0.1:1/v2", "timeout": 2.5, "max_retries": 4,
                "retry_cap": 0.25, "retry_deadline": 30.0, "user_agent": "me/1",
                "allow_insecure_http": true, "max_billable": 7, "max_spend": "25.50",
                "prices": {"numbers_added": {"usd": "0.05"}},
            })
        );
        let again = ClientOptions::from_json(written).unwrap();
        assert_eq!(
            again,
            ClientOptions {
                api_key: None,
                ..options
            }
        );
    }

    #[test]
    fn debug_redacts_the_key() {
        let options = ClientOptions::from_json(json!({"api_key": "KEYsecret"})).unwrap();
        let text = format!("{options:?}");
        assert!(
            text.contains("KEY***") && !text.contains("secret"),
            "{text}"
        );
    }

    #[test]
    fn a_misspelt_option_is_invalid_input_naming_it() {
        let e = ClientOptions::from_json(json!({"retry_capp": 1})).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        let text = e.to_string();
        assert!(text.contains("unknown field `retry_capp`"), "{text}");
        assert!(
            text.contains("`retry_cap`"),
            "lists the valid names: {text}"
        );
    }

    #[test]
    fn a_bad_value_names_its_option() {
        let e = ClientOptions::from_json(json!({"timeout": -1})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid input: client options: timeout: invalid value: floating point `-1.0`, \
             expected a non-negative number of seconds"
        );
        let e = ClientOptions::from_json(json!({"max_retries": "3"})).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid input: client options: max_retries: invalid type"),
            "{e}"
        );
    }

    #[test]
    fn with_options_sets_each_option_on_the_builder() {
        let options = ClientOptions {
            api_key: Some(ApiKey::new("KEY1")),
            base_url: Some("http://api.example.com/v2".into()),
            allow_insecure_http: Some(true),
            max_billable: Some(3),
            max_spend: Some(Usd::from_cents(250)),
            prices: Some(
                PriceOverrides::from_json(serde_json::json!({"numbers_added": 0.02})).unwrap(),
            ),
            ..ClientOptions::default()
        };
        let client = crate::Client::builder()
            .with_options(options)
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://api.example.com/v2");
        assert_eq!(client.max_billable(), Some(3));
        assert_eq!(client.max_spend(), Some(Usd::from_cents(250)));
        assert_eq!(
            client.prices().usd(crate::PriceItem::NumbersAdded),
            Some(Usd::from_cents(2))
        );
        // Without allow_insecure_http the same URL is refused: the option took effect.
        let refused = crate::Client::builder()
            .with_options(ClientOptions {
                api_key: Some(ApiKey::new("KEY1")),
                base_url: Some("http://api.example.com/v2".into()),
                ..ClientOptions::default()
            })
            .build()
            .unwrap_err();
        assert_eq!(refused.kind(), crate::ErrorKind::InvalidInput);
        let zero = crate::Client::builder()
            .api_key("KEY1")
            .with_options(ClientOptions {
                timeout: Some(Duration::ZERO),
                ..ClientOptions::default()
            })
            .build()
            .unwrap_err();
        assert!(zero.to_string().contains("timeout"), "{zero}");
    }
}

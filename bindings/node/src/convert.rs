//! Moving values between the facade's types and their JavaScript shapes in `models`.
//! The generated `models` converts field by field (`From`, both directions); `via_serde`
//! remains for the shapes that are not models (webhook events, timestamps given as text).

use serde::Serialize;
use serde::de::DeserializeOwned;
use telnyx_reputation as facade;

/// A facade value as its JavaScript shape (or the reverse, for inputs).
pub fn convert<T, U: From<T>>(value: T) -> Result<U, facade::Error> {
    Ok(U::from(value))
}

/// Every element of a list converted.
pub fn convert_all<T, U: From<T>>(values: Vec<T>) -> Result<Vec<U>, facade::Error> {
    Ok(values.into_iter().map(U::from).collect())
}

/// A value moved across through its serde form. Only an input can fail (a value the
/// facade's types cannot hold), which is reported as `INVALID_INPUT`.
pub fn via_serde<T: Serialize, U: DeserializeOwned>(value: &T) -> Result<U, facade::Error> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| {
            facade::Error::invalid_input(format!("cannot convert {}: {e}", short_name::<U>()))
        })
}

/// A string parsed into a facade enum or other `FromStr` type (the facade reports bad text).
pub fn parse<T: std::str::FromStr<Err = facade::Error>>(
    text: Option<&str>,
) -> Result<Option<T>, facade::Error> {
    text.map(str::parse).transpose()
}

fn short_name<U>() -> &'static str {
    let full = std::any::type_name::<U>();
    full.rsplit("::").next().unwrap_or(full)
}

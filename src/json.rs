//! JSON input helpers shared by the HTTP layer and the input types of the use cases.

use serde::de::{DeserializeOwned, Error, Unexpected};
use serde::{Deserialize, Deserializer};

/// A nested object of a JSON body, refusing an array (which serde would take for a struct, by
/// position): `#[serde(deserialize_with = "crate::json::object")]`.
pub fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    if !v.is_object() {
        return Err(D::Error::invalid_type(
            Unexpected::Other("a non-object value"),
            &"struct",
        ));
    }
    T::deserialize(v).map_err(D::Error::custom)
}

/// An optional whole number, also when written with a zero fraction (`60.0`): JSON Schema's
/// `integer` allows it, so a client generated from the contract may send it.
pub fn optional_whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    let whole = n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u32::MAX))
            .map(|f| f as u64)
    });
    whole
        .and_then(|u| u32::try_from(u).ok())
        .map(Some)
        .ok_or_else(|| D::Error::custom("expected a whole number"))
}

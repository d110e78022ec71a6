//! JSON input helpers shared by the HTTP layer and the input types of the use cases.

use serde::{Deserialize, Deserializer, de::Error};

/// A nested object of a JSON body, refusing an array (which serde would take for a
/// struct, by position): `#[serde(deserialize_with = "de::object")]`.
pub fn object<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<T, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    if !v.is_object() {
        return Err(D::Error::invalid_type(
            serde::de::Unexpected::Other("a non-object value"),
            &"struct",
        ));
    }
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // Keep the inner path in the message's quoted name so the caller's field is exact.
        match inner.strip_prefix("missing field `") {
            Some(rest) if path == "." => D::Error::custom(format!("missing field `{rest}")),
            _ => D::Error::custom(inner),
        }
    })
}

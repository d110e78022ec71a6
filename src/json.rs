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

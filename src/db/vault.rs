//! Identities sealed at rest (Law 91/2025/QH15 on personal data; Art. 4.5: the reporter's
//! personal information is kept "not public" and safe).
//!
//! A reporter's name, contact address, identity number, phone and e-mail (and a caller's
//! number, an e-mail sender, an addressee) are stored as `pd1:<key id>:<base64>`: AES-256-GCM
//! with a random 96-bit nonce, its associated data naming the table, the column and the row, so
//! a ciphertext copied into another row or column does not open. The key id in every
//! ciphertext lets old keys open what they sealed while new writes use the current key
//! (`paht rotate-keys` re-seals everything under it).
//!
//! Lookups by phone or identity number use a blind index: HMAC-SHA-256 under a separate key, of
//! the normalised value, never the value itself.

use std::collections::HashMap;

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use crate::config::DataKeys;

/// The prefix of every sealed value.
const PREFIX: &str = "pd1:";

/// Where a sealed value lives: its table and column, bound into the ciphertext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field(pub &'static str);

/// The keys that seal and open identities, and the blind-index key.
pub struct Vault {
    current: String,
    keys: HashMap<String, RandomizedNonceKey>,
    index: hmac::Key,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("current", &self.current)
            .finish_non_exhaustive()
    }
}

/// A sealed value that does not open: unknown key, or altered or moved bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a sealed value does not open ({0})")]
pub struct Unopenable(pub &'static str);

impl Vault {
    /// The vault of configured (or generated) keys; both must be present.
    pub fn new(keys: &DataKeys) -> Result<Self, String> {
        let (current, _) = keys.keys.first().ok_or("no data key")?;
        let index = keys.index.as_ref().ok_or("no index key")?;
        let mut map = HashMap::new();
        for (id, bytes) in &keys.keys {
            let k = RandomizedNonceKey::new(&AES_256_GCM, bytes)
                .map_err(|_| format!("data key {id} is not an AES-256 key"))?;
            map.insert(id.clone(), k);
        }
        Ok(Self {
            current: current.clone(),
            keys: map,
            index: hmac::Key::new(hmac::HMAC_SHA256, index),
        })
    }

    /// The id of the key new values are sealed with.
    pub fn current_key(&self) -> &str {
        &self.current
    }

    /// Seals a value of `field` in the row `row`. The empty string stays empty (nothing to
    /// protect, and "not given" stays visible to the code that checks it).
    pub fn seal(&self, field: Field, row: &str, clear: &str) -> String {
        if clear.is_empty() {
            return String::new();
        }
        let key = &self.keys[&self.current];
        let mut buf = clear.as_bytes().to_vec();
        let aad = aad(field, row);
        let nonce = key
            .seal_in_place_append_tag(Aad::from(aad.as_bytes()), &mut buf)
            .expect("AES-GCM sealing of a short value");
        let mut out = nonce.as_ref().to_vec();
        out.extend_from_slice(&buf);
        format!("{PREFIX}{}:{}", self.current, STANDARD_NO_PAD.encode(out))
    }

    /// Opens a value sealed by [`Vault::seal`] for the same field and row. A value without the
    /// prefix was stored before encryption (an upgrade not yet run) and is returned as it is.
    pub fn open(&self, field: Field, row: &str, stored: &str) -> Result<String, Unopenable> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let (kid, b64) = rest.split_once(':').ok_or(Unopenable("format"))?;
        let key = self.keys.get(kid).ok_or(Unopenable("unknown key"))?;
        let bytes = STANDARD_NO_PAD
            .decode(b64)
            .map_err(|_| Unopenable("format"))?;
        if bytes.len() < NONCE_LEN {
            return Err(Unopenable("format"));
        }
        let (n, ct) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(n).map_err(|_| Unopenable("format"))?;
        let mut buf = ct.to_vec();
        let aad = aad(field, row);
        let clear = key
            .open_in_place(nonce, Aad::from(aad.as_bytes()), &mut buf)
            .map_err(|_| Unopenable("tag"))?;
        String::from_utf8(clear.to_vec()).map_err(|_| Unopenable("utf-8"))
    }

    /// Opens an optional value.
    pub fn open_opt(
        &self,
        field: Field,
        row: &str,
        stored: Option<&str>,
    ) -> Result<Option<String>, Unopenable> {
        stored.map(|s| self.open(field, row, s)).transpose()
    }

    /// How every sealed value begins (`pd1:`), or every value sealed under the current key
    /// (`pd1:<id>:`): what a pass over stored values compares them with.
    pub fn sealed_prefix(&self, current_key: bool) -> String {
        if current_key {
            format!("{PREFIX}{}:", self.current)
        } else {
            PREFIX.to_string()
        }
    }

    /// The blind index of a normalised value of a kind (`phone`, `cccd`): 32 hex digits of an
    /// HMAC-SHA-256. Equal values have equal indexes; the index reveals nothing else.
    pub fn blind(&self, kind: &str, normalised: &str) -> String {
        let mut ctx = hmac::Context::with_key(&self.index);
        ctx.update(kind.as_bytes());
        ctx.update(&[0]);
        ctx.update(normalised.as_bytes());
        let tag = ctx.sign();
        tag.as_ref()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The blind index of a phone number (normalised first; an unusual number by its digits).
    pub fn blind_phone(&self, phone: &str) -> String {
        let n = crate::domain::account::normalize_phone(phone)
            .unwrap_or_else(|| phone.chars().filter(char::is_ascii_digit).collect());
        self.blind("phone", &n)
    }

    /// The blind index of an identity number.
    pub fn blind_cccd(&self, cccd: &str) -> String {
        let n: String = cccd.chars().filter(char::is_ascii_digit).collect();
        self.blind("cccd", &n)
    }
}

fn aad(field: Field, row: &str) -> String {
    format!("{}|{row}", field.0)
}

/// A fresh key set: one 32-byte data key (id `k1`) and a 32-byte index key.
pub fn generate_keys() -> DataKeys {
    DataKeys {
        keys: vec![("k1".into(), rand::random::<[u8; 32]>().to_vec())],
        index: Some(rand::random::<[u8; 32]>().to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(ids: &[(&str, u8)]) -> Vault {
        Vault::new(&DataKeys {
            keys: ids
                .iter()
                .map(|(i, b)| (i.to_string(), vec![*b; 32]))
                .collect(),
            index: Some(vec![9; 32]),
        })
        .unwrap()
    }

    const F: Field = Field("report_reporters.phone");

    #[test]
    fn seals_open_and_bind_to_their_row() {
        let v = vault(&[("k1", 1)]);
        let s = v.seal(F, "r1", "0912345678");
        assert!(s.starts_with("pd1:k1:") && !s.contains("0912345678"), "{s}");
        assert_ne!(s, v.seal(F, "r1", "0912345678"), "random nonces");
        assert_eq!(v.open(F, "r1", &s).unwrap(), "0912345678");
        assert_eq!(v.open(F, "r2", &s), Err(Unopenable("tag")), "another row");
        assert!(v.open(Field("x.y"), "r1", &s).is_err(), "another column");
        assert_eq!(
            v.open(F, "r1", "clear").unwrap(),
            "clear",
            "before the upgrade"
        );
        assert_eq!(v.seal(F, "r1", ""), "");
        assert!(s.starts_with(&v.sealed_prefix(true)));
    }

    #[test]
    fn older_keys_open_and_are_stale() {
        let old = vault(&[("k1", 1)]);
        let s = old.seal(F, "r", "Nguyễn Văn A");
        let new = vault(&[("k2", 2), ("k1", 1)]);
        assert_eq!(new.open(F, "r", &s).unwrap(), "Nguyễn Văn A");
        assert!(
            !s.starts_with(&new.sealed_prefix(true)),
            "due for a rotation"
        );
        assert!(s.starts_with(&new.sealed_prefix(false)));
        let gone = vault(&[("k2", 2)]);
        assert_eq!(gone.open(F, "r", &s), Err(Unopenable("unknown key")));
    }

    #[test]
    fn blind_indexes_follow_the_normalised_value() {
        let v = vault(&[("k1", 1)]);
        assert_eq!(
            v.blind_phone("+84 912 345 678"),
            v.blind_phone("0912345678")
        );
        assert_ne!(v.blind_phone("0912345678"), v.blind_phone("0912345679"));
        assert_ne!(v.blind("phone", "1"), v.blind("cccd", "1"), "kinds apart");
        assert_eq!(v.blind_cccd("094085001234").len(), 32);
    }
}

//! How the emulator names an API key where it must not keep the key itself (the state file,
//! saved events and delivery attempts): `sha256:` and the hex digest of the key.

use serde::Serializer;
use sha2::{Digest, Sha256};

/// How a state file names an API key: `sha256:` and the 64 hex digits of its SHA-256.
pub fn key_digest(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str(DIGEST_PREFIX);
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

const DIGEST_PREFIX: &str = "sha256:";

/// Whether `key` is a [`key_digest`] (an account restored and not yet used).
pub fn is_digest(key: &str) -> bool {
    key.len() == DIGEST_PREFIX.len() + 64
        && key.starts_with(DIGEST_PREFIX)
        && key[DIGEST_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Serialise an API key as its [`key_digest`] (a restored, unused account's key already is
/// one and is kept).
pub fn as_digest<S: Serializer>(key: &str, serializer: S) -> Result<S::Ok, S::Error> {
    if is_digest(key) {
        serializer.serialize_str(key)
    } else {
        serializer.serialize_str(&key_digest(key))
    }
}

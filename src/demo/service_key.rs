//! The public half of the demo service account's key, which verifies the JWTs of the
//! JWT-bearer grant.

use jsonwebtoken::DecodingKey;

const PUBLIC_KEY_PEM: &str = include_str!("../../assets/demo-service-key.pub.pem");

/// The embedded public key does not load: the assets are broken, the demo cannot start.
#[derive(Debug, thiserror::Error)]
#[error("demo-service-key.pub.pem: {0}")]
pub(crate) struct ServiceKeyError(jsonwebtoken::errors::Error);

/// The demo key's public half, for verifying assertions.
pub(crate) fn decoding_key() -> Result<DecodingKey, ServiceKeyError> {
    // Only the aws-lc backend is compiled in; installing it explicitly keeps jsonwebtoken from
    // guessing (an Err just means it is installed already).
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    DecodingKey::from_rsa_pem(PUBLIC_KEY_PEM.as_bytes()).map_err(ServiceKeyError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_key_loads() {
        assert!(decoding_key().is_ok());
    }
}

//! A tiny PRNG (SplitMix64). Codes and tokens of a demo instance need to be unpredictable
//! enough for tests to notice replacement, not cryptographically strong, so no `rand` crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// SplitMix64's finaliser: a good 64-bit mixer. Also used to derive generated users from their
/// index, so it must never change (the generated data would change with it).
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes a string (FNV-1a, then mixed) for deterministic per-user values of seed users.
pub(crate) fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix(h)
}

/// Characters of ZITADEL's default email verification code generator.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// Characters of issued access tokens.
const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Characters of device-flow user codes (RFC 8628 §6.1's base-20 set).
pub(crate) const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

pub(crate) struct Rng(u64);

impl Rng {
    /// Seeded from the clock and the process id, so two runs issue different codes.
    pub(crate) fn from_time() -> Rng {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        Rng(mix((nanos as u64) ^ (u64::from(std::process::id()) << 32)))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    fn string(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| {
                let i = (self.next_u64() % alphabet.len() as u64) as usize;
                char::from(alphabet[i])
            })
            .collect()
    }

    /// A fresh 6-character email code (A-Z, 0-9), as ZITADEL's default generator makes them.
    pub(crate) fn email_code(&mut self) -> String {
        self.string(CODE_ALPHABET, 6)
    }

    /// A fresh opaque access token.
    pub(crate) fn access_token(&mut self) -> String {
        self.opaque("demo-at-")
    }

    /// A fresh opaque secret (device code, refresh token): the prefix and 40 random characters.
    pub(crate) fn opaque(&mut self, prefix: &str) -> String {
        format!("{prefix}{}", self.string(TOKEN_ALPHABET, 40))
    }

    /// A fresh RFC 8628 user code, `XXXX-XXXX` from consonants only (§6.1: no vowels, so no
    /// words, and nothing to confuse with digits).
    pub(crate) fn user_code(&mut self) -> String {
        let raw = self.string(USER_CODE_ALPHABET, 8);
        format!("{}-{}", &raw[..4], &raw[4..])
    }
}

/// A deterministic 6-character code derived from a hash (the initial pending codes).
pub(crate) fn code_from_hash(mut h: u64) -> String {
    (0..6)
        .map(|_| {
            let c = CODE_ALPHABET[(h % CODE_ALPHABET.len() as u64) as usize];
            h = mix(h);
            char::from(c)
        })
        .collect()
}

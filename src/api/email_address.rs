//! A new address (set email), checked before a request is spent on it: the console as the agent
//! types, the CLI before sending. Only the shape; ZITADEL checks the format again (its
//! validator, then `domain.EmailAddress.Validate`).

use super::action::MAX_EMAIL_LEN;

/// Why the typed text is not an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressError {
    Empty,
    /// More than [`MAX_EMAIL_LEN`] characters (`len` of them).
    TooLong {
        len: usize,
    },
    NoAt,
    SeveralAts,
    NothingBefore,
    NothingAfter,
    /// A control character or a space inside.
    BadCharacter,
}

/// The address as it would be sent and audited (surrounding spaces of a paste dropped), or why
/// not.
pub fn check_address(text: &str) -> Result<String, AddressError> {
    let t = text.trim_matches(' ');
    if t.is_empty() {
        return Err(AddressError::Empty);
    }
    let len = t.chars().count();
    if len > MAX_EMAIL_LEN {
        return Err(AddressError::TooLong { len });
    }
    if t.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(AddressError::BadCharacter);
    }
    let mut parts = t.split('@');
    let (Some(local), Some(domain)) = (parts.next(), parts.next()) else {
        return Err(AddressError::NoAt);
    };
    if parts.next().is_some() {
        return Err(AddressError::SeveralAts);
    }
    if local.is_empty() {
        return Err(AddressError::NothingBefore);
    }
    if domain.is_empty() {
        return Err(AddressError::NothingAfter);
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_needs_one_at_with_text_both_sides() {
        assert_eq!(
            check_address("  new@acme.example "),
            Ok("new@acme.example".into())
        );
        assert_eq!(check_address(""), Err(AddressError::Empty));
        assert_eq!(check_address("   "), Err(AddressError::Empty));
        assert_eq!(check_address("\tjane@x"), Err(AddressError::BadCharacter));
        assert_eq!(check_address("acme.example"), Err(AddressError::NoAt));
        assert_eq!(check_address("a@b@c"), Err(AddressError::SeveralAts));
        assert_eq!(check_address("@acme.example"), Err(AddressError::NothingBefore));
        assert_eq!(check_address("jane@"), Err(AddressError::NothingAfter));
        assert_eq!(check_address("ja ne@x"), Err(AddressError::BadCharacter));
        assert_eq!(check_address("jane@x\u{1b}[2J"), Err(AddressError::BadCharacter));
        assert_eq!(check_address("jane@\u{85}x"), Err(AddressError::BadCharacter));
    }

    #[test]
    fn the_limit_is_zitadels_in_characters() {
        let at_limit = format!("{}@x", "é".repeat(MAX_EMAIL_LEN - 2));
        assert!(check_address(&at_limit).is_ok());
        let over = format!("{}@x", "é".repeat(MAX_EMAIL_LEN - 1));
        assert_eq!(
            check_address(&over),
            Err(AddressError::TooLong {
                len: MAX_EMAIL_LEN + 1
            })
        );
    }
}

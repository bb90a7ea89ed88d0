//! What a user ID may be before it goes into a request path or the audit trail. ZITADEL's own
//! rule is 1 to 200 characters (`user_id` is `min_len: 1, max_len: 200` in
//! proto/zitadel/user/v2/user_service.proto); on top of that, nothing that could address
//! another path or act on a terminal when the ID is shown: `.`, `..`, `/`, control
//! characters.

/// ZITADEL's longest user ID.
pub const MAX_USER_ID_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserIdError {
    #[error("is empty")]
    Empty,
    #[error("is {len} characters long; ZITADEL's user IDs have at most {MAX_USER_ID_CHARS}")]
    TooLong { len: usize },
    #[error("is a path step (\".\" or \"..\"), not an ID")]
    DotSegment,
    #[error("contains \"/\"")]
    Slash,
    #[error("contains a control character")]
    Control,
}

/// Checks a user ID as given (no trimming: what is checked is what is sent and audited).
pub fn check_user_id(id: &str) -> Result<(), UserIdError> {
    let len = id.chars().count();
    if len == 0 {
        return Err(UserIdError::Empty);
    }
    if len > MAX_USER_ID_CHARS {
        return Err(UserIdError::TooLong { len });
    }
    if id == "." || id == ".." {
        return Err(UserIdError::DotSegment);
    }
    if id.contains('/') {
        return Err(UserIdError::Slash);
    }
    if id.chars().any(char::is_control) {
        return Err(UserIdError::Control);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zitadel_ids_and_custom_ids_pass() {
        for id in ["300000000000000101", "jane-import-42", "a.b", "x..y"] {
            assert_eq!(check_user_id(id), Ok(()), "{id}");
        }
        assert_eq!(check_user_id(&"9".repeat(MAX_USER_ID_CHARS)), Ok(()));
    }

    #[test]
    fn what_could_change_the_path_or_the_terminal_is_refused() {
        assert_eq!(check_user_id(""), Err(UserIdError::Empty));
        assert_eq!(check_user_id("."), Err(UserIdError::DotSegment));
        assert_eq!(check_user_id(".."), Err(UserIdError::DotSegment));
        assert_eq!(check_user_id("../admin"), Err(UserIdError::Slash));
        assert_eq!(check_user_id("1\n2"), Err(UserIdError::Control));
        assert_eq!(check_user_id("1\u{1b}[2J"), Err(UserIdError::Control));
        assert_eq!(check_user_id("1\u{85}"), Err(UserIdError::Control), "C1 too");
        assert_eq!(
            check_user_id(&"9".repeat(MAX_USER_ID_CHARS + 1)),
            Err(UserIdError::TooLong { len: 201 })
        );
    }
}

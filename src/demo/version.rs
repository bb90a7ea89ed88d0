//! Which ZITADEL release line the demo emulates. Each difference between the lines is one
//! method here, so the rest of the demo asks "does this server have X?" and adding a line is
//! one place. Facts read from ZITADEL's source (fork cryoforgedcom/zitadel, tags v2.66.0,
//! v3.0.0, v4.0.0, v4.8.0, v4.13.1); each method names its file.

use std::fmt;
use std::str::FromStr;

/// A ZITADEL release line. The default is the latest release, 4.13.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum ZitadelVersion {
    /// v2.66: the last line before `phoneQuery` and SendEmailCode (both from v2.67.0).
    V2_66,
    /// v3.0: phone search and SendEmailCode, still no Connect paths.
    V3_0,
    /// v4.0–v4.7: Connect paths; permissions still filtered after paging.
    V4_0,
    /// v4.8: permissions filtered in SQL.
    V4_8,
    /// v4.13: the latest release (adds `AUTHENTICATION_METHOD_TYPE_RECOVERY_CODE`, v4.9).
    #[default]
    V4_13,
}

/// A `--zitadel-version` the demo does not know; its message lists the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown ZITADEL version {given:?}: the demo emulates {}",
    ZitadelVersion::known_list()
)]
pub struct UnknownVersion {
    pub given: String,
}

impl ZitadelVersion {
    /// Every emulated line, oldest first.
    pub const ALL: [ZitadelVersion; 5] = [
        ZitadelVersion::V2_66,
        ZitadelVersion::V3_0,
        ZitadelVersion::V4_0,
        ZitadelVersion::V4_8,
        ZitadelVersion::V4_13,
    ];

    /// The name on the command line and in the README: `2.66`, `3.0`, `4.0`, `4.8`, `4.13`.
    pub fn label(self) -> &'static str {
        match self {
            ZitadelVersion::V2_66 => "2.66",
            ZitadelVersion::V3_0 => "3.0",
            ZitadelVersion::V4_0 => "4.0",
            ZitadelVersion::V4_8 => "4.8",
            ZitadelVersion::V4_13 => "4.13",
        }
    }

    /// `2.66, 3.0, 4.0, 4.8, 4.13`.
    pub fn known_list() -> String {
        Self::ALL.map(Self::label).join(", ")
    }

    /// `SearchQuery.phone_query` (field 16) exists from v2.67.0 (proto/zitadel/user/v2/query.proto);
    /// older gateways drop the unknown key (`DiscardUnknown: true` in
    /// internal/api/grpc/server/gateway.go) and the request validator refuses the empty query.
    pub fn has_phone_query(self) -> bool {
        self >= ZitadelVersion::V3_0
    }

    /// `rpc SendEmailCode` (`POST /v2/users/{user_id}/email/send`) exists from v2.67.0
    /// (proto/zitadel/user/v2/user_service.proto); before it the path is a routing miss.
    pub fn has_send_email_code(self) -> bool {
        self >= ZitadelVersion::V3_0
    }

    /// The Connect protocol paths (`/zitadel.user.v2.UserService/<Method>`) are served from
    /// v4.0.0 (connectrpc.com/connect in go.mod); v2.6x and v3 serve gRPC and REST only, and
    /// the gateway, the catch-all route of internal/api/api.go, answers 404.
    pub fn serves_connect(self) -> bool {
        self >= ZitadelVersion::V4_0
    }

    /// From v4.8.0 `SearchUsers` joins the permission check into the SQL (full pages,
    /// `totalResult` counts readable users); before it `usersCheckPermission` drops unreadable
    /// rows from the fetched page (internal/query/user.go).
    pub fn filters_permissions_in_sql(self) -> bool {
        self >= ZitadelVersion::V4_8
    }

    /// `AUTHENTICATION_METHOD_TYPE_RECOVERY_CODE` exists from v4.9.0
    /// (proto/zitadel/user/v2/user_service.proto); older servers never list it.
    pub fn has_recovery_codes(self) -> bool {
        self >= ZitadelVersion::V4_13
    }

    /// Before v4.0 an invite is refused (`COMMAND-EF34g`) for a verified email too:
    /// `CreationAllowed() = !EmailVerified && !AuthMethodSet`
    /// (internal/command/user_v2_invite_model.go, v2.66.0 and v3.0.0); from v4.0 only a way
    /// to sign in counts.
    pub fn invite_refused_for_verified_email(self) -> bool {
        self < ZitadelVersion::V4_0
    }

    /// From v4.0 a user may invite themself without `user.write`
    /// (`wm.AggregateID != authz.GetCtxData(ctx).UserID` in internal/command/user_v2_invite.go,
    /// v4.0.0); v2.66 and v3 always check it.
    pub fn invite_exempts_self(self) -> bool {
        self >= ZitadelVersion::V4_0
    }

    /// v4.0 to v4.11 refuse a new invite after a *returned* one with `COMMAND-Wr3gq`: the
    /// precedence bug `requireExisting && wm.InviteCode == nil || wm.CodeReturned`
    /// (internal/command/user_v2_invite.go, v4.0.0 and v4.8.0), fixed in v4.12.0 (#11649).
    /// The 4.13 line emulates the fixed releases.
    pub fn invite_refused_after_returned_code(self) -> bool {
        matches!(self, ZitadelVersion::V4_0 | ZitadelVersion::V4_8)
    }

    /// Up to v4.0 UnlockUser and ReactivateUser let a user act on themself without
    /// `user.write` (`checkPermissionUpdateUser` allowed self: internal/command/user_v2.go in
    /// v2.66.0/v3.0.0, internal/command/permission_checks.go `checkPermissionOnUser` in
    /// v4.0.0); from v4.8 they pass `allowSelf=false`.
    pub fn lets_self_unlock(self) -> bool {
        self <= ZitadelVersion::V4_0
    }
}

impl fmt::Display for ZitadelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for ZitadelVersion {
    type Err = UnknownVersion;

    /// Accepts the label, optionally with a leading `v` (`v4.13`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bare = s.trim().strip_prefix('v').unwrap_or(s.trim());
        Self::ALL
            .into_iter()
            .find(|v| v.label() == bare)
            .ok_or_else(|| UnknownVersion { given: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_unknown_versions_list_the_known_ones() {
        for v in ZitadelVersion::ALL {
            assert_eq!(v.label().parse::<ZitadelVersion>(), Ok(v));
        }
        assert_eq!("v4.8".parse::<ZitadelVersion>(), Ok(ZitadelVersion::V4_8));
        let e = "4.5".parse::<ZitadelVersion>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown ZITADEL version \"4.5\": the demo emulates 2.66, 3.0, 4.0, 4.8, 4.13"
        );
        assert_eq!(ZitadelVersion::default(), ZitadelVersion::V4_13);
    }

    #[test]
    fn each_line_has_its_differences() {
        use ZitadelVersion::*;
        let row = |v: ZitadelVersion| {
            (
                v.has_phone_query(),
                v.has_send_email_code(),
                v.serves_connect(),
                v.filters_permissions_in_sql(),
                v.has_recovery_codes(),
            )
        };
        assert_eq!(row(V2_66), (false, false, false, false, false));
        assert_eq!(row(V3_0), (true, true, false, false, false));
        assert_eq!(row(V4_0), (true, true, true, false, false));
        assert_eq!(row(V4_8), (true, true, true, true, false));
        assert_eq!(row(V4_13), (true, true, true, true, true));
        let remedies = |v: ZitadelVersion| {
            (
                v.invite_refused_for_verified_email(),
                v.invite_exempts_self(),
                v.invite_refused_after_returned_code(),
                v.lets_self_unlock(),
            )
        };
        assert_eq!(remedies(V2_66), (true, false, false, true));
        assert_eq!(remedies(V3_0), (true, false, false, true));
        assert_eq!(remedies(V4_0), (false, true, true, true));
        assert_eq!(remedies(V4_8), (false, true, true, false));
        assert_eq!(remedies(V4_13), (false, true, false, false));
    }
}

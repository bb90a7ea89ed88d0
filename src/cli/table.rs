//! Plain-text renderings of users for the non-interactive commands: the `users list` table and
//! the `users show` block. Every server-provided value goes through [`crate::text`].

use std::borrow::Cow;

use jiff::Timestamp;

use crate::api::orgs::OrgDirectory;
use crate::api::wire::{AuthenticationMethodType, User};
use crate::text::{display_width, pad, sanitize, truncate};
use crate::userinfo::{auth_methods_summary, display_name, email, email_status, kind_word, state_word};

/// Between two columns.
const SEPARATOR: &str = "  ";
/// Without a width limit columns still stop here, so one hostile value cannot make every row
/// wrap.
const NATURAL_MAX: usize = 60;
/// The narrowest a shared text column gets before whole lines are cut instead.
const FLEX_MIN: usize = 6;

/// How many columns the table has.
const NCOLS: usize = 7;

/// The table's columns; `flexible` ones share whatever width the fixed ones leave.
const COLUMNS: [(&str, bool); NCOLS] = [
    ("ID", false),
    ("DISPLAY NAME", true),
    ("LOGIN NAME", true),
    ("EMAIL", true),
    ("EMAIL STATUS", false),
    ("STATE", false),
    ("ORG", true),
];

/// One user's cells; the organisation by name from `orgs` when it can be, else its ID.
fn row<'a>(u: &'a User, orgs: &'a OrgDirectory) -> [Cow<'a, str>; NCOLS] {
    let owner = u.details.as_ref().map_or("", |d| d.resource_owner.as_str());
    [
        Cow::Borrowed(&u.user_id),
        display_name(u),
        Cow::Borrowed(&u.preferred_login_name),
        Cow::Borrowed(email(u).unwrap_or("")),
        Cow::Borrowed(email_status(u).as_str()),
        Cow::Borrowed(state_word(u.state)),
        Cow::Borrowed(orgs.name(owner).unwrap_or(owner)),
    ]
}

/// The `users list` table: a header and one line per user, columns separated by two spaces,
/// each line ending in `\n` and without trailing spaces. With `width`, no line is wider than
/// that many columns: ID, EMAIL STATUS and STATE keep their width, the text columns (ORG
/// included: names from `orgs`, IDs where it has none) share the rest in proportion to their
/// natural widths (at least [`FLEX_MIN`] each), and if even that does not fit, lines are cut
/// with `…`.
pub fn users_table(users: &[User], orgs: &OrgDirectory, width: Option<usize>) -> String {
    let rows: Vec<[Cow<'_, str>; NCOLS]> = users.iter().map(|u| row(u, orgs)).collect();
    let natural: [usize; NCOLS] = std::array::from_fn(|i| {
        rows.iter()
            .map(|r| display_width(&r[i]))
            .fold(display_width(COLUMNS[i].0), usize::max)
            .min(NATURAL_MAX)
    });
    let widths = match width {
        Some(w) => fit(natural, w),
        None => natural,
    };

    let header = COLUMNS.map(|(h, _)| Cow::Borrowed(h));
    let mut out = String::new();
    for cells in std::iter::once(&header).chain(&rows) {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| pad(c, w)).collect();
        let line = padded.join(SEPARATOR);
        let line = line.trim_end_matches(' ');
        match width {
            Some(w) => out.push_str(truncate(line, w).trim_end_matches(' ')),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Column widths for a line of at most `total` columns, starting from the natural ones.
fn fit(natural: [usize; NCOLS], total: usize) -> [usize; NCOLS] {
    let fixed: usize = COLUMNS
        .iter()
        .zip(natural)
        .filter(|((_, flexible), _)| !flexible)
        .map(|(_, w)| w)
        .sum::<usize>()
        + SEPARATOR.len() * (COLUMNS.len() - 1);
    let flex_natural: Vec<usize> = COLUMNS
        .iter()
        .zip(natural)
        .filter(|((_, flexible), _)| *flexible)
        .map(|(_, w)| w)
        .collect();
    let mut shared = share(&flex_natural, total.saturating_sub(fixed)).into_iter();
    let mut widths = natural;
    for (w, (_, flexible)) in widths.iter_mut().zip(COLUMNS) {
        if flexible {
            *w = shared.next().unwrap_or(*w);
        }
    }
    widths
}

/// Splits `available` columns among columns wanting `natural` widths: each gets its natural
/// width if all fit; otherwise each first gets up to [`FLEX_MIN`], and the rest is handed out
/// in proportion to what each still wants.
pub(super) fn share(natural: &[usize], available: usize) -> Vec<usize> {
    if natural.iter().sum::<usize>() <= available {
        return natural.to_vec();
    }
    let mut alloc: Vec<usize> = natural.iter().map(|&n| n.min(FLEX_MIN)).collect();
    let floor: usize = alloc.iter().sum();
    if floor >= available {
        return alloc;
    }
    let extra = available - floor;
    let wants: Vec<usize> = natural.iter().zip(&alloc).map(|(n, a)| n - a).collect();
    let total_wants: usize = wants.iter().sum(); // > extra, as the naturals do not fit
    for (a, want) in alloc.iter_mut().zip(&wants) {
        *a += want * extra / total_wants;
    }
    // Rounding down leaves fewer columns than there are columns; give them out one by one.
    let mut left = available - alloc.iter().sum::<usize>();
    for (a, n) in alloc.iter_mut().zip(natural) {
        if left > 0 && *a < *n {
            *a += 1;
            left -= 1;
        }
    }
    alloc
}

/// RFC 3339 in UTC to the second, so that output is the same wherever it runs.
fn timestamp(t: Option<Timestamp>) -> Cow<'static, str> {
    t.map_or(Cow::Borrowed("(unknown)"), |t| Cow::Owned(format!("{t:.0}")))
}

/// The `users show` block: one "key: value" line per fact, values aligned and sanitised.
/// Human-only facts (names, email, phone, password) are shown for humans, the description for
/// machines; `auth_methods` adds the sign-in methods line when the caller fetched them.
/// The organisation is named from `orgs` when it can be (`Initech (281…)`), else its ID.
pub fn user_detail(
    user: &User,
    auth_methods: Option<&[AuthenticationMethodType]>,
    orgs: &OrgDirectory,
) -> String {
    let mut facts: Vec<(&str, Cow<'_, str>)> = vec![
        ("user ID", Cow::Borrowed(&user.user_id)),
        ("state", Cow::Borrowed(state_word(user.state))),
        ("type", Cow::Borrowed(kind_word(user))),
        ("username", Cow::Borrowed(&user.username)),
        ("preferred login name", Cow::Borrowed(&user.preferred_login_name)),
        ("login names", Cow::Owned(user.login_names.join(", "))),
        ("display name", display_name(user)),
    ];
    if let Some(human) = &user.human {
        let profile = human.profile.as_ref();
        let (given, family) = profile.map_or(("", ""), |p| (&p.given_name, &p.family_name));
        let email = email(user).map_or(Cow::Borrowed(""), |e| {
            Cow::Owned(format!("{e} ({})", email_status(user)))
        });
        let phone = match &human.phone {
            Some(p) if !p.phone.trim().is_empty() => {
                let verified = if p.is_verified { "verified" } else { "not verified" };
                Cow::Owned(format!("{} ({verified})", p.phone))
            }
            _ => Cow::Borrowed(""),
        };
        let yes_no = if human.password_change_required {
            "yes"
        } else {
            "no"
        };
        facts.extend([
            ("first name", Cow::Borrowed(given)),
            ("last name", Cow::Borrowed(family)),
            ("email", email),
            ("phone", phone),
            ("password change required", Cow::Borrowed(yes_no)),
        ]);
    }
    if let Some(machine) = &user.machine {
        facts.push(("description", Cow::Borrowed(&machine.description)));
    }
    let details = user.details.as_ref();
    facts.extend([
        (
            "org",
            details.map_or(Cow::Borrowed("(unknown)"), |d| {
                Cow::Owned(orgs.label(&d.resource_owner))
            }),
        ),
        ("created", timestamp(details.and_then(|d| d.creation_date))),
        ("changed", timestamp(details.and_then(|d| d.change_date))),
        (
            "sequence",
            details.map_or(Cow::Borrowed("(unknown)"), |d| Cow::Owned(d.sequence.to_string())),
        ),
    ]);
    if let Some(methods) = auth_methods {
        facts.push(("sign-in methods", Cow::Owned(auth_methods_summary(methods))));
    }

    let key_width = facts.iter().map(|(k, _)| k.len() + 1).max().unwrap_or(0);
    let mut out = String::new();
    for (key, value) in facts {
        let value = sanitize(&value);
        let value = if value.trim().is_empty() {
            "(none)"
        } else {
            value.trim_end()
        };
        let key = format!("{key}:");
        out.push_str(&format!("{key:<key_width$}  {value}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::{
        Details, HumanEmail, HumanPhone, HumanProfile, HumanUser, MachineUser, UserState,
    };
    use proptest::prelude::*;

    fn user(id: &str, display: &str, login: &str, mail: &str, state: UserState) -> User {
        User {
            user_id: id.into(),
            state,
            username: login.into(),
            preferred_login_name: login.into(),
            human: Some(HumanUser {
                profile: Some(HumanProfile {
                    display_name: Some(display.into()),
                    ..Default::default()
                }),
                email: Some(HumanEmail {
                    email: mail.into(),
                    is_verified: true,
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// The display column at which `needle` starts in `line`.
    fn column_of(line: &str, needle: &str) -> usize {
        let at = line
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in {line:?}"));
        display_width(&line[..at])
    }

    fn assert_sane(table: &str, width: Option<usize>) {
        for line in table.lines() {
            assert!(!line.ends_with(' '), "trailing space: {line:?}");
            assert!(!line.chars().any(char::is_control), "{line:?}");
            if let Some(w) = width {
                assert!(display_width(line) <= w, "{line:?} wider than {w}");
            }
        }
    }

    fn sample() -> Vec<User> {
        vec![
            user(
                "312345678901234567",
                "\u{1b}[2J\u{1b}[31mEvil\u{1b}[0m",
                "evil@acme.example",
                "evil@example.com",
                UserState::Active,
            ),
            user(
                "312345678901234568",
                "山田太郎",
                "taro@acme.example",
                "taro@example.jp",
                UserState::Locked,
            ),
            user("312345678901234569", "Bob", "bob", "b@x.ch", UserState::Inactive),
        ]
    }

    #[test]
    fn hostile_names_render_without_escapes_and_aligned() {
        for width in [None, Some(120), Some(90), Some(70)] {
            let table = users_table(&sample(), &OrgDirectory::default(), width);
            assert!(!table.contains('\u{1b}'), "{table}");
            assert!(table.contains('␛'));
            assert_sane(&table, width);
            let lines: Vec<&str> = table.lines().collect();
            assert_eq!(lines.len(), 4);
            let status = column_of(lines[0], "EMAIL STATUS");
            let state = column_of(lines[0], "STATE");
            let login = column_of(lines[0], "LOGIN");
            for (line, word, login_start) in [
                (lines[1], "active", "evil@"),
                (lines[2], "locked", "taro@"),
                (lines[3], "inactive", "bob"),
            ] {
                assert_eq!(column_of(line, "verified"), status, "{table}");
                assert_eq!(column_of(line, word), state, "{table}");
                assert_eq!(column_of(line, login_start), login, "{table}");
            }
        }
    }

    #[test]
    fn ids_and_fixed_columns_never_shrink() {
        let table = users_table(&sample(), &OrgDirectory::default(), Some(70));
        assert!(table.contains("312345678901234567  "));
        assert!(table.contains("EMAIL STATUS  STATE"));
        assert!(table.contains("inactive"));
    }

    #[test]
    fn text_columns_share_the_rest_proportionally() {
        assert_eq!(share(&[10, 20, 30], 100), [10, 20, 30]);
        assert_eq!(share(&[10, 20, 30], 18), [6, 6, 6]);
        assert_eq!(share(&[10, 20, 30], 10), [6, 6, 6]);
        let s = share(&[10, 20, 30], 42);
        assert_eq!(s.iter().sum::<usize>(), 42);
        assert!(s[0] <= s[1] && s[1] <= s[2], "{s:?}");
        assert_eq!(share(&[3, 40, 40], 40), [3, 19, 18]);
    }

    #[test]
    fn too_narrow_terminals_cut_whole_lines() {
        let table = users_table(&sample(), &OrgDirectory::default(), Some(30));
        assert_sane(&table, Some(30));
        assert!(table.lines().all(|l| l.ends_with('…')));
        assert_eq!(
            users_table(&sample(), &OrgDirectory::default(), Some(0)),
            "\n\n\n\n"
        );
    }

    #[test]
    fn natural_widths_are_capped() {
        let long = "x".repeat(5000);
        let users = [user("1", &long, &long, "a@b", UserState::Active)];
        let table = users_table(&users, &OrgDirectory::default(), None);
        assert_sane(&table, Some(2 + NATURAL_MAX * 3 + 12 + 6 + 10 + 2 + 3));
        assert!(table.contains(&format!("{}…", "x".repeat(NATURAL_MAX - 1))));
    }

    #[test]
    fn wide_names_keep_alignment() {
        let users = [
            user("1", "山田太郎山田太郎", "a", "a@x", UserState::Active),
            user("2", "Al", "b", "b@x", UserState::Active),
            user("3", "👩\u{200d}💻 Dev", "c", "c@x", UserState::Active),
        ];
        for width in [None, Some(50)] {
            let table = users_table(&users, &OrgDirectory::default(), width);
            assert_sane(&table, width);
            let widths: Vec<usize> = table.lines().map(display_width).collect();
            // Same state word, so the data lines end at the same column.
            assert!(widths[1..].iter().all(|&w| w == widths[1]), "{table}");
        }
    }

    #[test]
    fn an_empty_list_prints_only_the_header() {
        assert_eq!(
            users_table(&[], &OrgDirectory::default(), None),
            "ID  DISPLAY NAME  LOGIN NAME  EMAIL  EMAIL STATUS  STATE  ORG\n"
        );
    }

    #[test]
    fn the_org_column_names_the_organisation_or_shows_its_id() {
        use crate::api::orgs::Organization;
        let orgs = OrgDirectory::from_orgs(
            [Organization {
                id: "100".into(),
                name: "Initech\u{1b}[2J".into(),
                ..Default::default()
            }],
            false,
        );
        let mut users = sample();
        for (u, owner) in users.iter_mut().zip(["100", "200", "100"]) {
            u.details = Some(Details {
                resource_owner: owner.into(),
                ..Default::default()
            });
        }
        for width in [None, Some(120), Some(80)] {
            let table = users_table(&users, &orgs, width);
            assert_sane(&table, width);
            assert!(!table.contains('\u{1b}'), "{table}");
            let lines: Vec<&str> = table.lines().collect();
            let org = column_of(lines[0], "ORG");
            assert_eq!(column_of(lines[1], "Init"), org, "{table}");
            assert_eq!(column_of(lines[2], "200"), org, "no name: the ID, {table}");
        }
        assert!(
            users_table(&users, &orgs, None)
                .lines()
                .nth(1)
                .is_some_and(|l| l.ends_with("Initech␛[2J"))
        );
    }

    proptest! {
        #[test]
        fn any_names_fit_any_width(
            names in proptest::collection::vec(any::<String>(), 0..4),
            w in 0usize..160,
        ) {
            let users: Vec<User> = names
                .iter()
                .map(|n| user(n, n, n, n, UserState::Active))
                .collect();
            let table = users_table(&users, &OrgDirectory::default(), Some(w));
            prop_assert_eq!(table.lines().count(), users.len() + 1);
            for line in table.lines() {
                prop_assert!(display_width(line) <= w);
                prop_assert!(!line.chars().any(char::is_control));
            }
        }
    }

    fn full_human() -> User {
        User {
            user_id: "312345678901234567".into(),
            details: Some(Details {
                sequence: 42,
                change_date: Some("2025-01-02T03:04:05.123456789Z".parse().unwrap()),
                resource_owner: "org1".into(),
                creation_date: Some("2024-06-01T12:00:00Z".parse().unwrap()),
            }),
            state: UserState::Active,
            username: "jdoe".into(),
            login_names: vec!["jdoe@acme.example".into(), "jdoe".into()],
            preferred_login_name: "jdoe@acme.example".into(),
            human: Some(HumanUser {
                profile: Some(HumanProfile {
                    given_name: "Jane".into(),
                    family_name: "Doe\u{1b}]0;pwned\u{7}".into(),
                    ..Default::default()
                }),
                email: Some(HumanEmail {
                    email: "jane@example.com".into(),
                    is_verified: false,
                }),
                phone: Some(HumanPhone::default()),
                password_change_required: true,
                ..Default::default()
            }),
            machine: None,
        }
    }

    #[test]
    fn human_detail_lists_every_fact() {
        use AuthenticationMethodType::*;
        let text = user_detail(&full_human(), Some(&[Password, Totp]), &OrgDirectory::default());
        assert_eq!(
            text,
            "\
user ID:                   312345678901234567
state:                     active
type:                      human
username:                  jdoe
preferred login name:      jdoe@acme.example
login names:               jdoe@acme.example, jdoe
display name:              Jane Doe␛]0;pwned␇
first name:                Jane
last name:                 Doe␛]0;pwned␇
email:                     jane@example.com (not verified)
phone:                     (none)
password change required:  yes
org:                       org1
created:                   2024-06-01T12:00:00Z
changed:                   2025-01-02T03:04:05Z
sequence:                  42
sign-in methods:           password, TOTP
"
        );
    }

    #[test]
    fn machine_detail_and_missing_facts() {
        let u = User {
            user_id: "9".into(),
            username: "ci".into(),
            machine: Some(MachineUser {
                name: "CI\u{202e}bot".into(),
                description: "Deploys\nthings".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let text = user_detail(&u, Some(&[]), &OrgDirectory::default());
        assert!(text.contains("type:                  machine\n"), "{text}");
        assert!(text.contains("display name:          CIbot\n"), "{text}");
        assert!(text.contains("description:           Deploys␊things\n"), "{text}");
        assert!(text.contains("login names:           (none)\n"), "{text}");
        assert!(text.contains("created:               (unknown)\n"), "{text}");
        assert!(text.contains("state:                 unknown\n"), "{text}");
        assert!(text.contains("none — the user cannot log in yet"), "{text}");
        assert!(!text.contains("email"), "{text}");
        assert!(!user_detail(&u, None, &OrgDirectory::default()).contains("sign-in methods"));
    }
}

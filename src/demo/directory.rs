//! All users of the demo instance behind one addressing scheme: a *position* in ID order.
//! Positions `[0, low)` are seed users whose IDs sort before the generated block, then come
//! the generated users (by index), then the remaining seed users. The default listing (by ID)
//! is therefore position arithmetic; other sort columns get a position order built lazily
//! once per column.
//!
//! Nothing here changes after start-up: per-user changes (codes, sequences) live in
//! `state::Live`.

use std::collections::HashMap;
use std::sync::OnceLock;

use jiff::Timestamp;

use super::config::MAX_GENERATED_USERS;
use super::generated::{self, GenUser};
use super::org::Org;
use super::rng;
use super::seed::{Seed, SeedUser, TokenOwners};
use crate::api::wire::{AuthenticationMethodType, User, UserFieldName, UserState, UserType};

/// Text columns that queries match and listings sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextField {
    UserName,
    FirstName,
    LastName,
    NickName,
    DisplayName,
    Email,
    Phone,
}

/// A user, borrowed (seed) or derived on the spot (generated).
#[derive(Clone, Copy)]
pub(crate) enum UserRef<'a> {
    Seed(&'a SeedUser),
    Gen(GenUser, &'a Org),
}

impl<'a> UserRef<'a> {
    pub fn org(&self) -> usize {
        match self {
            UserRef::Seed(s) => s.org,
            UserRef::Gen(g, _) => g.org,
        }
    }

    pub fn state(&self) -> UserState {
        match self {
            UserRef::Seed(s) => s.user.state,
            UserRef::Gen(g, _) => g.state,
        }
    }

    pub fn user_type(&self) -> UserType {
        let machine = match self {
            UserRef::Seed(s) => s.user.machine.is_some(),
            UserRef::Gen(g, _) => g.machine,
        };
        if machine {
            UserType::Machine
        } else {
            UserType::Human
        }
    }

    /// The column's value; `None` is SQL NULL (human columns of machine users, a missing
    /// phone), which matters for `notQuery` and for sorting.
    pub fn text<'b>(&'b self, field: TextField, buf: &'b mut String) -> Option<&'b str> {
        buf.clear();
        match self {
            UserRef::Seed(s) => seed_text(&s.user, field),
            UserRef::Gen(g, org) => {
                if g.machine && field != TextField::UserName {
                    return None;
                }
                match field {
                    TextField::UserName => g.write_username(buf),
                    TextField::FirstName => return Some(g.first_name()),
                    TextField::LastName => return Some(g.last_name()),
                    TextField::NickName => return Some(""),
                    TextField::DisplayName => g.write_display_name(buf),
                    TextField::Email => g.write_email(org, buf),
                    TextField::Phone => {
                        if !g.write_phone(buf) {
                            return None;
                        }
                    }
                }
                Some(buf.as_str())
            }
        }
    }

    /// True if `pred` holds for any of the user's login names.
    pub fn any_login_name(&self, buf: &mut String, mut pred: impl FnMut(&str) -> bool) -> bool {
        match self {
            UserRef::Seed(s) => s.user.login_names.iter().any(|l| pred(l)),
            UserRef::Gen(g, org) => {
                buf.clear();
                g.write_login_name(org, buf);
                pred(buf)
            }
        }
    }

    pub fn creation_date(&self) -> Timestamp {
        match self {
            UserRef::Seed(s) => s
                .user
                .details
                .as_ref()
                .and_then(|d| d.creation_date)
                .unwrap_or(Timestamp::UNIX_EPOCH),
            UserRef::Gen(g, _) => g.created(),
        }
    }

    /// The user's sequence at start-up.
    pub fn sequence(&self) -> u64 {
        match self {
            UserRef::Seed(s) => s.user.details.as_ref().map_or(0, |d| d.sequence),
            UserRef::Gen(g, _) => g.sequence(),
        }
    }

    /// Whether an email code is waiting at start-up.
    pub fn pending_initially(&self) -> bool {
        match self {
            UserRef::Seed(s) => s.pending_code,
            UserRef::Gen(g, _) => g.pending,
        }
    }

    /// A stable hash, for the deterministic initial codes.
    pub fn hash(&self) -> u64 {
        match self {
            UserRef::Seed(s) => rng::hash_str(&s.user.user_id),
            UserRef::Gen(g, _) => g.hash(),
        }
    }

    /// A human with a non-empty email address (the only users email codes exist for).
    pub fn has_email(&self) -> bool {
        match self {
            UserRef::Seed(s) => s
                .user
                .human
                .as_ref()
                .and_then(|h| h.email.as_ref())
                .is_some_and(|e| !e.email.is_empty()),
            UserRef::Gen(g, _) => !g.machine,
        }
    }

    /// The email address as seeded and whether it is verified (`None`: machine, or none).
    pub fn email(&self) -> Option<(String, bool)> {
        match self {
            UserRef::Seed(s) => s
                .user
                .human
                .as_ref()
                .and_then(|h| h.email.as_ref())
                .filter(|e| !e.email.is_empty())
                .map(|e| (e.email.clone(), e.is_verified)),
            UserRef::Gen(g, org) => (!g.machine).then(|| {
                let mut email = String::new();
                g.write_email(org, &mut email);
                (email, g.verified)
            }),
        }
    }

    /// A human with an unverified phone number: its code is waiting at start-up.
    pub fn phone_pending_initially(&self) -> bool {
        match self {
            UserRef::Seed(s) => s
                .user
                .human
                .as_ref()
                .and_then(|h| h.phone.as_ref())
                .is_some_and(|p| !p.phone.is_empty() && !p.is_verified),
            UserRef::Gen(g, _) => g.has_unverified_phone(),
        }
    }

    pub fn auth_methods(&self) -> Vec<AuthenticationMethodType> {
        match self {
            UserRef::Seed(s) => s.auth_methods.clone(),
            UserRef::Gen(g, _) => g.auth_methods(),
        }
    }

    /// The hand-written story of a seed user (empty: derive it).
    pub fn seed_history(&self) -> &'a [super::seed::SeedEvent] {
        match self {
            UserRef::Seed(s) => &s.history,
            UserRef::Gen(..) => &[],
        }
    }

    /// The v2 `User` as stored (without run-time changes).
    pub fn to_user(self) -> User {
        match self {
            UserRef::Seed(s) => s.user.clone(),
            UserRef::Gen(g, org) => g.to_user(org),
        }
    }
}

fn seed_text(user: &User, field: TextField) -> Option<&str> {
    if field == TextField::UserName {
        return Some(&user.username);
    }
    let human = user.human.as_ref()?;
    let profile = human.profile.as_ref();
    let profile_text = |f: fn(&crate::api::wire::HumanProfile) -> &str| profile.map(f).unwrap_or("");
    Some(match field {
        TextField::UserName => &user.username,
        TextField::FirstName => profile_text(|p| &p.given_name),
        TextField::LastName => profile_text(|p| &p.family_name),
        TextField::NickName => profile_text(|p| p.nick_name.as_deref().unwrap_or("")),
        TextField::DisplayName => profile_text(|p| p.display_name.as_deref().unwrap_or("")),
        TextField::Email => human.email.as_ref().map(|e| e.email.as_str()).unwrap_or(""),
        TextField::Phone => {
            let phone = human.phone.as_ref().map(|p| p.phone.as_str()).unwrap_or("");
            if phone.is_empty() {
                return None;
            }
            phone
        }
    })
}

pub(crate) struct Directory {
    pub orgs: Vec<Org>,
    /// Seed users with IDs below the generated block, sorted by ID.
    low: Vec<SeedUser>,
    generated: u64,
    /// Seed users with IDs above the generated block, sorted by ID.
    high: Vec<SeedUser>,
    seed_positions: HashMap<String, usize>,
    /// IDs of deleted seed users: invisible to every call, kept so tests can say so.
    #[cfg_attr(not(test), allow(dead_code))]
    pub deleted: Vec<String>,
    pub owners: TokenOwners,
    /// Position orders per `UserFieldName` number, built on first use.
    sorted: [OnceLock<ColumnOrder>; 10],
}

/// The users sorted by one column: positions (ties by position, only so that the groups of
/// equal values are contiguous) and which entries equal their predecessor. 4 bytes and 1 bit
/// per user.
pub(crate) struct ColumnOrder {
    positions: Vec<u32>,
    /// Bit `i` set: entry `i` has the same sort value as entry `i - 1`.
    tied: Vec<u64>,
}

impl ColumnOrder {
    fn from_sorted<K: PartialEq>(keyed: Vec<(K, u32)>) -> ColumnOrder {
        let mut tied = vec![0u64; keyed.len().div_ceil(64)];
        for i in 1..keyed.len() {
            if keyed[i].0 == keyed[i - 1].0 {
                tied[i / 64] |= 1 << (i % 64);
            }
        }
        ColumnOrder {
            positions: keyed.into_iter().map(|(_, p)| p).collect(),
            tied,
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// The position of the `i`-th user in ascending order.
    pub fn position(&self, i: usize) -> Option<usize> {
        self.positions.get(i).map(|&p| p as usize)
    }

    /// Whether entry `i` sorts equal to entry `i - 1`.
    pub fn tied_with_previous(&self, i: usize) -> bool {
        i > 0 && self.tied.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

impl Directory {
    pub fn new(seed: Seed, generated: usize) -> Directory {
        let generated = generated.min(MAX_GENERATED_USERS) as u64;
        let mut users = seed.users;
        users.sort_by(|a, b| a.user.user_id.cmp(&b.user.user_id));
        let first_generated = generated::ID_BASE.to_string();
        let (low, high): (Vec<_>, Vec<_>) = users.into_iter().partition(|u| u.user.user_id < first_generated);
        let mut dir = Directory {
            orgs: seed.orgs,
            low,
            generated,
            high,
            seed_positions: HashMap::new(),
            deleted: seed.deleted,
            owners: seed.owners,
            sorted: Default::default(),
        };
        let high_start = dir.low.len() + dir.generated as usize;
        let positions = dir
            .low
            .iter()
            .enumerate()
            .map(|(i, u)| (u.user.user_id.clone(), i))
            .chain(
                dir.high
                    .iter()
                    .enumerate()
                    .map(|(i, u)| (u.user.user_id.clone(), high_start + i)),
            )
            .collect();
        dir.seed_positions = positions;
        dir
    }

    /// Number of (listable) users.
    pub fn len(&self) -> usize {
        self.low.len() + self.generated as usize + self.high.len()
    }

    pub fn get(&self, pos: usize) -> Option<UserRef<'_>> {
        let gen_start = self.low.len();
        let high_start = gen_start + self.generated as usize;
        if pos < gen_start {
            self.low.get(pos).map(UserRef::Seed)
        } else if pos < high_start {
            let g = GenUser::derive((pos - gen_start) as u64, self.generated, self.orgs.len());
            self.orgs.get(g.org).map(|org| UserRef::Gen(g, org))
        } else {
            self.high.get(pos - high_start).map(UserRef::Seed)
        }
    }

    /// Position of a listable user (deleted and unknown IDs have none).
    pub fn position(&self, user_id: &str) -> Option<usize> {
        if let Some(&p) = self.seed_positions.get(user_id) {
            return Some(p);
        }
        generated::index_of(user_id, self.generated).map(|i| self.low.len() + i as usize)
    }

    pub fn org_index(&self, org_id: &str) -> Option<usize> {
        self.orgs.iter().position(|o| o.id == org_id)
    }

    /// The users sorted ascending by `column`; `None` means ID order itself (unique, so
    /// without ties).
    pub fn order(&self, column: UserFieldName) -> Option<&ColumnOrder> {
        let slot = usize::try_from(column.number()).ok()?;
        if column.is_unspecified() {
            return None;
        }
        let cell = self.sorted.get(slot)?;
        Some(cell.get_or_init(|| self.build_order(column)))
    }

    fn build_order(&self, column: UserFieldName) -> ColumnOrder {
        let text_field = match column {
            UserFieldName::UserName => Some(TextField::UserName),
            UserFieldName::FirstName => Some(TextField::FirstName),
            UserFieldName::LastName => Some(TextField::LastName),
            UserFieldName::NickName => Some(TextField::NickName),
            UserFieldName::DisplayName => Some(TextField::DisplayName),
            UserFieldName::Email => Some(TextField::Email),
            _ => None,
        };
        if let Some(field) = text_field {
            let mut buf = String::new();
            // NULLs sort last ascending (and so first descending), as in PostgreSQL.
            return self.sorted_by(|u| {
                let v = u.text(field, &mut buf).map(str::to_owned);
                (v.is_none(), v)
            });
        }
        match column {
            UserFieldName::State => self.sorted_by(|u| u.state().number()),
            UserFieldName::Type => self.sorted_by(|u| u.user_type().number()),
            UserFieldName::CreationDate => self.sorted_by(|u| u.creation_date()),
            // Columns without a sort of their own sort by ID (positions): no ties.
            _ => ColumnOrder::from_sorted((0..self.len() as u32).map(|p| (p, p)).collect()),
        }
    }

    fn sorted_by<K: Ord>(&self, mut key: impl FnMut(&UserRef<'_>) -> K) -> ColumnOrder {
        let mut keyed: Vec<(K, u32)> = (0..self.len())
            .filter_map(|p| self.get(p).map(|u| (key(&u), p as u32)))
            .collect();
        keyed.sort_unstable();
        ColumnOrder::from_sorted(keyed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(n: usize) -> Directory {
        Directory::new(super::super::seed::load().unwrap(), n)
    }

    #[test]
    fn positions_are_in_id_order_and_round_trip() {
        let d = dir(50);
        let ids: Vec<String> = (0..d.len())
            .map(|p| d.get(p).unwrap().to_user().user_id)
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        for (p, id) in ids.iter().enumerate() {
            assert_eq!(d.position(id), Some(p));
        }
        assert!(d.get(d.len()).is_none());
        for id in &d.deleted {
            assert_eq!(d.position(id), None);
        }
    }

    #[test]
    fn the_hostile_fixtures_sort_after_every_realistic_user_by_display_name() {
        let d = dir(0);
        let order = d.order(UserFieldName::DisplayName).unwrap();
        let mut buf = String::new();
        let names: Vec<String> = (0..order.len())
            .map(|i| {
                let u = d.get(order.position(i).unwrap()).unwrap();
                u.text(TextField::DisplayName, &mut buf)
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        let hostile = |n: &String| n.starts_with("🧪 ");
        let first_hostile = names.iter().position(hostile).expect("hostile fixtures exist");
        assert!(first_hostile >= 30, "a screenful of people first: {names:?}");
        // Machine users have no display name: NULL sorts last, as in PostgreSQL.
        assert!(
            names[first_hostile..].iter().all(|n| hostile(n) || n.is_empty()),
            "{names:?}"
        );
        assert!(
            !names[..first_hostile]
                .iter()
                .any(|n| n.chars().any(char::is_control)),
            "no control characters before them: {names:?}"
        );
    }

    #[test]
    fn column_orders_sort_by_their_key() {
        let d = dir(300);
        let order = d.order(UserFieldName::DisplayName).unwrap();
        assert_eq!(order.len(), d.len());
        let mut buf = String::new();
        let names: Vec<Option<String>> = (0..order.len())
            .map(|i| {
                d.get(order.position(i).unwrap())
                    .unwrap()
                    .text(TextField::DisplayName, &mut buf)
                    .map(str::to_owned)
            })
            .collect();
        let firsts_null = names.iter().position(Option::is_none).unwrap_or(names.len());
        assert!(names[firsts_null..].iter().all(Option::is_none));
        assert!(names[..firsts_null].windows(2).all(|w| w[0] <= w[1]));
        for i in 0..names.len() {
            assert_eq!(
                order.tied_with_previous(i),
                i > 0 && names[i] == names[i - 1],
                "entry {i}"
            );
        }
        assert!(
            (1..names.len()).any(|i| order.tied_with_previous(i)),
            "300 users share names"
        );
    }
}

//! Generated users: user `i` is derived from `i` alone (a hash of it picks names, org, state,
//! verification…), so none is stored. IDs are `200000000000000000 + i`: fixed width, so string
//! order is index order and the default listing (by ID) is plain arithmetic.

use std::fmt::Write;

use jiff::{SignedDuration, Timestamp};

use super::org::Org;
use super::rng::mix;
use crate::api::wire::{
    AccessTokenType, AuthenticationMethodType, Details, Gender, HumanEmail, HumanPhone, HumanProfile,
    HumanUser, MachineUser, User, UserState,
};

/// The first generated ID (18 digits).
pub(crate) const ID_BASE: u64 = 200_000_000_000_000_000;

/// 2021-01-01T00:00:00Z: generated users were created over the three years after it.
const CREATED_FROM: i64 = 1_609_459_200;
const CREATED_SPAN: i64 = 3 * 365 * 24 * 3600;

const FIRST: &[(&str, &str, Gender)] = &[
    ("Anna", "anna", Gender::Female),
    ("Ben", "ben", Gender::Male),
    ("Chiara", "chiara", Gender::Female),
    ("David", "david", Gender::Male),
    ("Elif", "elif", Gender::Female),
    ("Felix", "felix", Gender::Male),
    ("Greta", "greta", Gender::Female),
    ("Hiroshi", "hiroshi", Gender::Male),
    ("Ines", "ines", Gender::Female),
    ("Jonas", "jonas", Gender::Male),
    ("Kim", "kim", Gender::Diverse),
    ("Lena", "lena", Gender::Female),
    ("Mateo", "mateo", Gender::Male),
    ("Nadia", "nadia", Gender::Female),
    ("Oskar", "oskar", Gender::Male),
    ("Priya", "priya", Gender::Female),
    ("Quentin", "quentin", Gender::Male),
    ("Rosa", "rosa", Gender::Female),
    ("Sami", "sami", Gender::Unspecified),
    ("Tobias", "tobias", Gender::Male),
    ("Uma", "uma", Gender::Female),
    ("Viktor", "viktor", Gender::Male),
    ("Wen", "wen", Gender::Female),
    ("Yusuf", "yusuf", Gender::Male),
    ("Zoë", "zoe", Gender::Female),
    ("Jürgen", "juergen", Gender::Male),
    ("Søren", "soeren", Gender::Male),
    ("José", "jose", Gender::Male),
    ("Łucja", "lucja", Gender::Female),
    ("Mia", "mia", Gender::Female),
    ("Noah", "noah", Gender::Male),
    ("Olivia", "olivia", Gender::Female),
];

const LAST: &[(&str, &str)] = &[
    ("Müller", "mueller"),
    ("Schmidt", "schmidt"),
    ("Rossi", "rossi"),
    ("García", "garcia"),
    ("Dubois", "dubois"),
    ("Nowak", "nowak"),
    ("Jansen", "jansen"),
    ("Andersson", "andersson"),
    ("Yılmaz", "yilmaz"),
    ("Tanaka", "tanaka"),
    ("Kim", "kim"),
    ("Nguyen", "nguyen"),
    ("Okafor", "okafor"),
    ("Haddad", "haddad"),
    ("Smith", "smith"),
    ("Johnson", "johnson"),
    ("Brown", "brown"),
    ("Silva", "silva"),
    ("Kowalski", "kowalski"),
    ("Novák", "novak"),
    ("Fischer", "fischer"),
    ("Weber", "weber"),
    ("Meier", "meier"),
    ("Keller", "keller"),
    ("Huber", "huber"),
    ("Bianchi", "bianchi"),
    ("Lefèvre", "lefevre"),
    ("O'Brien", "obrien"),
    ("Van der Berg", "vanderberg"),
    ("Patel", "patel"),
    ("Chen", "chen"),
    ("Ivanova", "ivanova"),
];

const LANGUAGES: &[&str] = &["en", "de", "fr", "it", "es", "ja", "tr", "und"];

const MACHINE_WORDS: &[&str] = &[
    "backup",
    "billing",
    "ci",
    "crm-sync",
    "exporter",
    "ldap-sync",
    "monitor",
    "reporting",
];

/// Generated user `index` of `count`, in org `index % orgs`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GenUser {
    pub index: u64,
    hash: u64,
    pub org: usize,
    pub state: UserState,
    pub machine: bool,
    first: usize,
    last: usize,
    pub verified: bool,
    pub pending: bool,
    /// 0 = no phone, 1 = unverified, 2 = verified.
    phone: u8,
    password_change: bool,
    created: i64,
}

/// The generated user with this ID, if it is one of the first `count`.
pub(crate) fn index_of(id: &str, count: u64) -> Option<u64> {
    if id.len() != 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = id.parse().ok()?;
    let i = n.checked_sub(ID_BASE)?;
    (i < count).then_some(i)
}

fn bits(h: u64, shift: u32, modulo: u64) -> u64 {
    (h >> shift) % modulo
}

impl GenUser {
    pub fn derive(index: u64, count: u64, orgs: usize) -> GenUser {
        let h = mix(index ^ 0x5EED_DA7A_0000_0000);
        let machine = bits(h, 0, 100) < 3;
        let state = match bits(h, 8, 100) {
            0..=1 if !machine => UserState::Initial,
            2..=5 => UserState::Locked,
            6..=9 => UserState::Inactive,
            _ => UserState::Active,
        };
        let initial = state == UserState::Initial;
        let verified = !machine && !initial && bits(h, 16, 100) < 70;
        // Most unverified addresses still have their code waiting; the rest never got one.
        let pending = !machine && !initial && !verified && bits(h, 24, 10) < 8;
        let spacing = (CREATED_SPAN / i64::try_from(count.max(1)).unwrap_or(i64::MAX)).max(1);
        GenUser {
            index,
            hash: h,
            org: (index % orgs.max(1) as u64) as usize,
            state,
            machine,
            first: bits(h, 40, FIRST.len() as u64) as usize,
            last: bits(h, 48, LAST.len() as u64) as usize,
            verified,
            pending,
            phone: if machine { 0 } else { bits(h, 32, 4).min(2) as u8 },
            password_change: !machine && bits(h, 56, 40) == 0,
            created: CREATED_FROM.saturating_add(i64::try_from(index).unwrap_or(0).saturating_mul(spacing)),
        }
    }

    pub fn id(&self) -> u64 {
        ID_BASE + self.index
    }

    pub fn hash(&self) -> u64 {
        self.hash
    }

    pub fn first_name(&self) -> &'static str {
        FIRST[self.first].0
    }

    pub fn last_name(&self) -> &'static str {
        LAST[self.last].0
    }

    pub fn write_username(&self, buf: &mut String) {
        if self.machine {
            let word = MACHINE_WORDS[self.first % MACHINE_WORDS.len()];
            let _ = write!(buf, "svc-{word}-{}", self.index);
        } else {
            let _ = write!(buf, "{}.{}{}", FIRST[self.first].1, LAST[self.last].1, self.index);
        }
    }

    pub fn write_display_name(&self, buf: &mut String) {
        let _ = write!(buf, "{} {}", self.first_name(), self.last_name());
    }

    pub fn write_email(&self, org: &Org, buf: &mut String) {
        self.write_username(buf);
        buf.push('@');
        buf.push_str(&org.email_domain);
    }

    pub fn write_login_name(&self, org: &Org, buf: &mut String) {
        self.write_username(buf);
        buf.push('@');
        buf.push_str(&org.domain);
    }

    pub fn has_unverified_phone(&self) -> bool {
        self.phone == 1
    }

    /// `None` when the user has no phone.
    pub fn write_phone(&self, buf: &mut String) -> bool {
        if self.phone == 0 {
            return false;
        }
        let _ = write!(buf, "+4179{:07}", self.hash % 10_000_000);
        true
    }

    pub fn created(&self) -> Timestamp {
        Timestamp::from_second(self.created).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    pub fn sequence(&self) -> u64 {
        2 + bits(self.hash, 4, 40)
    }

    pub fn changed(&self) -> Timestamp {
        let days = i64::try_from(bits(self.hash, 12, 90)).unwrap_or(0);
        self.created()
            .checked_add(SignedDuration::from_hours(24 * days + 7))
            .unwrap_or_else(|_| self.created())
    }

    pub fn auth_methods(&self) -> Vec<AuthenticationMethodType> {
        if self.machine || self.state == UserState::Initial {
            return Vec::new();
        }
        let h = mix(self.hash);
        let mut methods = Vec::new();
        if bits(h, 0, 10) != 0 {
            methods.push(AuthenticationMethodType::Password);
        }
        if bits(h, 8, 100) < 15 {
            methods.push(AuthenticationMethodType::Passkey);
        }
        if bits(h, 16, 100) < 20 {
            methods.push(AuthenticationMethodType::Totp);
        }
        if bits(h, 24, 100) < 5 {
            methods.push(AuthenticationMethodType::U2f);
        }
        if bits(h, 32, 100) < 5 {
            methods.push(AuthenticationMethodType::OtpEmail);
        }
        if methods.is_empty() {
            methods.push(AuthenticationMethodType::Idp);
        }
        methods
    }

    /// The v2 `User`, before per-user changes (sequence, change date) are applied.
    pub fn to_user(self, org: &Org) -> User {
        let mut username = String::new();
        self.write_username(&mut username);
        let login = format!("{username}@{}", org.domain);
        let details = Some(Details {
            sequence: self.sequence(),
            change_date: Some(self.changed()),
            resource_owner: org.id.clone(),
            creation_date: Some(self.created()),
        });
        let mut user = User {
            user_id: self.id().to_string(),
            details,
            state: self.state,
            username,
            login_names: vec![login.clone()],
            preferred_login_name: login,
            human: None,
            machine: None,
        };
        if self.machine {
            user.machine = Some(MachineUser {
                name: format!("{} service", MACHINE_WORDS[self.first % MACHINE_WORDS.len()]),
                description: "Generated service account".to_owned(),
                has_secret: bits(self.hash, 20, 2) == 0,
                access_token_type: if bits(self.hash, 28, 2) == 0 {
                    AccessTokenType::Bearer
                } else {
                    AccessTokenType::Jwt
                },
            });
            return user;
        }
        let mut display = String::new();
        self.write_display_name(&mut display);
        let mut email = String::new();
        self.write_email(org, &mut email);
        let mut phone = String::new();
        let phone = if self.write_phone(&mut phone) {
            HumanPhone {
                phone,
                is_verified: self.phone == 2,
            }
        } else {
            HumanPhone::default()
        };
        let has_password = self.auth_methods().contains(&AuthenticationMethodType::Password);
        user.human = Some(HumanUser {
            profile: Some(HumanProfile {
                given_name: self.first_name().to_owned(),
                family_name: self.last_name().to_owned(),
                nick_name: Some(String::new()),
                display_name: Some(display),
                preferred_language: Some(
                    LANGUAGES[bits(self.hash, 36, LANGUAGES.len() as u64) as usize].to_owned(),
                ),
                gender: FIRST[self.first].2,
                avatar_url: String::new(),
            }),
            email: Some(HumanEmail {
                email,
                is_verified: self.verified,
            }),
            phone: Some(phone),
            password_change_required: self.password_change,
            password_changed: has_password
                .then(|| self.created().checked_add(SignedDuration::from_hours(1)).ok())
                .flatten(),
            mfa_init_skipped: None,
        });
        user
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> Org {
        Org {
            id: "281465201463541763".into(),
            name: "Acme".into(),
            domain: "acme.demo.zitadel.cloud".into(),
            email_domain: "acme.example".into(),
        }
    }

    #[test]
    fn generated_users_are_deterministic_and_ids_round_trip() {
        for i in [0, 1, 199, 999_999] {
            let a = GenUser::derive(i, 1_000_000, 3).to_user(&org());
            let b = GenUser::derive(i, 1_000_000, 3).to_user(&org());
            assert_eq!(a, b);
            assert_eq!(index_of(&a.user_id, 1_000_000), Some(i));
            assert_eq!(a.user_id.len(), 18);
        }
        assert_eq!(index_of("200000000000000005", 5), None);
        assert_eq!(index_of("20000000000000000x", 5), None);
        assert_eq!(
            index_of("300000000000000101", u64::MAX),
            Some(100_000_000_000_000_101)
        );
    }

    #[test]
    fn the_mix_is_roughly_as_advertised() {
        let users: Vec<_> = (0..10_000).map(|i| GenUser::derive(i, 10_000, 3)).collect();
        let humans = users.iter().filter(|u| !u.machine).count();
        let verified = users.iter().filter(|u| u.verified).count();
        let share = verified as f64 / humans as f64;
        assert!((0.6..0.75).contains(&share), "{share}");
        assert!(users.iter().any(|u| u.state == UserState::Locked));
        assert!(users.iter().any(|u| u.state == UserState::Inactive));
        assert!(users.iter().any(|u| u.state == UserState::Initial));
        assert!(users.iter().any(|u| u.pending));
    }
}

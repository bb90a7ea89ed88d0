//! The users marked for a bulk action (`space`, `*`): kept by user ID with the user as the row
//! showed them, in the order they were marked, so a mark survives the page it was made on
//! being dropped from memory and the plan can be made without reading anyone again.

use std::collections::HashSet;

use crate::api::wire::User;

#[derive(Debug, Default, Clone)]
pub struct Marks {
    users: Vec<User>,
    ids: HashSet<String>,
}

impl Marks {
    /// Marks `user`, or unmarks them if marked. Returns whether they are marked now.
    pub fn toggle(&mut self, user: &User) -> bool {
        if self.ids.remove(&user.user_id) {
            self.users.retain(|u| u.user_id != user.user_id);
            return false;
        }
        self.ids.insert(user.user_id.clone());
        self.users.push(user.clone());
        true
    }

    /// Marks every user of `users` not marked yet; returns how many are marked now.
    pub fn mark_all<'a>(&mut self, users: impl IntoIterator<Item = &'a User>) -> usize {
        for user in users {
            if self.ids.insert(user.user_id.clone()) {
                self.users.push(user.clone());
            }
        }
        self.users.len()
    }

    /// Drops every mark; returns how many there were.
    pub fn clear(&mut self) -> usize {
        let n = self.users.len();
        self.users.clear();
        self.ids.clear();
        n
    }

    pub fn contains(&self, user_id: &str) -> bool {
        self.ids.contains(user_id)
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// The marked users, in the order they were marked.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// The marked user IDs, sorted: the same set gives the same list however it was marked.
    pub fn sorted_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> User {
        User {
            user_id: id.into(),
            ..User::default()
        }
    }

    #[test]
    fn toggling_marks_and_unmarks_and_mark_all_adds_each_user_once() {
        let mut m = Marks::default();
        assert!(m.toggle(&user("2")));
        assert!(m.contains("2"));
        assert!(!m.toggle(&user("2")));
        assert!(m.is_empty());
        m.toggle(&user("3"));
        assert_eq!(m.mark_all([&user("1"), &user("3"), &user("2")]), 3);
        assert_eq!(
            m.users().iter().map(|u| u.user_id.as_str()).collect::<Vec<_>>(),
            ["3", "1", "2"]
        );
        assert_eq!(m.sorted_ids(), ["1", "2", "3"]);
        assert_eq!(m.clear(), 3);
        assert_eq!(m.len(), 0);
    }
}

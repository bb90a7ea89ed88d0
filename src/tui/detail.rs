//! The detail pane's state: the user it shows and the reads that fill it, each tagged so that
//! only the newest reply lands. The history is read once the user is: it is searched in the
//! user's own organisation, which the user's answer names.

use super::msg::{Effect, RequestId};
use crate::api::wire::{AuthenticationMethodType, User};
use crate::history::History;

/// Something fetched for the detail pane.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub user_id: String,
    pub user: Load<User>,
    pub methods: Load<Vec<AuthenticationMethodType>>,
    /// `None` until the user is read (the history's request needs their organisation).
    pub history: Option<Load<History>>,
    /// The reads still to answer.
    user_request: Option<RequestId>,
    methods_request: Option<RequestId>,
    history_request: Option<RequestId>,
}

impl Detail {
    /// The detail of `user_id`, loading, with the two reads (tagged `ids`) that fill it.
    pub fn open(user_id: String, ids: (RequestId, RequestId)) -> (Detail, Vec<Effect>) {
        let (user_request, methods_request) = ids;
        let effects = vec![
            Effect::GetUser {
                id: user_request,
                user_id: user_id.clone(),
            },
            Effect::ListAuthMethods {
                id: methods_request,
                user_id: user_id.clone(),
            },
        ];
        let detail = Detail {
            user_id,
            user: Load::Loading,
            methods: Load::Loading,
            history: None,
            user_request: Some(user_request),
            methods_request: Some(methods_request),
            history_request: None,
        };
        (detail, effects)
    }

    /// A read is still on its way.
    pub fn waiting(&self) -> bool {
        self.user_request.is_some() || self.methods_request.is_some() || self.history_request.is_some()
    }

    /// Once the user is read: the history read (tagged `id`) in their organisation.
    pub fn read_history(&mut self, id: RequestId) -> Option<Effect> {
        let user = self.ready_user()?;
        let org = user
            .details
            .as_ref()
            .map(|d| d.resource_owner.clone())
            .unwrap_or_default();
        let effect = Effect::UserHistory {
            id,
            user_id: self.user_id.clone(),
            org,
        };
        self.history = Some(Load::Loading);
        self.history_request = Some(id);
        Some(effect)
    }

    pub fn awaits_history(&self, id: RequestId) -> bool {
        self.history_request == Some(id)
    }

    pub fn set_history(&mut self, load: Load<History>) {
        self.history_request = None;
        self.history = Some(load);
    }

    /// Whether `id` is the user read this detail waits for (an older one is dropped).
    pub fn awaits_user(&self, id: RequestId) -> bool {
        self.user_request == Some(id)
    }

    pub fn awaits_methods(&self, id: RequestId) -> bool {
        self.methods_request == Some(id)
    }

    pub fn set_user(&mut self, load: Load<User>) {
        self.user_request = None;
        self.user = load;
    }

    pub fn set_methods(&mut self, load: Load<Vec<AuthenticationMethodType>>) {
        self.methods_request = None;
        self.methods = load;
    }

    /// The user, once read.
    pub fn ready_user(&self) -> Option<&User> {
        match &self.user {
            Load::Ready(u) => Some(u),
            _ => None,
        }
    }
}

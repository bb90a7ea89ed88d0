//! The detail pane's state: the user it shows and the two reads that fill it, each tagged so
//! that only the newest reply lands.

use super::msg::{Effect, RequestId};
use crate::api::wire::{AuthenticationMethodType, User};

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
    /// The reads still to answer.
    user_request: Option<RequestId>,
    methods_request: Option<RequestId>,
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
            user_request: Some(user_request),
            methods_request: Some(methods_request),
        };
        (detail, effects)
    }

    /// A read is still on its way.
    pub fn waiting(&self) -> bool {
        self.user_request.is_some() || self.methods_request.is_some()
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

use futures::Stream;
use serde_json::json;

use crate::client::ApiPath;
use crate::model::{Created, NewUser, User, UserQuery, UserSummary, UserUpdate};
use crate::paging::all_items;
use crate::{Client, Error};

impl Client {
    /// `GET /users`: every user matching `query`, read page by page (`top`/`skip`) as the
    /// stream is polled, until the PBX's `count` is reached.
    pub fn users(
        &self,
        query: &UserQuery,
    ) -> impl Stream<Item = Result<UserSummary, Error>> + Send + 'static {
        all_items(
            self.clone(),
            ApiPath::new(&["users"]),
            query.query_pairs(),
            self.page_size(),
        )
    }

    /// `GET /users/{id}`: one user in full.
    pub async fn user(&self, id: &str) -> Result<User, Error> {
        self.get_json(&ApiPath::new(&["users", id]), &[]).await
    }

    /// `POST /users`: creates a user; answers its ID.
    pub async fn create_user(&self, user: &NewUser) -> Result<Created, Error> {
        self.post_json(&ApiPath::new(&["users"]), user).await
    }

    /// `POST /users/{id}`: changes the fields set in `update`.
    pub async fn update_user(&self, id: &str, update: &UserUpdate) -> Result<(), Error> {
        self.post(&ApiPath::new(&["users", id]), Some(update))
            .await?;
        Ok(())
    }

    /// `POST /users/{id}/ms365_binding`: binds a PBX user to a Microsoft 365 account, given
    /// by its object ID or user principal name.
    pub async fn bind_ms365(&self, user_id: &str, ms365_account: &str) -> Result<(), Error> {
        self.post(
            &ApiPath::new(&["users", user_id, "ms365_binding"]),
            Some(&json!({ "id": ms365_account })),
        )
        .await?;
        Ok(())
    }

    /// `POST /users/{id}/ms365_binding/destroy`: unbinds a PBX user from Microsoft 365.
    pub async fn unbind_ms365(&self, user_id: &str) -> Result<(), Error> {
        self.post::<()>(
            &ApiPath::new(&["users", user_id, "ms365_binding", "destroy"]),
            None,
        )
        .await?;
        Ok(())
    }
}

use futures::Stream;

use crate::client::ApiPath;
use crate::model::{Contact, ContactDetails, Created};
use crate::paging::all_items;
use crate::{Client, Error};

impl Client {
    /// `GET /contacts`: every company contact, read page by page as the stream is polled.
    pub fn contacts(&self) -> impl Stream<Item = Result<Contact, Error>> + Send + 'static {
        all_items(
            self.clone(),
            ApiPath::new(&["contacts"]),
            Vec::new(),
            self.page_size(),
        )
    }

    /// `POST /contacts`: creates a company contact; answers its ID.
    pub async fn create_contact(&self, contact: &ContactDetails) -> Result<Created, Error> {
        self.post_json(&ApiPath::new(&["contacts"]), contact).await
    }
}

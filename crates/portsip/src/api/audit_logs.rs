use futures::Stream;

use crate::client::ApiPath;
use crate::model::AuditLog;
use crate::paging::single_page;
use crate::{Client, Error};

impl Client {
    /// `GET /audit_logs`: the audit trail. The spec declares no paging parameters for this
    /// endpoint, so it is one request; a PBX reporting a larger `count` than it returned is
    /// logged as a warning.
    pub fn audit_logs(&self) -> impl Stream<Item = Result<AuditLog, Error>> + Send + 'static {
        single_page(self.clone(), ApiPath::new(&["audit_logs"]))
    }
}

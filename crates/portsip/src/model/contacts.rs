use serde::{Deserialize, Serialize};

use super::SyncSource;

/// The body of `POST /contacts`, and the fields of a listed [`Contact`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactDetails {
    /// Name, 1–64 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Business phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business: Option<String>,
    /// Second business phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business2: Option<String>,
    /// Mobile phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    /// Second mobile phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone2: Option<String>,
    /// Home phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_phone: Option<String>,
    /// Second home phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_phone2: Option<String>,
    /// Other phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// Business fax.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_fax: Option<String>,
    /// Home fax.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_fax: Option<String>,
    /// Address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// An item of `GET /contacts`: a company contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// Contact ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The contact's fields.
    #[serde(flatten)]
    pub details: ContactDetails,
    /// Set when the contact came from a directory sync (`Microsoft 365`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_type: Option<SyncSource>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_contact_reads_its_fields_and_origin() -> Result<(), serde_json::Error> {
        let contact: Contact = serde_json::from_str(
            r#"{"id":"c1","name":"Carol","mobile_phone2":"+4412","sync_type":"Microsoft 365","x":true}"#,
        )?;
        assert_eq!(contact.id.as_deref(), Some("c1"));
        assert_eq!(contact.details.mobile_phone2.as_deref(), Some("+4412"));
        assert_eq!(contact.sync_type, Some(SyncSource::Microsoft365));
        Ok(())
    }
}

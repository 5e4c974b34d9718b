//! How many users a sync run changes on the PBX at the same time: a profile setting
//! (`sync.users.pbx_concurrency`), pbx365's own — it is never sent to the PBX.
//!
//! Each user's change is a short chain of requests (create then bind, or one update), so a
//! run's wall time is about `requests × round trip / concurrency`. PortSIP documents no rate
//! limit for its REST API; the default keeps the PBX's load modest (8 requests in flight, from
//! one workstation) while hiding the round trip: measured against a PBX 30 ms away it is
//! within 1.3× of that ideal (README, "Sync at scale"). The upper bound stops a typo from
//! turning a sync into a load test of the customer's PBX.

use crate::input::FieldError;
use crate::profile::Profile;

/// Users changed at the same time when the profile does not say.
pub const DEFAULT_PBX_CONCURRENCY: u16 = 8;
/// The most a profile may ask for.
pub const MAX_PBX_CONCURRENCY: u16 = 32;
/// The setting's place in the sync options, as errors name it.
pub const PBX_CONCURRENCY_FIELD: &str = "users.pbx_concurrency";

/// `value` if it is a concurrency a sync may use (1 to [`MAX_PBX_CONCURRENCY`]).
pub fn check_pbx_concurrency(value: u16) -> Result<u16, FieldError> {
    if (1..=MAX_PBX_CONCURRENCY).contains(&value) {
        Ok(value)
    } else {
        Err(FieldError::new(
            PBX_CONCURRENCY_FIELD,
            format!(
                "The sync's PBX concurrency {value} is outside 1–{MAX_PBX_CONCURRENCY}: it is how \
                 many users a sync changes on the PBX at the same time. Choose a number in that \
                 range, or leave it unset for the default ({DEFAULT_PBX_CONCURRENCY})."
            ),
        ))
    }
}

/// The concurrency the profile's syncs use: its own setting, checked, or the default.
pub fn pbx_concurrency(profile: &Profile) -> Result<usize, FieldError> {
    let chosen = profile
        .sync
        .as_ref()
        .and_then(|sync| sync.users.pbx_concurrency);
    let value = chosen.map_or(Ok(DEFAULT_PBX_CONCURRENCY), check_pbx_concurrency)?;
    Ok(usize::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::SyncOptions;

    #[test]
    fn values_outside_one_to_the_maximum_are_refused_naming_the_setting() {
        for bad in [0, MAX_PBX_CONCURRENCY + 1, u16::MAX] {
            let error = check_pbx_concurrency(bad).err();
            assert!(
                error
                    .as_ref()
                    .is_some_and(|e| e.field == PBX_CONCURRENCY_FIELD
                        && e.message
                            .contains(&format!("concurrency {bad} is outside 1–32"))),
                "{bad}: {error:?}"
            );
        }
        for good in [1, 8, MAX_PBX_CONCURRENCY] {
            assert_eq!(check_pbx_concurrency(good).ok(), Some(good));
        }
    }

    #[test]
    fn a_profile_without_the_setting_gets_the_default_and_a_bad_one_an_error()
    -> Result<(), FieldError> {
        let mut profile = Profile::new("p")?;
        assert_eq!(pbx_concurrency(&profile)?, 8);
        profile.sync = Some(SyncOptions::default());
        assert_eq!(pbx_concurrency(&profile)?, 8);
        let mut sync = SyncOptions::default();
        sync.users.pbx_concurrency = Some(16);
        profile.sync = Some(sync.clone());
        assert_eq!(pbx_concurrency(&profile)?, 16);
        sync.users.pbx_concurrency = Some(0);
        profile.sync = Some(sync);
        assert!(pbx_concurrency(&profile).is_err());
        // A run of it stops before anything, saying what to change and how.
        let refused = crate::sync::RunOptions::for_profile(&profile)
            .err()
            .map(|e| e.to_string());
        assert!(
            refused
                .as_ref()
                .is_some_and(|e| e.contains("concurrency 0 is outside 1–32")
                    && e.contains("pbx365 setup")
                    && e.contains("--sync-concurrency")),
            "{refused:?}"
        );
        Ok(())
    }
}

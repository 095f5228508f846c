//! Changing a tenant's settings: what a change may ask and how it applies, the same for
//! the CLI (`kiroku tenant settings`) and the web app's settings page.

use super::TenantSettings;
use crate::launch::ConcurrentLaunches;

/// The changes asked for; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsChange {
    pub strict_scorm12_suspend_data: Option<bool>,
    /// `allow`, `refuse` or `end-first`.
    pub concurrent_launches: Option<String>,
    /// Days statements are kept (0: forever).
    pub statement_retention_days: Option<u32>,
    /// Minutes before an idle cmi5 session is abandoned (0: never).
    pub cmi5_session_timeout_minutes: Option<u32>,
}

/// The longest retention and idle limit accepted (100 years, a year): larger numbers are
/// typing mistakes, not policies.
pub const MAX_RETENTION_DAYS: u32 = 36_500;
pub const MAX_CMI5_TIMEOUT_MINUTES: u32 = 525_600;

/// `settings` with `change` applied; refused (nothing changed) when a value is not one
/// the setting takes.
pub fn apply(settings: TenantSettings, change: &SettingsChange) -> Result<TenantSettings, String> {
    let mut s = settings;
    if let Some(strict) = change.strict_scorm12_suspend_data {
        s.strict_scorm12_suspend_data = strict;
    }
    if let Some(days) = change.statement_retention_days {
        if days > MAX_RETENTION_DAYS {
            return Err(format!(
                "statement retention is at most {MAX_RETENTION_DAYS} days (0 keeps them forever)"
            ));
        }
        s.statement_retention_days = (days > 0).then_some(days);
    }
    if let Some(m) = change.cmi5_session_timeout_minutes {
        if m > MAX_CMI5_TIMEOUT_MINUTES {
            return Err(format!(
                "the cmi5 session timeout is at most {MAX_CMI5_TIMEOUT_MINUTES} minutes (0: never)"
            ));
        }
        s.cmi5_session_timeout_minutes = (m > 0).then_some(m);
    }
    if let Some(policy) = &change.concurrent_launches {
        s.concurrent_launches = ConcurrentLaunches::parse(policy)?;
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_applies_what_it_names_and_refuses_what_no_setting_takes() {
        let base = TenantSettings::default();
        let c = SettingsChange {
            statement_retention_days: Some(365),
            concurrent_launches: Some("end-first".into()),
            ..SettingsChange::default()
        };
        let s = apply(base, &c).expect("applies");
        assert_eq!(s.statement_retention_days, Some(365));
        assert_eq!(s.concurrent_launches, ConcurrentLaunches::EndFirst);
        assert_eq!(s.strict_scorm12_suspend_data, base.strict_scorm12_suspend_data);
        let forever = SettingsChange {
            statement_retention_days: Some(0),
            ..SettingsChange::default()
        };
        assert_eq!(apply(s, &forever).expect("applies").statement_retention_days, None);
        for bad in [
            SettingsChange {
                concurrent_launches: Some("sometimes".into()),
                ..SettingsChange::default()
            },
            SettingsChange {
                statement_retention_days: Some(MAX_RETENTION_DAYS + 1),
                ..SettingsChange::default()
            },
            SettingsChange {
                cmi5_session_timeout_minutes: Some(u32::MAX),
                ..SettingsChange::default()
            },
        ] {
            assert!(apply(base, &bad).is_err(), "{bad:?}");
        }
    }
}

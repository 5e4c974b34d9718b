//! The language the desktop app speaks outside its window (the tray menu): the one the window
//! shows. The window's rule (ui/src/lib/i18n/locale.svelte.ts) is the admin's saved choice, else
//! the OS language; the window tells the app its language and whether it is a saved choice, and
//! the app keeps a copy of that choice beside the profiles, so the tray is right when the app
//! starts hidden in it (start at login) before any window has loaded.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::atomic_file::{self, AtomicWriteError};

/// The languages the app is worded in (ui/messages/en.json, ui/messages/zh-CN.json).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiLanguage {
    English,
    SimplifiedChinese,
}

impl UiLanguage {
    /// The tag the UI names it by (Paraglide's locale).
    pub fn tag(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::SimplifiedChinese => "zh-CN",
        }
    }

    /// The language the UI calls `tag`; `None` for a language the app is not worded in.
    pub fn from_tag(tag: &str) -> Option<Self> {
        [Self::English, Self::SimplifiedChinese]
            .into_iter()
            .find(|language| language.tag() == tag)
    }

    /// The language for the OS's preferred languages, in order of preference: the first Chinese
    /// (any script or region) or English tag decides; with neither, English. The same rule as
    /// the window's `localeFromLanguages` (ui/src/lib/i18n/detect.ts).
    pub fn from_languages<S: AsRef<str>>(tags: impl IntoIterator<Item = S>) -> Self {
        tags.into_iter()
            .find_map(|tag| {
                let language = tag
                    .as_ref()
                    .split(['-', '_'])
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                match language.as_str() {
                    "zh" => Some(Self::SimplifiedChinese),
                    "en" => Some(Self::English),
                    _ => None,
                }
            })
            .unwrap_or(Self::English)
    }

    /// The OS's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG on Linux, as the window's WebKitGTK
    /// reads them; the user's preferred languages on Windows and macOS).
    pub fn of_os() -> Self {
        Self::from_languages(sys_locale::get_locales())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UiLanguageError {
    #[error("pbx365 is not worded in the language '{0}'. Choose en or zh-CN.")]
    Unknown(String),
    #[error(
        "The language choice could not be removed from {path}: {source}. Check that the folder is writable."
    )]
    Remove {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Write(#[from] AtomicWriteError),
}

/// The admin's choice of language as the app keeps it: a file holding the tag.
#[derive(Debug, Clone)]
pub struct SavedLanguage {
    path: PathBuf,
}

impl SavedLanguage {
    /// The choice kept in pbx365's config folder `base` (the profiles' base).
    pub fn in_folder(base: &Path) -> Self {
        Self {
            path: base.join("ui-language"),
        }
    }

    /// The saved choice; none when nothing was chosen, or the file cannot be read or names a
    /// language the app is not worded in (then the OS decides, as in the window).
    pub fn load(&self) -> Option<UiLanguage> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => {
                let language = UiLanguage::from_tag(text.trim());
                if language.is_none() {
                    tracing::warn!(path = %self.path.display(), "the saved language is not one pbx365 has: the OS language applies");
                }
                language
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                tracing::warn!(%error, path = %self.path.display(), "the saved language cannot be read: the OS language applies");
                None
            }
        }
    }

    /// Keeps `choice`, or forgets the choice for `None`.
    pub fn save(&self, choice: Option<UiLanguage>) -> Result<(), UiLanguageError> {
        match choice {
            Some(language) => Ok(atomic_file::write(&self.path, language.tag().as_bytes())?),
            None => match std::fs::remove_file(&self.path) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    Err(UiLanguageError::Remove {
                        path: self.path.clone(),
                        source: error,
                    })
                }
                _ => Ok(()),
            },
        }
    }
}

/// The app's language outside the window: what the window last said it shows, else the saved
/// choice, else the OS language.
#[derive(Debug)]
pub struct AppLanguage {
    saved: SavedLanguage,
    os: fn() -> UiLanguage,
    shown: Mutex<Option<UiLanguage>>,
}

impl AppLanguage {
    /// With the choice saved in `base` and the OS language as the default.
    pub fn in_folder(base: &Path) -> Self {
        Self::with_os_language(base, UiLanguage::of_os)
    }

    /// With `os` standing for the OS language (tests).
    pub fn with_os_language(base: &Path, os: fn() -> UiLanguage) -> Self {
        Self {
            saved: SavedLanguage::in_folder(base),
            os,
            shown: Mutex::new(None),
        }
    }

    /// The language to word the tray in now.
    pub fn current(&self) -> UiLanguage {
        self.shown_now()
            .or_else(|| self.saved.load())
            .unwrap_or_else(self.os)
    }

    /// The window shows `tag`; `saved` says whether that is the admin's saved choice (the
    /// window's next start shows it again) or the OS language (the next start follows the OS).
    pub fn window_shows(&self, tag: &str, saved: bool) -> Result<UiLanguage, UiLanguageError> {
        let language =
            UiLanguage::from_tag(tag).ok_or_else(|| UiLanguageError::Unknown(tag.to_owned()))?;
        *self
            .shown
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(language);
        self.saved.save(saved.then_some(language))?;
        Ok(language)
    }

    fn shown_now(&self) -> Option<UiLanguage> {
        *self
            .shown
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_os_languages_decide_as_in_the_window() {
        use UiLanguage::{English, SimplifiedChinese};
        let cases: [(&[&str], UiLanguage); 9] = [
            (&["zh-CN"], SimplifiedChinese),
            (&["zh"], SimplifiedChinese),
            (&["zh-Hans"], SimplifiedChinese),
            (&["zh-Hans-CN", "en-US"], SimplifiedChinese),
            (&["zh_CN"], SimplifiedChinese),
            (&["en-GB", "zh-CN"], English),
            (&["de-DE", "zh-CN"], SimplifiedChinese),
            (&["de-DE", "fr"], English),
            (&[], English),
        ];
        for (tags, expected) in cases {
            assert_eq!(UiLanguage::from_languages(tags), expected, "{tags:?}");
        }
    }

    #[test]
    fn only_the_windows_own_tags_name_a_language() {
        assert_eq!(UiLanguage::from_tag("en"), Some(UiLanguage::English));
        assert_eq!(
            UiLanguage::from_tag("zh-CN"),
            Some(UiLanguage::SimplifiedChinese)
        );
        assert_eq!(UiLanguage::from_tag("fr"), None);
        assert_eq!(UiLanguage::from_tag("zh"), None);
    }

    fn chinese_os() -> UiLanguage {
        UiLanguage::SimplifiedChinese
    }

    #[test]
    fn before_the_window_says_anything_the_saved_choice_else_the_os_decides()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let app = AppLanguage::with_os_language(dir.path(), chinese_os);
        assert_eq!(app.current(), UiLanguage::SimplifiedChinese);

        SavedLanguage::in_folder(dir.path()).save(Some(UiLanguage::English))?;
        assert_eq!(app.current(), UiLanguage::English);

        std::fs::write(dir.path().join("ui-language"), "klingon")?;
        assert_eq!(app.current(), UiLanguage::SimplifiedChinese);
        Ok(())
    }

    #[test]
    fn a_saved_choice_outlives_the_app_and_the_os_language_is_not_saved()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let app = AppLanguage::with_os_language(dir.path(), chinese_os);
        assert_eq!(app.window_shows("en", true)?, UiLanguage::English);
        assert_eq!(app.current(), UiLanguage::English);
        // The next start, hidden in the tray: no window has said anything yet.
        let next_start = AppLanguage::with_os_language(dir.path(), chinese_os);
        assert_eq!(next_start.current(), UiLanguage::English);

        // A window showing the OS language (nothing chosen in it) forgets the copy too.
        next_start.window_shows("en", false)?;
        assert_eq!(next_start.current(), UiLanguage::English);
        assert!(!dir.path().join("ui-language").exists());
        let after_that = AppLanguage::with_os_language(dir.path(), chinese_os);
        assert_eq!(after_that.current(), UiLanguage::SimplifiedChinese);
        Ok(())
    }

    #[test]
    fn a_language_the_app_is_not_worded_in_is_refused_and_changes_nothing()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let app = AppLanguage::with_os_language(dir.path(), chinese_os);
        app.window_shows("en", true)?;
        let refused = app.window_shows("fr", true);
        assert!(
            matches!(&refused, Err(UiLanguageError::Unknown(tag)) if tag == "fr"),
            "{refused:?}"
        );
        assert_eq!(
            refused.map_err(|e| e.to_string()).err().as_deref(),
            Some("pbx365 is not worded in the language 'fr'. Choose en or zh-CN.")
        );
        assert_eq!(app.current(), UiLanguage::English);
        assert_eq!(
            SavedLanguage::in_folder(dir.path()).load(),
            Some(UiLanguage::English)
        );
        Ok(())
    }
}

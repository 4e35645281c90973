//! The config file: named profiles saying which backend to use, where, with which token.
//!
//! ```toml
//! default_profile = "work"
//!
//! [profiles.work]
//! backend = "kantata"                        # local | kantata | ruddr
//! url = "https://api.mavenlink.com/api/v1"
//! token_env = "KANTATA_ACCESS_TOKEN"          # or: token = "…" (then keep the file private)
//! user = "1001"                               # act as this person
//! concurrency = 5                             # requests in flight at once (Kantata 5, Ruddr 4)
//!
//! [keys.gantt]                               # rebinding: see `allot keys`
//! split = "x"                                 # or a list: split = ["x", "ctrl-s"]
//! ```
//!
//! Flags win over the profile, and the profile over the environment. The token is held in a
//! [`Secret`], which never prints.

use crate::app::keys::{Keymap, KeysConfig, rebind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which backend a profile or flag names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum BackendChoice {
    Local,
    Kantata,
    Ruddr,
}

impl BackendChoice {
    pub fn default_url(&self) -> Option<&'static str> {
        match self {
            BackendChoice::Local => None,
            BackendChoice::Kantata => Some("https://api.mavenlink.com/api/v1"),
            BackendChoice::Ruddr => Some("https://www.ruddr.io/api/workspace"),
        }
    }

    /// The environment variable a token comes from when no profile names one.
    pub fn token_env(&self) -> Option<&'static str> {
        match self {
            BackendChoice::Local => None,
            BackendChoice::Kantata => Some("KANTATA_ACCESS_TOKEN"),
            BackendChoice::Ruddr => Some("RUDDR_API_KEY"),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            BackendChoice::Local => "local",
            BackendChoice::Kantata => "kantata",
            BackendChoice::Ruddr => "ruddr",
        }
    }
}

/// An API token. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The token itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a token of {} characters", self.0.chars().count())
    }
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub backend: Option<BackendChoice>,
    pub url: Option<String>,
    pub token: Option<Secret>,
    pub token_env: Option<String>,
    pub user: Option<String>,
    pub concurrency: Option<usize>,
    /// The embedded workspace's file, for `backend = "local"`.
    pub db: Option<PathBuf>,
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// `mouse = false`: no mouse capture (as `--no-mouse`).
    pub mouse: Option<bool>,
    /// `[keys.<mode>]`: rebindings over the default key table.
    #[serde(default)]
    pub keys: KeysConfig,
    /// The key table in effect: the defaults with `keys` merged over them.
    #[serde(skip)]
    pub keymap: Option<Arc<Keymap>>,
}

/// A config file as loaded, with what it said and where it was.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub path: PathBuf,
    pub file: ConfigFile,
    /// Set when the file holds a token and others may read it.
    pub warning: Option<String>,
}

/// The config file's path: `ALLOT_CONFIG`, else `config.toml` in the platform config directory.
pub fn default_path() -> PathBuf {
    if let Some(p) = std::env::var_os("ALLOT_CONFIG").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("", "", "allot")
        .map(|p| p.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from(".allot/config.toml"))
}

/// Reads and parses the file; `Ok(None)` when it does not exist. Errors name the file, and for
/// bad TOML the line and the key.
pub fn load(path: &Path) -> Result<Option<Loaded>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "{}: cannot read the config file: {e}",
                path.display()
            ));
        }
    };
    let file = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let holds_token = file.profiles.values().any(|p| p.token.is_some());
    let warning = (holds_token && readable_by_others(path)).then(|| {
        // Shown in the status bar as well as on stderr: the path is cleaned here.
        let shown = crate::client::sanitize::clean(&path.display().to_string());
        format!("{shown} holds an API token and other users can read it; run: chmod 600 {shown}")
    });
    Ok(Some(Loaded {
        path: path.to_path_buf(),
        file,
        warning,
    }))
}

/// Parses config text; the error says where and what.
pub fn parse(text: &str) -> Result<ConfigFile, String> {
    let mut file: ConfigFile = toml::from_str(text).map_err(|e| {
        // toml's message is multi-line with a source excerpt; keep it, minus trailing space, and
        // minus any token it quotes.
        format!(
            "not a valid config file: {}",
            redact_tokens(e.to_string().trim_end(), text)
        )
    })?;
    for (name, p) in &file.profiles {
        if p.token.is_some() && p.token_env.is_some() {
            return Err(format!(
                "profile '{name}' gives both token and token_env; keep one"
            ));
        }
        if p.concurrency == Some(0) {
            return Err(format!("profile '{name}': concurrency must be at least 1"));
        }
    }
    if let Some(d) = &file.default_profile
        && !file.profiles.contains_key(d)
    {
        return Err(format!(
            "default_profile '{d}' is not one of the profiles ({})",
            names(&file)
        ));
    }
    if !file.keys.is_empty() {
        file.keymap = Some(Arc::new(rebind(&Keymap::defaults(), &file.keys, text)?));
    }
    Ok(file)
}

/// The value of a `token = …` line (any table, dotted keys too; not `token_env`), as written.
fn token_value(line: &str) -> Option<&str> {
    let (key, value) = line.split_once('=')?;
    let key = key.trim().trim_matches(['"', '\'']);
    let last = key.rsplit('.').next()?.trim().trim_matches(['"', '\'']);
    (last == "token").then(|| value.trim())
}

/// `msg` (a parse error about `text`) with every token value in it replaced by `…`: the
/// excerpt toml quotes may be the token's own line, and its words may quote the value.
fn redact_tokens(msg: &str, text: &str) -> String {
    let mut secrets: Vec<&str> = Vec::new();
    for value in text.lines().filter_map(token_value) {
        let inner = value.trim_matches(['"', '\'']);
        secrets.extend([value, inner].into_iter().filter(|s| !s.is_empty()));
    }
    // Longest first, so a quoted value goes before the bare one inside it.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let lines: Vec<String> = msg
        .lines()
        .map(|line| match line.split_once(" | ") {
            // An excerpt line "N | token = …" is replaced whole.
            Some((n, code)) if token_value(code).is_some() => {
                format!("{n} | token = \"…\" (hidden)")
            }
            _ => secrets
                .iter()
                .fold(line.to_string(), |l, s| l.replace(s, "…")),
        })
        .collect();
    lines.join("\n")
}

fn names(file: &ConfigFile) -> String {
    if file.profiles.is_empty() {
        "there are none".into()
    } else {
        file.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &Path) -> bool {
    false
}

/// What the flags asked for (the parts a profile can also set).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Asked {
    pub profile: Option<String>,
    pub backend: Option<BackendChoice>,
    pub url: Option<String>,
    pub user: Option<String>,
    pub db: Option<PathBuf>,
}

/// Everything needed to open a backend, with where each part came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub profile: Option<String>,
    pub backend: BackendChoice,
    pub url: Option<String>,
    pub token: Option<Secret>,
    /// Where the token came from, in words ("the profile", "KANTATA_ACCESS_TOKEN").
    pub token_source: Option<String>,
    pub user: Option<String>,
    /// Requests in flight at once; `None` leaves each backend's own default.
    pub concurrency: Option<usize>,
    pub db: Option<PathBuf>,
    /// Mouse capture in the planner (the config file's `mouse`, on unless it says false).
    pub mouse: bool,
}

/// Combines flags, the chosen profile and the environment (`env` looks a variable up).
pub fn resolve(
    asked: &Asked,
    loaded: Option<&Loaded>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, String> {
    let file = loaded.map(|l| &l.file);
    let name = asked
        .profile
        .clone()
        .or_else(|| file.and_then(|f| f.default_profile.clone()));
    let profile = match (&name, file) {
        (None, _) => Profile::default(),
        (Some(n), Some(f)) => f.profiles.get(n).cloned().ok_or_else(|| {
            format!(
                "no profile '{n}' in {} (profiles: {})",
                loaded
                    .map(|l| l.path.display().to_string())
                    .unwrap_or_default(),
                names(f)
            )
        })?,
        (Some(n), None) => {
            return Err(format!(
                "--profile {n}: there is no config file at {}",
                default_path().display()
            ));
        }
    };
    let backend = asked
        .backend
        .or(profile.backend)
        .unwrap_or(BackendChoice::Local);
    let url = asked
        .url
        .clone()
        .or(profile.url.clone())
        .or_else(|| backend.default_url().map(String::from));
    // A base URL is checked here, before anything is sent or printed with it.
    if backend != BackendChoice::Local
        && let Some(u) = &url
        && let Err(e) = crate::client::transport::check_base_url(u)
    {
        let whence = if asked.url.is_some() {
            "--url".to_string()
        } else if profile.url.is_some() {
            format!("profile '{}' url", name.clone().unwrap_or_default())
        } else {
            "the default url".to_string()
        };
        return Err(format!("{whence}: {e}"));
    }
    let present = |v: Option<String>| v.filter(|t| !t.trim().is_empty());
    let (token, token_source) = if backend == BackendChoice::Local {
        (None, None)
    } else if let Some(t) = profile.token.clone() {
        (
            Some(t),
            Some(format!("profile '{}'", name.clone().unwrap_or_default())),
        )
    } else if let Some(var) = &profile.token_env {
        match present(env(var)) {
            Some(t) => (Some(Secret::new(t.trim())), Some(var.clone())),
            None => {
                return Err(format!(
                    "profile '{}' takes its token from {var}, which is not set",
                    name.clone().unwrap_or_default()
                ));
            }
        }
    } else {
        let var = backend.token_env().unwrap_or_default();
        match present(env(var)) {
            Some(t) => (Some(Secret::new(t.trim())), Some(var.to_string())),
            None => (None, None),
        }
    };
    Ok(Settings {
        profile: name,
        backend,
        url,
        token,
        token_source,
        user: asked.user.clone().or(profile.user),
        concurrency: profile.concurrency,
        db: asked.db.clone().or(profile.db),
        mouse: file.and_then(|f| f.mouse).unwrap_or(true),
    })
}

impl Settings {
    /// The token, or the message saying how to give one.
    pub fn require_token(&self) -> Result<&Secret, String> {
        self.token.as_ref().ok_or_else(|| {
            format!(
                "--backend {} needs an API token: set {} or give token_env in a profile ({})",
                self.backend.label(),
                self.backend.token_env().unwrap_or("a token"),
                default_path().display()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn loaded(text: &str) -> Loaded {
        Loaded {
            path: PathBuf::from("/cfg/config.toml"),
            file: parse(text).unwrap(),
            warning: None,
        }
    }

    const TWO: &str = r#"
default_profile = "work"
[profiles.work]
backend = "kantata"
url = "https://kantata.example/api/v1"
token_env = "WORK_TOKEN"
user = "5"
concurrency = 8
[profiles.sandbox]
backend = "kantata"
url = "http://127.0.0.1:7000/api/v1"
token = "s3cret"
"#;

    #[test]
    fn the_default_profile_applies_and_flags_win_over_it() {
        let l = loaded(TWO);
        let s = resolve(&Asked::default(), Some(&l), &env(&[("WORK_TOKEN", "abc")])).unwrap();
        assert_eq!(s.profile.as_deref(), Some("work"));
        assert_eq!(s.backend, BackendChoice::Kantata);
        assert_eq!(s.url.as_deref(), Some("https://kantata.example/api/v1"));
        assert_eq!(s.token, Some(Secret::new("abc")));
        assert_eq!(s.token_source.as_deref(), Some("WORK_TOKEN"));
        assert_eq!(s.concurrency, Some(8));
        assert_eq!(s.user.as_deref(), Some("5"));

        let asked = Asked {
            profile: Some("sandbox".into()),
            url: Some("http://localhost:9/api/v1".into()),
            ..Default::default()
        };
        let s = resolve(&asked, Some(&l), &env(&[])).unwrap();
        assert_eq!(s.url.as_deref(), Some("http://localhost:9/api/v1"));
        assert_eq!(s.token.as_ref().map(Secret::expose), Some("s3cret"));
        assert_eq!(s.concurrency, None, "each backend keeps its own default");
    }

    #[test]
    fn the_mouse_is_on_unless_the_file_says_false() {
        let on = resolve(
            &Asked::default(),
            Some(&loaded(TWO)),
            &env(&[("WORK_TOKEN", "a")]),
        );
        assert!(on.unwrap().mouse);
        assert!(resolve(&Asked::default(), None, &env(&[])).unwrap().mouse);
        let off = loaded("mouse = false\n");
        assert!(
            !resolve(&Asked::default(), Some(&off), &env(&[]))
                .unwrap()
                .mouse
        );
        let e = parse("mouse = \"no\"\n").unwrap_err();
        assert!(e.contains("mouse"), "{e}");
    }

    #[test]
    fn without_a_config_the_environment_gives_the_token() {
        let asked = Asked {
            backend: Some(BackendChoice::Kantata),
            ..Default::default()
        };
        let s = resolve(&asked, None, &env(&[("KANTATA_ACCESS_TOKEN", " t0k ")])).unwrap();
        assert_eq!(s.token, Some(Secret::new("t0k")));
        assert_eq!(s.url.as_deref(), Some("https://api.mavenlink.com/api/v1"));
        let none = resolve(&asked, None, &env(&[])).unwrap();
        assert!(
            none.require_token()
                .unwrap_err()
                .contains("KANTATA_ACCESS_TOKEN")
        );
        let local = resolve(&Asked::default(), None, &env(&[])).unwrap();
        assert_eq!(local.backend, BackendChoice::Local);
        assert_eq!(local.token, None);
    }

    #[test]
    fn problems_are_named() {
        let l = loaded(TWO);
        let asked = Asked {
            profile: Some("home".into()),
            ..Default::default()
        };
        let e = resolve(&asked, Some(&l), &env(&[])).unwrap_err();
        assert!(
            e.contains("no profile 'home'") && e.contains("sandbox, work"),
            "{e}"
        );
        let e = resolve(&Asked::default(), Some(&l), &env(&[])).unwrap_err();
        assert!(e.contains("WORK_TOKEN, which is not set"), "{e}");

        let e = parse("[profiles.a]\nbackend = \"jira\"\n").unwrap_err();
        assert!(e.contains("jira") && e.contains("line 2"), "{e}");
        let e = parse("[profiles.a]\ntokn = \"x\"\n").unwrap_err();
        assert!(e.contains("tokn"), "{e}");
        let e = parse("default_profile = \"x\"\n").unwrap_err();
        assert!(e.contains("'x' is not one of the profiles"), "{e}");
        let e = parse("[profiles.a]\ntoken = \"x\"\ntoken_env = \"Y\"\n").unwrap_err();
        assert!(e.contains("both token and token_env"), "{e}");
        let e = parse("[profiles.a]\nconcurrency = 0\n").unwrap_err();
        assert!(e.contains("at least 1"), "{e}");
    }

    #[test]
    fn a_base_url_with_secrets_or_a_query_is_refused_by_name() {
        let kantata = |url: &str| Asked {
            backend: Some(BackendChoice::Kantata),
            url: Some(url.into()),
            ..Default::default()
        };
        let t = env(&[("KANTATA_ACCESS_TOKEN", "t")]);
        let e = resolve(&kantata("https://h.example/api?api_key=SECRET"), None, &t).unwrap_err();
        assert!(
            e.starts_with("--url: ") && e.contains("must not hold a query"),
            "{e}"
        );
        assert!(!e.contains("SECRET"), "{e}");
        let e = resolve(&kantata("http://u:PASSWORD@127.0.0.1:1/api"), None, &t).unwrap_err();
        assert!(
            e.contains("user name or password") && !e.contains("PASSWORD"),
            "{e}"
        );
        let e = resolve(&kantata("https://h.example/api#top"), None, &t).unwrap_err();
        assert!(e.contains("fragment"), "{e}");
        let text = "[profiles.p]\nbackend = \"ruddr\"\nurl = \"https://h/x?k=SECRET\"\n";
        let l = loaded(text);
        let asked = Asked {
            profile: Some("p".into()),
            ..Default::default()
        };
        let e = resolve(&asked, Some(&l), &env(&[("RUDDR_API_KEY", "k")])).unwrap_err();
        assert!(
            e.starts_with("profile 'p' url: ") && !e.contains("SECRET"),
            "{e}"
        );
        assert!(resolve(&kantata("http://127.0.0.1:9/api/v1"), None, &t).is_ok());
    }

    #[test]
    fn a_parse_error_never_quotes_a_token() {
        for text in [
            "[profiles.a]\nbackend = \"kantata\"\ntoken = \"abcSECRET\n",
            "[profiles.a]\ntoken = 12345678SECRET\n",
            "[profiles.a]\ntoken = 12345678\n",
            "profiles.a.token = 'xSECRETx'\nprofiles.a.bogus = 1\n",
            "[profiles.a]\ntoken = \"SECRET\"\nbackend = \"jira\"\n",
        ] {
            let e = parse(text).unwrap_err();
            assert!(!e.contains("SECRET") && !e.contains("12345678"), "{e}");
            assert!(e.contains("line"), "still says where: {e}");
        }
    }

    #[test]
    fn a_token_never_prints() {
        let s = Secret::new("abcdef");
        assert_eq!(format!("{s:?}"), "Secret(…)");
        assert_eq!(s.to_string(), "a token of 6 characters");
        let l = loaded(TWO);
        assert!(!format!("{l:?}").contains("s3cret"));
    }

    #[cfg(unix)]
    #[test]
    fn a_token_in_a_file_others_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, TWO).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let w = load(&path).unwrap().unwrap().warning.unwrap();
        assert!(w.contains("chmod 600"), "{w}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(load(&path).unwrap().unwrap().warning, None);
        // No token in the file: nothing to warn about.
        std::fs::write(&path, "[profiles.a]\nbackend = \"local\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(load(&path).unwrap().unwrap().warning, None);
        assert_eq!(load(&dir.path().join("missing.toml")).unwrap(), None);
    }
}

//! `[keys.<mode>]` tables in config.toml: `command = "key"` or `command = ["key", "key"]`,
//! merged over the defaults. A command given there has exactly the keys given (`[]`: none).

use super::{Binding, Keymap, Mode, name};
use crate::app::command::Command;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The `[keys]` part of a config file, with where each part was written.
pub type KeysConfig = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<KeyList>>>;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    fn names(&self) -> Vec<&str> {
        match self {
            KeyList::One(k) => vec![k.as_str()],
            KeyList::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

/// 1-based line of a byte offset in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).unwrap_or(text).matches('\n').count() + 1
}

/// `base` with the config's rebindings, or the first problem: "line N: what is wrong".
pub fn rebind(base: &Keymap, config: &KeysConfig, text: &str) -> Result<Keymap, String> {
    // (mode, command) → (keys, line), in the order written.
    let mut asked: Vec<(Mode, Command, Vec<name::Key>, usize)> = Vec::new();
    for (mode_name, table) in config {
        let line = line_of(text, mode_name.span().start);
        let Some(mode) = Mode::from_name(mode_name.get_ref()) else {
            let modes: Vec<&str> = Mode::ALL.iter().map(|m| m.name()).collect();
            return Err(format!(
                "line {line}: [keys.{}] is not a mode; the modes are {}",
                mode_name.get_ref(),
                modes.join(", ")
            ));
        };
        for (command_name, keys) in table {
            let line = line_of(text, command_name.span().start);
            let at = format!(
                "line {line}: [keys.{}] {}",
                mode.name(),
                command_name.get_ref()
            );
            let Some(command) = Command::from_name(command_name.get_ref()) else {
                return Err(format!(
                    "{at}: '{}' is not a command (`allot keys` lists them)",
                    command_name.get_ref()
                ));
            };
            let parsed = keys
                .get_ref()
                .names()
                .into_iter()
                .map(name::parse)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("{at}: {e}"))?;
            asked.push((mode, command, parsed, line));
        }
    }
    let rebound = |mode: Mode, command: Command| {
        asked
            .iter()
            .position(|(m, c, ..)| *m == mode && *c == command)
    };
    let mut bindings: Vec<Binding> = Vec::new();
    let mut placed = vec![false; asked.len()];
    let place = |i: usize, bindings: &mut Vec<Binding>| {
        let (mode, command, keys, _) = &asked[i];
        for &key in keys {
            let b = Binding {
                mode: *mode,
                key,
                command: *command,
            };
            if !bindings.contains(&b) {
                bindings.push(b);
            }
        }
    };
    // Rebound commands keep the place of their first default key (help's order stays).
    for b in base.bindings() {
        match rebound(b.mode, b.command) {
            None => bindings.push(*b),
            Some(i) if !placed[i] => {
                placed[i] = true;
                place(i, &mut bindings);
            }
            Some(_) => {}
        }
    }
    // Commands with no default key in that mode go after the rest.
    let unplaced: Vec<usize> = (0..asked.len()).filter(|&i| !placed[i]).collect();
    for i in unplaced {
        place(i, &mut bindings);
    }
    // Two commands on one key in one mode: name the line that made it so.
    for (i, a) in bindings.iter().enumerate() {
        if let Some(b) = bindings[..i]
            .iter()
            .find(|b| b.mode == a.mode && b.key == a.key && b.command != a.command)
        {
            let line_of_command = |c: Command| rebound(a.mode, c).map(|i| asked[i].3);
            let line = line_of_command(a.command)
                .or_else(|| line_of_command(b.command))
                .unwrap_or(0);
            return Err(format!(
                "line {line}: [keys.{}] {} is bound to both {} and {}; give one of them another key",
                a.mode.name(),
                name::display(a.key),
                b.command.name(),
                a.command.name(),
            ));
        }
    }
    Ok(Keymap::new(bindings))
}

/// The defaults with `text`'s `[keys.<mode>]` tables over them, as a config file gives them.
#[cfg(test)]
pub(crate) fn defaults_with(text: &str) -> Result<Keymap, String> {
    #[derive(Deserialize)]
    struct File {
        keys: KeysConfig,
    }
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    rebind(&Keymap::defaults(), &file.keys, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn load(text: &str) -> Result<Keymap, String> {
        defaults_with(text)
    }

    fn key(c: char) -> name::Key {
        name::from_event(crossterm::event::KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        ))
    }

    #[test]
    fn a_rebinding_replaces_the_commands_keys_and_only_those() {
        let keys = load("[keys.gantt]\nsplit = \"x\"\nnew_allocation = [\"n\", \"a\"]\n").unwrap();
        assert_eq!(keys.get(Mode::Gantt, key('x')), Some(Command::Split));
        assert_eq!(keys.get(Mode::Gantt, key('s')), None, "s no longer splits");
        assert_eq!(
            keys.get(Mode::Gantt, key('a')),
            Some(Command::NewAllocation)
        );
        assert_eq!(
            keys.get(Mode::Gantt, key('n')),
            Some(Command::NewAllocation)
        );
        // Other modes keep theirs.
        assert_eq!(keys.get(Mode::Resources, key('s')), Some(Command::SortNext));
        assert_eq!(keys.label(Mode::Gantt, Command::Split), "x");
        let unbound = load("[keys.gantt]\nsplit = []\n").unwrap();
        assert_eq!(unbound.keys_for(Mode::Gantt, Command::Split).count(), 0);
        assert_eq!(unbound.label(Mode::Gantt, Command::Split), "[split]");
    }

    #[test]
    fn two_commands_on_one_key_are_refused_with_the_line() {
        let e = load("# mine\n[keys.gantt]\n\nsplit = \"d\"\n").unwrap_err();
        assert_eq!(
            e,
            "line 4: [keys.gantt] d is bound to both split and delete_allocations; give one of them another key"
        );
        // Moving the other command away too is fine.
        load("[keys.gantt]\nsplit = \"d\"\ndelete_allocations = \"D\"\n").unwrap();
    }

    #[test]
    fn an_unknown_command_or_mode_is_refused_with_the_line() {
        let e = load("[keys.gantt]\nsplit = \"x\"\nsplitt = \"y\"\n").unwrap_err();
        assert_eq!(
            e,
            "line 3: [keys.gantt] splitt: 'splitt' is not a command (`allot keys` lists them)"
        );
        let e = load("\n[keys.gant]\nsplit = \"x\"\n").unwrap_err();
        assert!(
            e.starts_with(
                "line 2: [keys.gant] is not a mode; the modes are global, resources, gantt"
            ),
            "{e}"
        );
    }

    #[test]
    fn an_unparseable_key_is_refused_with_the_line() {
        let e = load("[keys.requests]\napprove = [\"a\", \"ctrl-\"]\n").unwrap_err();
        assert_eq!(
            e,
            "line 2: [keys.requests] approve: 'ctrl-' is not a key name (e.g. L, ctrl-r, shift-tab, >, space, enter, esc, pagedown, f5)"
        );
    }
}

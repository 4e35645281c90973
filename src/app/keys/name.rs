//! Key names, as config files write them (`L`, `ctrl-r`, `shift-tab`, `>`, `space`) and as help
//! shows them. Parsing and display are crokey's; [`normalize`] makes a parsed name and a key
//! event from the terminal compare equal.

use crokey::{KeyCombination, KeyCombinationFormat, OneToThree};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::LazyLock;

/// One key with its modifiers, normalized.
pub type Key = KeyCombination;

/// A config file's key name, or what is wrong with it.
pub fn parse(name: &str) -> Result<Key, String> {
    let name = name.trim();
    // crokey reads names case-blind ("L" would be "l"); a lone capital letter means shift.
    // The short names help shows (arrows, PgUp) read back as crokey's names.
    let (mods, base) = match name.rfind('-') {
        Some(i) if i + 1 < name.len() => name.split_at(i + 1),
        _ => ("", name),
    };
    let base = match base {
        "↑" => "up",
        "↓" => "down",
        "←" => "left",
        "→" => "right",
        b if b.eq_ignore_ascii_case("pgup") => "pageup",
        b if b.eq_ignore_ascii_case("pgdn") => "pagedown",
        b => b,
    };
    let name_read = format!("{mods}{base}");
    let mut chars = name_read.chars();
    let raw = match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_uppercase() => format!("shift-{}", c.to_ascii_lowercase()),
        _ => name_read.clone(),
    };
    let key = crokey::parse(&raw).map_err(|_| not_a_key(name))?;
    if !matches!(key.codes, OneToThree::One(_)) {
        // Several keys at once cannot be told from one after another in a terminal.
        return Err(format!(
            "'{name}' is several keys; bind one key (with modifiers)"
        ));
    }
    Ok(normalize(key))
}

fn not_a_key(name: &str) -> String {
    format!(
        "'{name}' is not a key name (e.g. L, ctrl-r, shift-tab, >, space, enter, esc, pagedown, f5)"
    )
}

/// A key event from the terminal as the table's key.
pub fn from_event(ev: KeyEvent) -> Key {
    normalize(KeyCombination::one_key(ev.code, ev.modifiers))
}

/// Letters carry shift as their case (and the SHIFT modifier, as crokey shows them); other
/// characters carry it in the character itself (`>` not `shift-.`); shift-tab is BackTab.
pub fn normalize(key: Key) -> Key {
    let mut mods = key.modifiers;
    let shift = mods.contains(KeyModifiers::SHIFT);
    let code = match *key.codes.first() {
        KeyCode::Char(c) if c.is_ascii_alphabetic() => {
            if shift || c.is_ascii_uppercase() {
                mods.insert(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_uppercase())
            } else {
                KeyCode::Char(c)
            }
        }
        KeyCode::Char(c) => {
            mods.remove(KeyModifiers::SHIFT);
            KeyCode::Char(c)
        }
        KeyCode::Tab if shift => {
            mods.insert(KeyModifiers::SHIFT);
            KeyCode::BackTab
        }
        KeyCode::BackTab => {
            mods.insert(KeyModifiers::SHIFT);
            KeyCode::BackTab
        }
        code => code,
    };
    KeyCombination::one_key(code, mods)
}

static FORMAT: LazyLock<KeyCombinationFormat> =
    LazyLock::new(|| KeyCombinationFormat::default().with_implicit_shift());

/// How help, hints and `allot keys` write a key; [`parse`] reads it back.
pub fn display(key: Key) -> String {
    let code = *key.codes.first();
    if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) && code != KeyCode::Char('-') {
        // Letters show shift as their case; BackTab is shift-tab already.
        return FORMAT.to_string(key);
    }
    let m = key.modifiers;
    let mut out = String::new();
    for (flag, name) in [
        (KeyModifiers::CONTROL, "Ctrl-"),
        (KeyModifiers::ALT, "Alt-"),
        (KeyModifiers::SHIFT, "Shift-"),
        (KeyModifiers::SUPER, "Cmd-"),
    ] {
        if m.contains(flag) {
            out.push_str(name);
        }
    }
    match code {
        // crokey writes '-' as "Hyphen": a bare '-' reads better and parses too.
        KeyCode::Char('-') => out.push('-'),
        KeyCode::Up => out.push('↑'),
        KeyCode::Down => out.push('↓'),
        KeyCode::Left => out.push('←'),
        KeyCode::Right => out.push('→'),
        KeyCode::PageUp => out.push_str("PgUp"),
        KeyCode::PageDown => out.push_str("PgDn"),
        code => out.push_str(&FORMAT.to_string(KeyCombination::one_key(code, KeyModifiers::NONE))),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn ev(code: KeyCode, modifiers: KeyModifiers) -> Key {
        from_event(KeyEvent::new_with_kind(
            code,
            modifiers,
            KeyEventKind::Press,
        ))
    }

    #[test]
    fn names_match_what_the_terminal_sends() {
        let cases = [
            ("L", ev(KeyCode::Char('L'), KeyModifiers::SHIFT)),
            ("L", ev(KeyCode::Char('L'), KeyModifiers::NONE)),
            ("shift-l", ev(KeyCode::Char('L'), KeyModifiers::SHIFT)),
            ("l", ev(KeyCode::Char('l'), KeyModifiers::NONE)),
            ("ctrl-r", ev(KeyCode::Char('r'), KeyModifiers::CONTROL)),
            ("shift-tab", ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            ("backtab", ev(KeyCode::BackTab, KeyModifiers::NONE)),
            (">", ev(KeyCode::Char('>'), KeyModifiers::SHIFT)),
            ("?", ev(KeyCode::Char('?'), KeyModifiers::NONE)),
            ("space", ev(KeyCode::Char(' '), KeyModifiers::NONE)),
            ("enter", ev(KeyCode::Enter, KeyModifiers::NONE)),
            ("PageDown", ev(KeyCode::PageDown, KeyModifiers::NONE)),
            ("-", ev(KeyCode::Char('-'), KeyModifiers::NONE)),
        ];
        for (name, key) in cases {
            assert_eq!(parse(name), Ok(key), "{name}");
        }
        assert_ne!(parse("l"), parse("L"));
    }

    #[test]
    fn every_display_parses_back() {
        for name in [
            "L",
            "ctrl-r",
            "shift-tab",
            ">",
            "space",
            "enter",
            "esc",
            "-",
            "f5",
            "up",
            "ctrl-left",
            "pagedown",
            "alt-pageup",
            "shift-up",
            "shift-f5",
            "ctrl--",
        ] {
            let key = parse(name).unwrap();
            assert_eq!(
                parse(&display(key)),
                Ok(key),
                "{name} shown as {}",
                display(key)
            );
        }
        assert_eq!(display(parse("ctrl-r").unwrap()), "Ctrl-r");
        assert_eq!(display(parse("L").unwrap()), "L");
        assert_eq!(display(parse("down").unwrap()), "↓");
        assert_eq!(display(parse("ctrl-left").unwrap()), "Ctrl-←");
        assert_eq!(display(parse("pagedown").unwrap()), "PgDn");
        assert_eq!(parse("↓"), parse("down"));
    }

    #[test]
    fn bad_names_say_what_is_wrong() {
        assert!(parse("ctrl-").unwrap_err().contains("not a key name"));
        assert!(
            parse("shift-banana")
                .unwrap_err()
                .contains("'shift-banana'")
        );
        assert!(parse("ctrl-a-b").unwrap_err().contains("several keys"));
    }
}

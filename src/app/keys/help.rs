//! What the help overlay and the hint bar say, from the table.

use super::{Keymap, Mode, defaults, name};
use crate::app::command::Command;

/// One line of help: where it applies, its keys, what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpRow {
    pub mode: Mode,
    pub keys: String,
    pub command: Command,
}

impl HelpRow {
    /// What the command does where this row applies.
    pub fn what(&self) -> &'static str {
        defaults::help_text(self.mode, self.command)
    }
}

/// Every binding, one row per command and mode: `first`'s keys first, then Global's, then the
/// other views and dialogs.
pub fn help_rows(keys: &Keymap, first: Mode) -> Vec<HelpRow> {
    let mut order = vec![first];
    if first != Mode::Global {
        order.push(Mode::Global);
    }
    let rest: Vec<Mode> = Mode::ALL
        .iter()
        .copied()
        .filter(|m| !order.contains(m))
        .collect();
    order.extend(rest);
    let mut rows: Vec<HelpRow> = Vec::new();
    for mode in order {
        for b in keys.bindings().iter().filter(|b| b.mode == mode) {
            let shown = name::display(b.key);
            match rows
                .iter_mut()
                .find(|r| r.mode == mode && r.command == b.command)
            {
                Some(row) => {
                    row.keys.push(' ');
                    row.keys.push_str(&shown);
                }
                None => rows.push(HelpRow {
                    mode,
                    keys: shown,
                    command: b.command,
                }),
            }
        }
    }
    rows
}

/// The hint bar's items for `mode`: (key, a word or two). Commands with no key are left out.
pub fn hints(keys: &Keymap, mode: Mode) -> Vec<(String, &'static str)> {
    let mut wanted: Vec<Command> = defaults::hints(mode).to_vec();
    if mode.falls_back() && !mode.types() {
        wanted.push(Command::ToggleHelp);
    }
    let mut items: Vec<(String, &'static str)> = wanted
        .into_iter()
        .filter_map(|c| {
            let label = keys.label(mode, c);
            (!label.starts_with('[')).then(|| (label, defaults::hint_word(mode, c)))
        })
        .collect();
    if mode == Mode::Jump {
        // What the prompt takes, with no key: last, so the keys keep the room.
        items.push((String::new(), crate::app::jump::TAKES));
    }
    items
}

/// Below this width the help overlay names each mode on a line of its own instead of in a
/// "where" column, so what a key does has the room.
pub const NARROW: u16 = 64;

/// How many lines the help overlay scrolls through at terminal `width`.
pub fn help_lines(keys: &Keymap, first: Mode, width: u16) -> usize {
    let rows = help_rows(keys, first);
    if width >= NARROW {
        return rows.len();
    }
    let mut modes: Vec<Mode> = rows.iter().map(|r| r.mode).collect();
    modes.dedup();
    rows.len() + modes.len()
}

/// Lines of help the overlay shows at once in a terminal `height` tall (borders, the title
/// line and the footer take 4).
pub fn help_page(height: u16) -> usize {
    height.saturating_sub(4).max(1) as usize
}

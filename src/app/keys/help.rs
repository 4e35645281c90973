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

/// The help overlay's columns: where, keys, what (wide); keys, what (narrow).
pub const WHERE_W: usize = 12;
pub const KEY_W: usize = 16;
pub const WHAT_W: usize = 46;
pub const NARROW_KEY_W: usize = 12;

/// How wide the help overlay is in a terminal `width` columns wide, borders included.
pub fn help_width(width: u16) -> u16 {
    ((WHERE_W + KEY_W + WHAT_W + 2) as u16).min(width)
}

/// One line of the help overlay, laid out for its width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelpLine {
    /// A mode's name on a line of its own (narrow overlays).
    Mode(&'static str),
    /// A binding: the mode's name on its first row (wide overlays, else ""), its keys, and
    /// the first line of what it does.
    Keys {
        mode: &'static str,
        keys: String,
        what: String,
    },
    /// What the binding above does, continued under the "what" column.
    More(String),
}

/// Every line the help overlay scrolls through in a terminal `width` columns wide: what a key
/// does wraps under its column rather than running into the border.
pub fn help_layout(keys: &Keymap, first: Mode, width: u16) -> Vec<HelpLine> {
    let narrow = width < NARROW;
    let inner = (help_width(width) as usize).saturating_sub(2);
    let what_w = inner
        .saturating_sub(if narrow {
            NARROW_KEY_W
        } else {
            WHERE_W + KEY_W
        })
        .max(8);
    let mut out = Vec::new();
    let mut last = None;
    for r in help_rows(keys, first) {
        let first_of_mode = last != Some(r.mode);
        last = Some(r.mode);
        if narrow && first_of_mode {
            out.push(HelpLine::Mode(r.mode.title()));
        }
        let mode = if !narrow && first_of_mode {
            r.mode.title()
        } else {
            ""
        };
        let mut what = crate::app::geometry::wrap(r.what(), what_w).into_iter();
        out.push(HelpLine::Keys {
            mode,
            keys: r.keys.clone(),
            what: what.next().unwrap_or_default(),
        });
        out.extend(what.map(HelpLine::More));
    }
    out
}

/// How many lines the help overlay scrolls through at terminal `width`.
pub fn help_lines(keys: &Keymap, first: Mode, width: u16) -> usize {
    help_layout(keys, first, width).len()
}

/// Lines of help the overlay shows at once in a terminal `height` tall (borders, the title
/// line and the footer take 4).
pub fn help_page(height: u16) -> usize {
    height.saturating_sub(4).max(1) as usize
}

//! The `?` overlay: every key, grouped.

use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub const KEYS: &[(&str, &str)] = &[
    ("1 2 3 / Tab", "Resources, Gantt, Requests"),
    ("j k / ↓ ↑", "move down / up"),
    ("PgDn PgUp", "page down / up"),
    ("Ctrl-d Ctrl-u", "half a page down / up"),
    ("g G", "top / bottom"),
    ("/ Esc", "filter resources / clear it"),
    ("s S", "sort column / reverse (Resources)"),
    ("U", "show or hide unnamed resources"),
    ("Enter", "open in Gantt / expand a row"),
    ("h l / ← →", "earlier / later bucket (Gantt)"),
    ("[ ]", "a screen earlier / later (Gantt)"),
    ("z Z", "zoom in / out: day, week, month"),
    ("p", "group Gantt by person / project"),
    ("t", "back to today"),
    ("n e", "new allocation / edit the selected bar"),
    ("< > { }", "move the bar / its end by a bucket"),
    ("H s d", "hard↔soft / split at cursor / delete"),
    ("Space", "expand a row; on a bar, mark it"),
    ("u Ctrl-r", "undo / redo"),
    ("R", "refresh from the backend"),
    ("Esc", "close / clear message"),
    ("?", "this help"),
    ("q Ctrl-c", "quit"),
];

pub fn render(theme: &Theme, f: &mut Frame, area: Rect) {
    let width = 52.min(area.width);
    let height = (KEYS.len() as u16 + 4).min(area.height);
    if width < 4 || height < 3 {
        return;
    }
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!(" {k:<12} "), theme.header()),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::styled(" Esc or ? closes this help", theme.dim()));
    let block = Block::default().borders(Borders::ALL).title(" Keys ");
    f.render_widget(Clear, rect);
    f.render_widget(Paragraph::new(lines).block(block), rect);
}

//! Colours and modifiers. Only 16/256-colour indices (COLORTERM rarely survives SSH), and under
//! NO_COLOR every state is still told by a glyph or a modifier.

use crate::app::ThemeKind;
use crate::domain::LoadLevel;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub kind: ThemeKind,
}

impl Theme {
    pub fn new(kind: ThemeKind) -> Self {
        Theme { kind }
    }

    fn pick(&self, dark: Style, light: Style, mono: Style) -> Style {
        match self.kind {
            ThemeKind::Dark => dark,
            ThemeKind::Light => light,
            ThemeKind::Mono => mono,
        }
    }

    pub fn text(&self) -> Style {
        Style::default()
    }

    pub fn dim(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Indexed(245)),
            Style::default().fg(Color::Indexed(242)),
            Style::default().add_modifier(Modifier::DIM),
        )
    }

    pub fn header(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Indexed(110))
                .add_modifier(Modifier::BOLD),
            Style::default()
                .fg(Color::Indexed(25))
                .add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::BOLD),
        )
    }

    /// The selected row or item.
    pub fn selected(&self) -> Style {
        self.pick(
            Style::default()
                .bg(Color::Indexed(238))
                .add_modifier(Modifier::BOLD),
            Style::default()
                .bg(Color::Indexed(253))
                .add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::REVERSED),
        )
    }

    /// The time cursor in the Gantt.
    pub fn cursor(&self) -> Style {
        Style::default().add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
    }

    pub fn tab(&self, active: bool) -> Style {
        if active {
            self.pick(
                Style::default()
                    .fg(Color::Indexed(16))
                    .bg(Color::Indexed(110))
                    .add_modifier(Modifier::BOLD),
                Style::default()
                    .fg(Color::Indexed(231))
                    .bg(Color::Indexed(25))
                    .add_modifier(Modifier::BOLD),
                Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            )
        } else {
            self.dim()
        }
    }

    pub fn error(&self) -> Style {
        self.pick(
            Style::default()
                .fg(Color::Indexed(203))
                .add_modifier(Modifier::BOLD),
            Style::default()
                .fg(Color::Indexed(160))
                .add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::BOLD),
        )
    }

    pub fn notice(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Indexed(150)),
            Style::default().fg(Color::Indexed(28)),
            Style::default(),
        )
    }

    pub fn status_bar(&self) -> Style {
        self.pick(
            Style::default().bg(Color::Indexed(236)),
            Style::default().bg(Color::Indexed(254)),
            Style::default(),
        )
    }

    /// A load cell: background tint by level; over-allocation also bold so it stands out in mono.
    pub fn level(&self, level: LoadLevel) -> Style {
        let (dark, light) = match level {
            LoadLevel::Free => return self.dim(),
            LoadLevel::Under => (Color::Indexed(23), Color::Indexed(194)),
            LoadLevel::Full => (Color::Indexed(58), Color::Indexed(229)),
            LoadLevel::Over => (Color::Indexed(88), Color::Indexed(217)),
        };
        let bold = if level == LoadLevel::Over {
            Modifier::BOLD
        } else {
            Modifier::empty()
        };
        self.pick(
            Style::default()
                .bg(dark)
                .fg(Color::Indexed(255))
                .add_modifier(bold),
            Style::default()
                .bg(light)
                .fg(Color::Indexed(16))
                .add_modifier(bold),
            Style::default().add_modifier(bold),
        )
    }

    /// Shading for days nobody works (weekends, holidays, time off).
    pub fn off_day(&self) -> Style {
        self.pick(
            Style::default().fg(Color::Indexed(240)),
            Style::default().fg(Color::Indexed(248)),
            Style::default().add_modifier(Modifier::DIM),
        )
    }
}

impl Theme {
    /// An allocation bar: hard solid, soft hatched (glyph), read-only dimmed.
    pub fn bar(&self, hard: bool, read_only: bool) -> Style {
        if read_only {
            return self.dim();
        }
        let (dark, light) = if hard {
            (Color::Indexed(75), Color::Indexed(25))
        } else {
            (Color::Indexed(180), Color::Indexed(130))
        };
        self.pick(
            Style::default().fg(dark),
            Style::default().fg(light),
            Style::default(),
        )
    }
}

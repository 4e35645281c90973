//! Plain-text tables: columns padded to their widest cell, two spaces apart, fitted to a width.

use crate::ui::text::truncate;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// How a column behaves when the table is too wide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Col {
    /// Aligned right (numbers).
    pub right: bool,
    /// Dropped when the table does not fit: higher goes first; 0 is never dropped.
    pub drop: u8,
    /// Cut with "…" (after every droppable column is gone) rather than dropped.
    pub shrink: bool,
}

impl Col {
    pub const KEEP: Col = Col {
        right: false,
        drop: 0,
        shrink: false,
    };
}

const GAP: usize = 2;
/// A cut column keeps at least this many cells.
const MIN_CUT: usize = 8;
/// Names are cut to this before a major column is dropped.
const READABLE: usize = 18;
/// Drop ranks below this are major: they go after names are cut to [`READABLE`].
pub const MAJOR: u8 = 5;

/// Writes `rows` (the first is the header) aligned in at most `width` columns where it can:
/// columns are dropped by `drop` rank, then the `shrink` ones cut, widest first.
pub fn write<const N: usize>(
    out: &mut dyn Write,
    rows: &[[String; N]],
    cols: &[Col; N],
    width: usize,
) -> io::Result<()> {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    // A column that says nothing ("-" on every row) goes before any other.
    let mut shown: [bool; N] = std::array::from_fn(|i| {
        rows.len() < 2 || rows[1..].iter().any(|r| !matches!(r[i].as_str(), "" | "-"))
    });
    let total = |widths: &[usize; N], shown: &[bool; N]| -> usize {
        let n = shown.iter().filter(|s| **s).count();
        (0..N)
            .filter(|i| shown[*i])
            .map(|i| widths[i])
            .sum::<usize>()
            + GAP * n.saturating_sub(1)
    };
    let mut ranks: Vec<usize> = (0..N).filter(|i| cols[*i].drop > 0).collect();
    ranks.sort_by_key(|i| std::cmp::Reverse(cols[*i].drop));
    // Minor columns go first; then names are cut to a readable width before a major column
    // goes; then the major ones go and names are cut further.
    let (minor, major): (Vec<usize>, Vec<usize>) =
        ranks.into_iter().partition(|i| cols[*i].drop >= MAJOR);
    for (drop, floor) in [(minor, READABLE), (major, MIN_CUT)] {
        for i in drop {
            if total(&widths, &shown) <= width {
                break;
            }
            shown[i] = false;
        }
        while total(&widths, &shown) > width {
            let widest = (0..N)
                .filter(|i| shown[*i] && cols[*i].shrink && widths[*i] > floor)
                .max_by_key(|i| widths[*i]);
            let Some(i) = widest else { break };
            widths[i] -= 1;
        }
    }
    let last = (0..N).rev().find(|i| shown[*i]).unwrap_or(0);
    for row in rows {
        let mut line = String::new();
        for (n, (i, cell)) in row
            .iter()
            .enumerate()
            .filter(|(i, _)| shown[*i])
            .enumerate()
        {
            if n > 0 {
                line.push_str(&" ".repeat(GAP));
            }
            let cell = if cell.width() > widths[i] {
                truncate(cell, widths[i])
            } else {
                cell.clone()
            };
            let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
            if cols[i].right {
                line.push_str(&pad);
                line.push_str(&cell);
            } else {
                line.push_str(&cell);
                if i != last {
                    line.push_str(&pad);
                }
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The width to fit tables in: `COLUMNS` when set, else the terminal's when stdout is one, else
/// 80 (a pipe or a file).
pub fn width_for_stdout() -> usize {
    use std::io::IsTerminal;
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    if io::stdout().is_terminal()
        && let Ok((w, _)) = crossterm::terminal::size()
        && w > 0
    {
        return w as usize;
    }
    80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<const N: usize>(rows: &[[&str; N]], cols: &[Col; N], width: usize) -> String {
        let rows: Vec<[String; N]> = rows.iter().map(|r| r.map(String::from)).collect();
        let mut out = Vec::new();
        write(&mut out, &rows, cols, width).unwrap();
        String::from_utf8(out).unwrap()
    }

    const NUM: Col = Col {
        right: true,
        drop: 2,
        shrink: false,
    };
    const NAME: Col = Col {
        right: false,
        drop: 0,
        shrink: true,
    };
    const NOTE: Col = Col {
        right: false,
        drop: 1,
        shrink: false,
    };

    #[test]
    fn a_wide_enough_table_keeps_everything() {
        let t = text(
            &[["N", "NAME", "NOTE"], ["12", "Atlas", "x"]],
            &[NUM, NAME, NOTE],
            80,
        );
        assert_eq!(t, " N  NAME   NOTE\n12  Atlas  x\n");
    }

    #[test]
    fn a_column_of_dashes_goes_first() {
        let t = text(
            &[["N", "NAME", "NOTE"], ["-", "Atlas", "x"]],
            &[NUM, NAME, NOTE],
            80,
        );
        assert_eq!(t, "NAME   NOTE\nAtlas  x\n");
    }

    #[test]
    fn numbers_go_first_then_names_are_cut() {
        let rows = [
            ["N", "NAME", "NOTE"],
            ["12", "Atlas Mobile App", "second note"],
        ];
        let t = text(&rows, &[NUM, NAME, NOTE], 31);
        assert_eq!(t, "NAME              NOTE\nAtlas Mobile App  second note\n");
        let t = text(&rows, &[NUM, NAME, NOTE], 20);
        assert_eq!(t, "NAME\nAtlas Mobile App\n");
        let t = text(&rows, &[NUM, NAME, NOTE], 10);
        assert_eq!(t, "NAME\nAtlas Mob…\n");
        // Never cut below a readable width, even if the line is then too long.
        let t = text(&rows, &[NUM, NAME, NOTE], 3);
        assert_eq!(t, "NAME\nAtlas M…\n");
    }
}

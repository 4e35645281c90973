//! What the user can ask for: one [`Command`] per intent, each meaning one thing wherever it is
//! bound. The key table (`app::keys`) says which keys send which command in which mode; config
//! files name commands by their snake_case names (`approve = "a"`).

use serde::{Deserialize, Serialize};

/// Declares the commands: the snake_case name (config files and `allot keys`), the few words a
/// hint bar shows, and the line the help overlay shows (also the variant's doc line).
macro_rules! commands {
    ($($name:literal => $variant:ident, $short:literal, $help:literal;)*) => {
        /// A user intent, sent by a key (see the key table).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Command {
            $(#[doc = $help] #[serde(rename = $name)] $variant,)*
        }

        impl Command {
            /// Every command, in the order help lists them.
            pub const ALL: &'static [Command] = &[$(Command::$variant),*];

            /// The name config files and `allot keys` use.
            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name),* }
            }

            /// A word or two, for the hint bar.
            pub fn short(self) -> &'static str {
                match self { $(Command::$variant => $short),* }
            }

            /// One line, for the help overlay and `allot keys`.
            pub fn help(self) -> &'static str {
                match self { $(Command::$variant => $help),* }
            }

            /// The command a config file names, if any.
            pub fn from_name(name: &str) -> Option<Command> {
                match name { $($name => Some(Command::$variant),)* _ => None }
            }
        }
    };
}

commands! {
    // Anywhere.
    "quit" => Quit, "quit", "quit (asks first if edits are not saved yet)";
    "help" => ToggleHelp, "help", "open or close this help";
    "message_log" => ToggleLog, "log", "the log: every message of the session, in full";
    "back" => Back, "back", "close, or clear the marks or the filter";
    "show_resources" => ShowResources, "resources", "go to the Resources view";
    "show_gantt" => ShowGantt, "gantt", "go to the Gantt view";
    "show_requests" => ShowRequests, "requests", "go to the Requests view";
    "next_view" => NextView, "next view", "the next view";
    "prev_view" => PrevView, "prev view", "the previous view";
    "up" => Up, "up", "move up";
    "down" => Down, "down", "move down";
    "page_up" => PageUp, "page up", "a page up";
    "page_down" => PageDown, "page down", "a page down";
    "half_page_up" => HalfPageUp, "½ page up", "half a page up";
    "half_page_down" => HalfPageDown, "½ page down", "half a page down";
    "top" => Top, "top", "to the top";
    "bottom" => Bottom, "bottom", "to the bottom";
    "refresh" => Refresh, "reload", "reload everything from the backend";
    "full_check" => FullCheck, "full check", "read everything whole and repair the replica (also R twice quickly)";
    "undo" => Undo, "undo", "undo the last edit";
    "redo" => Redo, "redo", "redo what was undone";
    "new_request" => NewRequest, "request", "a new staffing request";
    "allocate_from_scheduled" => AllocateFromScheduled, "from scheduled", "allocate from scheduled hours";
    // Resources.
    "expand_person" => ExpandPerson, "expand", "a person's resources under them; else Gantt";
    "open_in_gantt" => OpenInGantt, "gantt", "show the selected row in the Gantt";
    "filter" => FilterStart, "filter", "filter; project: role: person: narrow it";
    "sort_next" => SortNext, "sort", "sort by the next column";
    "sort_reverse" => SortReverse, "reverse", "reverse the order";
    "toggle_unnamed" => ToggleUnnamed, "unnamed", "unnamed resources: shown, only, hidden";
    "mark_resource" => MarkResource, "mark", "mark the row, to add many to a project";
    "add_to_project" => AddToProject, "add", "add the person (or marked ones) to a project";
    "edit_resource" => EditResource, "edit", "edit the selected resource";
    "delete_resource" => DeleteResource, "delete", "delete the selected resource, after a y/n";
    // Gantt.
    "earlier" => Earlier, "earlier", "the time cursor a bucket earlier";
    "later" => Later, "later", "the time cursor a bucket later";
    "prev_bar" => PrevBar, "◂ bar", "the previous bar on the line (on other rows, earlier)";
    "next_bar" => NextBar, "bar ▸", "the next bar on the line (on other rows, later)";
    "jump" => Jump, "jump", "jump to a date (2027-03, +6w), a person or a project";
    "next_over" => NextOver, "next over", "the next over-capacity bucket of the selected row";
    "prev_over" => PrevOver, "prev over", "the previous over-capacity bucket of the selected row";
    "screen_earlier" => ScreenEarlier, "screen ←", "a screen earlier";
    "screen_later" => ScreenLater, "screen →", "a screen later";
    "today" => Today, "today", "the time cursor back to today";
    "zoom_in" => ZoomIn, "zoom in", "zoom in: month, week, day";
    "zoom_out" => ZoomOut, "zoom out", "zoom out: day, week, month";
    "toggle_grouping" => ToggleGrouping, "group", "group by person or by project";
    "open_row" => OpenRow, "open", "expand or fold the row; on a bar, edit it";
    "mark_bar" => MarkBar, "mark", "mark the bar for a bulk edit; else expand";
    "new_allocation" => NewAllocation, "new", "a new allocation at the cursor";
    "edit_allocation" => EditAllocation, "edit", "edit the selected bar";
    "shift_earlier" => ShiftEarlier, "move ←", "move the bar(s) a bucket earlier";
    "shift_later" => ShiftLater, "move →", "move the bar(s) a bucket later";
    "end_earlier" => EndEarlier, "end ←", "move the bar's end a bucket earlier";
    "end_later" => EndLater, "end →", "move the bar's end a bucket later";
    "toggle_hard" => ToggleHard, "hard/soft", "hard ↔ soft";
    "split" => Split, "split", "split the bar at the cursor";
    "delete_allocations" => DeleteAllocations, "delete", "delete the bar(s), after a y/n";
    "toggle_scheduled" => ToggleScheduled, "scheduled", "scheduled hours or allocations";
    // Requests.
    "toggle_mine" => ToggleMine, "mine/all", "requests I approve, or all of them";
    "next_status" => NextStatus, "status", "which status is listed: pending, approved, …";
    "sort_requests" => SortRequests, "sort", "sort requests: oldest, soonest start";
    "mark_request" => MarkRequest, "mark", "mark the request to approve or reject many";
    "approve" => Approve, "approve", "approve the request(s), after a y/n";
    "approve_top" => ApproveTop, "approve top", "approve with each one's top candidate, after a y/n";
    "approve_split" => ApproveSplit, "approve split", "where nobody fits alone, approve split between two people, after a y/n";
    "open_request" => OpenRequest, "detail", "the request in full (Enter or Esc again: back)";
    "reject" => Reject, "reject", "reject the request(s), after a y/n";
    "cancel_request" => CancelRequest, "cancel", "cancel the request(s) you made, after a y/n";
    "reassign" => Reassign, "reassign", "hand the request to another approver";
    // Typing a filter.
    "filter_done" => FilterDone, "keep", "keep the filter and stop typing";
    // Forms, pickers and dialogs.
    "submit" => Submit, "ok", "save, send or choose";
    "cancel" => Cancel, "cancel", "close without changing anything";
    "next_field" => NextField, "next", "the next field";
    "prev_field" => PrevField, "prev", "the previous field";
    "choice_prev" => ChoicePrev, "◂", "the previous choice";
    "choice_next" => ChoiceNext, "▸", "the next choice";
    "toggle_choice" => ToggleChoice, "pick", "pick or unpick the choice";
    "backspace" => Backspace, "erase", "erase the last character";
    "toggle_soft" => ToggleSoft, "hard/soft", "approve as hard or soft allocations";
    "next_when" => NextWhen, "when", "which hours: any, after, before, between";
    "other_date" => OtherDate, "other date", "between two dates: type the other one";
    "yes" => Yes, "yes", "yes, do it";
    "no" => No, "no", "no, change nothing";
    "keep_edits" => KeepEdits, "keep", "quit, keeping unsaved edits for next time";
    "wait_then_quit" => WaitThenQuit, "wait", "wait for the edits to be saved, then quit";
    "discard_edits" => DiscardEdits, "discard", "throw the unsaved edits away";
    "send_edits" => SendEdits, "send", "send the kept edits now";
}

impl Command {
    /// The command that goes to `view`.
    pub fn show(view: crate::app::View) -> Command {
        match view {
            crate::app::View::Resources => Command::ShowResources,
            crate::app::View::Gantt => Command::ShowGantt,
            crate::app::View::Requests => Command::ShowRequests,
        }
    }
}

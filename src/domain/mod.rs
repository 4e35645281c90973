//! Plain types and allocation math. No IO: most of allot's correctness lives here.

pub mod calendar;
pub mod candidates;
pub mod dates;
pub mod edit;
pub mod ids;
pub mod impact;
pub mod lanes;
pub mod load;
pub mod model;
pub mod rows;
pub mod skills;
pub mod staffing;
pub mod stats;
pub mod timeline;
pub mod workspace;

pub use calendar::{Calendar, Holidays, WeeklyCapacity};
pub use dates::DateRange;
pub use ids::Id;
pub use load::{LoadLevel, allocation_daily, daily_load, load_level};
pub use model::{
    Allocation, Amount, Participation, Person, Project, Request, RequestStatus, Resource,
    ScheduledWeek,
};
pub use timeline::Zoom;
pub use workspace::{LoadIndex, Roster, RowKey, RowView, Workspace};

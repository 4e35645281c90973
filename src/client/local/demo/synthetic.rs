//! The large generated workspace for `--demo-size large` and the benchmarks.

use super::*;

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A large generated workspace: `resources` workspace resources (about 2.5 per person, one in
/// twenty unnamed) on projects of about a dozen resources each, and exactly `allocations`
/// allocations over the two years centred on `today`, loads around capacity with some over.
pub fn synthetic(today: NaiveDate, resources: usize, allocations: usize) -> DemoData {
    let names: NamesFile = parse("names.json", NAMES_JSON);
    let mut rng = Rng::new(0x5EED_A110_7000 ^ ((resources as u64) << 32) ^ allocations as u64);
    let window = DateRange::new(add_days(today, -365), add_days(today, 364));
    let days = window.len_days() as usize;

    let holiday_names = holidays_in(DateRange::new(
        add_days(window.start, -31),
        add_days(window.end, 31),
    ));
    let holidays = holiday_set(&holiday_names);

    let n_unnamed = resources / 20;
    let n_named = resources - n_unnamed;
    let n_people = (n_named * 2).div_ceil(5).clamp(1, n_named.max(1));
    let n_projects = (resources / 12).max(1);

    // People: every first × last name at most once (a stride coprime to the number of pairs
    // walks them all), numbered beyond that.
    let pairs = names.first.len() * names.last.len();
    let mut stride = 2_654_435_761 % pairs;
    while gcd(stride, pairs) != 1 {
        stride += 1;
    }
    let mut people = Vec::with_capacity(n_people);
    for i in 0..n_people {
        let id = Id::from(1 + i as u64);
        let (name, role) = if i == 0 {
            ("Morgan Lee".to_string(), "Resource Manager".to_string())
        } else {
            let k = (i * stride) % pairs;
            let (f, l) = (
                &names.first[k % names.first.len()],
                &names.last[k / names.first.len()],
            );
            let name = match i / pairs {
                0 => format!("{f} {l}"),
                n => format!("{f} {l} {}", n + 1),
            };
            (name, rng.pick(&names.roles).clone())
        };
        let weekly = match rng.below(100) {
            0..=84 => WeeklyCapacity::STANDARD,
            85..=92 => WeeklyCapacity([480, 480, 480, 480, 0, 0, 0]),
            _ => WeeklyCapacity([360, 360, 360, 360, 360, 0, 0]),
        };
        let mut time_off = Vec::new();
        if rng.chance(0.35) {
            for _ in 0..1 + rng.below(2) {
                let start = add_days(window.start, rng.below(days as u64) as i64);
                time_off.push(DateRange::new(
                    start,
                    add_days(start, 2 + rng.below(8) as i64),
                ));
            }
            time_off.sort();
        }
        let email = format!(
            "{}.{}@synthetic.example",
            name.split(' ')
                .map(ascii_fold)
                .collect::<Vec<_>>()
                .join("."),
            id
        );
        people.push(Person {
            id,
            name,
            email,
            role,
            weekly,
            time_off,
        });
    }

    let projects: Vec<Project> = (0..n_projects)
        .map(|i| {
            let (w, k) = (names.project_words.len(), names.project_kinds.len());
            let mut name = format!(
                "{} {}",
                names.project_words[i % w],
                names.project_kinds[(i / w + i) % k]
            );
            if i >= w * k {
                name.push_str(&format!(" {}", i / (w * k) + 1));
            }
            let c = i / 4;
            let mut client = names.clients[c % names.clients.len()].clone();
            if c >= names.clients.len() {
                client.push_str(&format!(" {}", c / names.clients.len() + 1));
            }
            Project {
                id: Id::from(100_001 + i as u64),
                name,
                client,
                roles: None,
            }
        })
        .collect();

    let mut all_resources = Vec::with_capacity(resources);
    let mut per_person = vec![0usize; n_people];
    for j in 0..resources {
        let project = &projects[rng.below(n_projects as u64) as usize];
        let (person_id, role, label) = if j < n_named {
            let p = j % n_people;
            per_person[p] += 1;
            (
                Some(people[p].id.clone()),
                people[p].role.clone(),
                String::new(),
            )
        } else {
            let role = rng.pick(&names.roles).clone();
            let label = format!("{role} (to be staffed)");
            (None, role, label)
        };
        all_resources.push(Resource {
            id: Id::from(200_001 + j as u64),
            project_id: Some(project.id.clone()),
            person_id,
            role,
            label,
        });
    }

    let base = allocations / resources.max(1);
    let extra = allocations % resources.max(1);
    let mut out = Vec::with_capacity(allocations);
    for (j, r) in all_resources.iter().enumerate() {
        let count = base + usize::from(j < extra);
        if count == 0 {
            continue;
        }
        let (weekly, share) = match &r.person_id {
            Some(pid) => {
                let p = (pid.as_number().unwrap_or(1) - 1) as usize;
                (people[p].weekly, 1.0 / per_person[p].max(1) as f64)
            }
            None => (WeeklyCapacity::STANDARD, 0.5),
        };
        let slot = days as f64 / count as f64;
        for k in 0..count {
            let s = (k as f64 * slot).floor() as i64;
            let e = (((k + 1) as f64 * slot).floor() as i64 - 1).max(s);
            let len = e - s;
            let start = add_days(
                window.start,
                s + rng.below((len / 4).min(2) as u64 + 1) as i64,
            );
            let end = add_days(
                window.start,
                e - rng.below((len / 4).min(2) as u64 + 1) as i64,
            )
            .max(start);
            let range = DateRange::new(start, end);
            let load = share * (0.6 + 0.8 * rng.unit());
            let amount = match rng.below(100) {
                0..=96 => {
                    let cap: u64 = range.days().map(|d| weekly.on(d) as u64).sum();
                    Amount::TotalMinutes(quarter_hours(cap.max(480) as f64 * load))
                }
                97..=98 => Amount::HoursPerDay(((load * 8.0) * 2.0).round().max(1.0) / 2.0),
                _ => Amount::RatioOfCapacity(((load * 20.0).round().max(1.0)) / 20.0),
            };
            let hard = r.person_id.is_some()
                && if (start - today).num_days() <= 60 {
                    rng.chance(0.9)
                } else {
                    rng.chance(0.4)
                };
            let notes = if rng.chance(0.1) {
                rng.pick(&names.notes).clone()
            } else {
                String::new()
            };
            out.push(Allocation {
                id: Id::from(1_000_001 + out.len() as u64),
                resource_id: r.id.clone(),
                project_id: r.project_id.clone(),
                range,
                amount,
                hard,
                notes,
                read_only: false,
                allocate_on_time_off: false,
                server_total_minutes: None,
                version: 1,
            });
        }
    }

    // Requests: most unnamed resources are waiting on one.
    let managers: Vec<Id> = people
        .iter()
        .filter(|p| p.role.contains("Manager"))
        .map(|p| p.id.clone())
        .collect();
    let me = people[0].id.clone();
    let mut requests = Vec::new();
    for r in all_resources.iter().filter(|r| r.is_unnamed()) {
        if !rng.chance(0.7) {
            continue;
        }
        let status = match rng.below(10) {
            0..=6 => RequestStatus::New,
            7 => RequestStatus::Approved,
            8 => RequestStatus::Rejected,
            _ => RequestStatus::Cancelled,
        };
        let start = add_days(today, 7 + rng.below(60) as i64);
        let n = requests.len() as i64;
        requests.push(Request {
            id: Id::from(5_000_001 + n as u64),
            resource_id: r.id.clone(),
            status,
            approver_ids: if rng.chance(0.8) {
                vec![me.clone()]
            } else {
                vec![rng.pick(&managers).clone()]
            },
            creator_id: rng.pick(&managers).clone(),
            created_at: created_at(add_days(today, -1 - rng.below(30) as i64), n),
            period: Some(DateRange::new(
                start,
                add_days(start, 30 + rng.below(120) as i64),
            )),
            percentage: Some(25 * (1 + rng.below(4) as u32)),
            notes: format!("{} needed", r.role),
        });
    }

    DemoData {
        roster: Roster {
            unnamed_calendar: None,
            calendars: Default::default(),
            name: format!("Synthetic workspace ({resources} resources)"),
            current_user: Some(me),
            people,
            projects,
            participations: participations_of(&all_resources, &[]),
            resources: all_resources,
            holidays,
            skills: Default::default(),
        },
        allocations: out,
        requests,
        holiday_names,
        scheduled: Vec::new(),
    }
}

use super::*;
use crate::client::local::{LocalBackend, demo};
use crate::domain::dates::parse_date;
use unicode_width::UnicodeWidthStr;

const TODAY: &str = "2026-11-23";

fn today() -> NaiveDate {
    parse_date(TODAY).unwrap()
}

fn demo_backend() -> (tempfile::TempDir, LocalBackend) {
    let dir = tempfile::tempdir().unwrap();
    let b = LocalBackend::open(&dir.path().join("demo.db")).unwrap();
    b.seed(&demo::demo(today())).unwrap();
    (dir, b)
}

fn ctx(user: Option<&str>) -> Context {
    Context {
        today: today(),
        user: user.map(Id::new),
        width: 300,
    }
}

async fn list_text(b: &LocalBackend, ctx: &Context, opts: ListOptions) -> (Exit, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = list(b, ctx, &opts, &mut out, &mut err).await;
    (
        exit,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

async fn act(b: &LocalBackend, ctx: &Context, a: Act, ids: &[&str]) -> (Exit, String, String) {
    let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = resolve(b, ctx, &a, &ids, false, &mut out, &mut err).await;
    (
        exit,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

const PENDING: ListOptions = ListOptions {
    status: StatusFilter::Pending,
    mine: false,
    json: false,
};

#[tokio::test]
async fn the_table_is_aligned_oldest_first() {
    let (_dir, b) = demo_backend();
    let (exit, out, err) = list_text(&b, &ctx(None), PENDING).await;
    assert_eq!(exit, Exit::Success);
    assert_eq!(err, "");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("ID  "), "{}", lines[0]);
    assert_eq!(lines.len(), 26, "header and the 25 pending requests\n{out}");
    // 5012 was made 30 days ago, the oldest; 5003 yesterday, the newest.
    assert!(lines[1].starts_with("5012"), "{}", lines[1]);
    assert!(lines[25].starts_with("5003"), "{}", lines[25]);
    let row = lines.iter().find(|l| l.starts_with("5001")).unwrap();
    for part in ["3d", "Atlas Mobile App", "○ Engineer", "100%", "pending"] {
        assert!(row.contains(part), "{part}: {row}");
    }
    // Every row puts PERIOD at the header's column.
    let at = lines[0].find("PERIOD").unwrap();
    for l in &lines[1..] {
        let mut w = 0;
        let rest: String = l
            .chars()
            .skip_while(|c| {
                let skip = w < at;
                w += c.to_string().width();
                skip
            })
            .collect();
        assert!(rest.starts_with("20") && rest.contains(".."), "{l}");
    }
    assert!(out.chars().all(|c| c == '\n' || !c.is_control()));
}

#[tokio::test]
async fn mine_narrows_to_my_approvals_and_user_changes_who_i_am() {
    let (_dir, b) = demo_backend();
    let mine = ListOptions {
        mine: true,
        ..PENDING
    };
    let (_, all, _) = list_text(&b, &ctx(None), PENDING).await;
    let (_, morgan, _) = list_text(&b, &ctx(None), mine).await;
    let (_, other, _) = list_text(&b, &ctx(Some("1007")), mine).await;
    assert!(morgan.lines().count() < all.lines().count());
    assert!(morgan.lines().skip(1).all(|l| l.contains("Morgan Lee")));
    // 1007 approves 5003, 5005 and 5013.
    let ids: Vec<&str> = other
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids, ["5013", "5005", "5003"]);

    let (exit, out, err) = list_text(&b, &ctx(Some("9999")), mine).await;
    assert_eq!(exit, Exit::Usage);
    assert_eq!(out, "");
    assert!(err.starts_with("allot: --user 9999"), "{err}");
}

#[tokio::test]
async fn an_empty_list_says_so() {
    let (_dir, b) = demo_backend();
    let opts = ListOptions {
        mine: true,
        ..PENDING
    };
    // 1002 approves nothing.
    let (exit, out, _) = list_text(&b, &ctx(Some("1002")), opts).await;
    assert_eq!(exit, Exit::Success);
    assert!(out.starts_with("No pending requests for "), "{out}");
    let (_, json, _) = list_text(&b, &ctx(Some("1002")), ListOptions { json: true, ..opts }).await;
    assert_eq!(json, "[]\n");
}

#[tokio::test]
async fn json_has_the_documented_shape() {
    let (_dir, b) = demo_backend();
    let opts = ListOptions {
        status: StatusFilter::All,
        mine: false,
        json: true,
    };
    let (exit, out, _) = list_text(&b, &ctx(None), opts).await;
    assert_eq!(exit, Exit::Success);
    assert!(out.ends_with("]\n") && !out.ends_with("\n\n"));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 30);
    let q = items.iter().find(|q| q["id"] == "5001").unwrap();
    assert_eq!(q["status"], "pending");
    assert_eq!(q["age_days"], 3);
    assert_eq!(q["project"]["name"], "Atlas Mobile App");
    assert_eq!(q["project"]["client"], "Contoso Bank");
    assert_eq!(q["resource"]["id"], "3101");
    assert_eq!(q["resource"]["unnamed"], true);
    assert_eq!(q["resource"]["role"], "Engineer");
    assert_eq!(q["percentage"], 100);
    assert_eq!(q["requester"]["id"], "1005");
    assert_eq!(q["approvers"][0]["name"], "Morgan Lee");
    assert!(chrono::DateTime::parse_from_rfc3339(q["created_at"].as_str().unwrap()).is_ok());
}

#[tokio::test]
async fn approving_rejecting_and_cancelling_each_id_on_its_own() {
    let (_dir, b) = demo_backend();
    let me = ctx(None);
    let (exit, out, err) = act(
        &b,
        &me,
        Act::Approve {
            staff: None,
            soft: false,
        },
        &["5001", "5014"],
    )
    .await;
    assert_eq!(exit, Exit::Failed);
    assert!(
        err.starts_with(
            "allot: request 5001: it is for an unnamed resource (○ Engineer on Atlas Mobile App)"
        ),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    assert!(out.starts_with("approved request 5014 ("), "{out}");

    let (exit, out, err) = act(
        &b,
        &me,
        Act::Approve {
            staff: Some(Id::new("1002")),
            soft: true,
        },
        &["5001"],
    )
    .await;
    assert_eq!((exit, err.as_str()), (Exit::Success, ""));
    assert!(
        out.starts_with("approved request 5001 (Atlas Mobile App, ○ Engineer → ")
            && out.ends_with(", kept soft)\n"),
        "{out}"
    );

    let (exit, out, err) = act(&b, &me, Act::Reject, &["5002", "404", "5001"]).await;
    assert_eq!(exit, Exit::Failed);
    assert!(out.starts_with("rejected request 5002 ("), "{out}");
    let errs: Vec<&str> = err.lines().collect();
    assert_eq!(
        errs,
        [
            "allot: request 404: there is no request with that id",
            "allot: request 5001: it is already approved; only pending requests can be resolved"
        ]
    );

    let (exit, _, err) = act(&b, &me, Act::Cancel, &["5003"]).await;
    assert_eq!(exit, Exit::Failed);
    assert!(
        err.contains("request 5003: only the requester, Marcus Bell, can cancel it"),
        "{err}"
    );
    let (exit, out, _) = act(&b, &ctx(Some("1005")), Act::Cancel, &["5003"]).await;
    assert_eq!(exit, Exit::Success);
    assert!(out.starts_with("cancelled request 5003 ("), "{out}");
}

#[tokio::test]
async fn an_unreachable_backend_fails_naming_every_id_not_done() {
    use crate::client::kantata::backend::KantataBackend;
    use crate::client::kantata::http::HttpConfig;
    // Nothing listens on port 1 of this machine: the connection is refused at once.
    let mut http = HttpConfig::new("http://127.0.0.1:1/api/v1", "t");
    http.retries = 0;
    let b = KantataBackend::new(http).unwrap();
    let ids = vec!["5001".to_string(), "5014".to_string()];
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = resolve(
        &b,
        &ctx(None),
        &Act::Reject,
        &ids,
        false,
        &mut out,
        &mut err,
    )
    .await;
    let err = String::from_utf8(err).unwrap();
    assert_eq!(exit, Exit::Failed);
    assert!(out.is_empty());
    assert!(err.ends_with("allot: not done: 5001, 5014\n"), "{err}");
}

#[tokio::test]
async fn ids_typed_with_escapes_are_printed_defused() {
    let (_dir, b) = demo_backend();
    let (exit, out, err) = act(&b, &ctx(None), Act::Reject, &["\u{1b}]0;pwned\u{7}"]).await;
    assert_eq!(exit, Exit::Failed);
    assert_eq!(out, "");
    assert!(!err.trim_end().chars().any(char::is_control), "{err:?}");
    assert!(err.contains("\u{FFFD}]0;pwned\u{FFFD}"), "{err:?}");
}

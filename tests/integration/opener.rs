//! A SCORM 1.2 lesson with ADL's API discovery (`fixtures/packages/scorm12-opener`), driven
//! through WebDriver in the learner's player: launched in a new window by a launch page in
//! the player's frame, it finds the API through `window.opener` and its parents; launched
//! in the frame itself, through `window.parent`. Either way it suspends and resumes, and
//! values it sets without committing still reach the server when the page holding the
//! bridge goes away.

use serde_json::{Value, json};

use crate::clicks::{player_url, shows, stored, stored_when, within};
use crate::packages::Env;
use crate::runtime::registered;
use crate::webdriver::{Browser, until_eq};

/// Where the lesson runs.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// A window the launch page opens (`ITEM-POPUP`).
    Popup,
    /// The player's own frame (`ITEM-FRAMED`).
    Frame,
}

impl Place {
    fn item(self) -> &'static str {
        match self {
            Place::Popup => "ITEM-POPUP",
            Place::Frame => "ITEM-FRAMED",
        }
    }

    /// How the lesson's discovery reaches the player window, which holds `window.API`.
    fn route(self) -> &'static str {
        match self {
            Place::Popup => "opener.parent",
            Place::Frame => "window.parent",
        }
    }
}

/// Opens the player and gets into the lesson's browsing context (the popup window or the
/// frame), once the lesson has looked for the API; returns the player's window handle.
async fn open_lesson(b: &Browser, player: &str, place: Place) -> String {
    b.goto(player).await;
    let main = b.window().await;
    // A first launch opens the first item; a relaunch resumes where the learner suspended.
    let opened = b
        .wait_js(
            "the player to open an item",
            "document.getElementById('sco').contentDocument \
             && document.getElementById('sco').contentDocument.readyState === 'complete' \
             && document.body.dataset.item",
        )
        .await;
    let (want, page) = match place {
        Place::Popup => ("ITEM-POPUP", "launch.html"),
        Place::Frame => ("ITEM-FRAMED", "lesson.html"),
    };
    if opened.as_str() != Some(want) {
        b.click_on(&format!("#toc-list button.item[data-item=\"{want}\"]"))
            .await;
    }
    shows(b, want, page).await;
    let frame = b.find("#sco").await;
    b.switch_to_frame(&frame).await;
    if place == Place::Popup {
        let known = b.window_handles().await;
        b.click_on("#open").await;
        let opened = b.execute("return document.body.dataset.opened;", json!([])).await;
        assert_eq!(opened, "yes", "window.open from a click");
        let popup = b.new_window(&known).await;
        b.switch_to_window(&popup).await;
    }
    let state = b
        .wait_js(
            "the lesson to load",
            "document.body.dataset.state !== 'loading' && document.body.dataset.state",
        )
        .await;
    let found = b.text(&b.find("#found").await).await;
    assert_eq!((state.as_str(), found.as_str()), (Some("running"), place.route()));
    main
}

/// Leaves the lesson's context: closes its window, or leaves the frame.
async fn close_lesson(b: &Browser, place: Place, main: &str) {
    match place {
        Place::Popup => {
            let left = b.close_window().await;
            assert_eq!(left, [main.to_owned()]);
            b.switch_to_window(main).await;
        }
        Place::Frame => b.switch_to_top().await,
    }
}

async fn text_of(b: &Browser, css: &str) -> String {
    b.text(&b.find(css).await).await
}

/// The lesson's calls (`[name, args…, result, error]` per line), checked error-free.
async fn calls(b: &Browser) -> Vec<Value> {
    let text = text_of(b, "#calls").await;
    let calls: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    for c in &calls {
        let n = c.as_array().map_or(0, Vec::len);
        assert_eq!(c[n - 1], "0", "a call failed: {c}");
    }
    calls
}

/// The verbs of the statements about one item, oldest first.
async fn item_verbs(env: &Env, registration: &str, item: &str) -> Vec<String> {
    let reader = env.app.credential(&env.tenant, &[kiroku::tenant::Scope::All]).await;
    let r = env
        .app
        .get(&format!("/xapi/statements?registration={registration}&ascending=true"))
        .auth(&reader)
        .send()
        .await
        .expect(200)
        .json();
    let suffix = format!("/items/{item}");
    r["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .filter(|s| s["object"]["id"].as_str().is_some_and(|id| id.ends_with(&suffix)))
        .map(|s| {
            let id = s["verb"]["id"].as_str().unwrap_or_default();
            id.rsplit('/').next().unwrap_or_default().to_owned()
        })
        .collect()
}

async fn suspend_and_resume(place: Place) {
    let item = place.item();
    let (env, _, _, registration) = registered("scorm12-opener").await;
    let b = Browser::start().await;

    let main = open_lesson(&b, &player_url(&env, &registration).await, place).await;
    assert_eq!(text_of(&b, "#entry").await, "ab-initio");
    b.click_on("#save").await;
    b.wait_js("the lesson to finish", "document.body.dataset.state === 'finished'")
        .await;
    assert_eq!(text_of(&b, "#readback").await, "page-3|q1=b;q2=c|80|incomplete");
    assert_eq!(calls(&b).await.len(), 16);
    close_lesson(&b, place, &main).await;
    let (a, d) = stored_when(&env, &registration, item, "suspended", |a, _| {
        a.state.as_str() == "suspended"
    })
    .await;
    assert_eq!(a.number, 1);
    for (element, value) in [
        ("cmi.core.lesson_location", "page-3"),
        ("cmi.suspend_data", "q1=b;q2=c"),
        ("cmi.core.score.raw", "80"),
        ("cmi.core.lesson_status", "incomplete"),
        ("cmi.core.exit", "suspend"),
        ("cmi.core.total_time", "0000:01:30.00"),
    ] {
        assert_eq!(d[element], value, "{element} in {d}");
    }

    // A second launch resumes where the learner left.
    let main = open_lesson(&b, &player_url(&env, &registration).await, place).await;
    assert_eq!(
        [
            text_of(&b, "#entry").await,
            text_of(&b, "#location").await,
            text_of(&b, "#suspend-data").await
        ],
        ["resume", "page-3", "q1=b;q2=c"]
    );
    b.click_on("#pass").await;
    b.wait_js("the lesson to finish", "document.body.dataset.state === 'finished'")
        .await;
    calls(&b).await;
    close_lesson(&b, place, &main).await;
    let (a, d) = stored_when(&env, &registration, item, "finished", |a, _| {
        a.state.as_str() == "finished"
    })
    .await;
    assert_eq!(
        (
            a.number,
            d["cmi.core.lesson_status"].as_str(),
            d["cmi.core.score.raw"].as_str()
        ),
        (1, Some("passed"), Some("95")),
        "{d}"
    );
    b.quit().await;

    let want = [
        "initialized",
        "scored",
        "suspended",
        "resumed",
        "completed",
        "passed",
        "scored",
        "terminated",
    ]
    .map(str::to_owned)
    .to_vec();
    let (env, registration) = (&env, &registration);
    until_eq(&format!("{item}'s verbs"), want, || item_verbs(env, registration, item)).await;
}

#[tokio::test]
async fn a_lesson_in_a_new_window_finds_the_api_through_its_opener_suspends_and_resumes() {
    within(suspend_and_resume(Place::Popup)).await;
}

#[tokio::test]
async fn a_lesson_in_the_players_frame_finds_the_api_through_its_parent_suspends_and_resumes() {
    within(suspend_and_resume(Place::Frame)).await;
}

/// The lesson sets values and never commits; the learner closes it (popup) and then the
/// player page goes away (a real navigation, not a synthetic event).
async fn unsaved_sets_leave_with_the_beacon(place: Place) {
    let item = place.item();
    let (env, _, _, registration) = registered("scorm12-opener").await;
    let b = Browser::start().await;
    let main = open_lesson(&b, &player_url(&env, &registration).await, place).await;
    b.click_on("#keep").await;
    b.wait_js("the lesson's sets", "document.body.dataset.state === 'kept'")
        .await;
    close_lesson(&b, place, &main).await;

    // The bridge lives in the player window: a lesson window closing is nothing it sees,
    // so the sets wait there, unsent.
    let pending = b.execute("return window.API.bridge.log.length;", json!([])).await;
    assert_eq!(pending, 3);
    let (_, d) = stored(&env, &registration, item).await.expect("the attempt opened");
    assert!(d.get("cmi.core.lesson_location").is_none(), "{d}");

    b.goto("about:blank").await;
    assert_eq!(b.url().await, "about:blank");
    let (a, d) = stored_when(&env, &registration, item, "the beacon's sets", |_, d| {
        d["cmi.core.lesson_location"] == "unsaved-page"
    })
    .await;
    assert_eq!(
        (
            a.state.as_str(),
            d["cmi.suspend_data"].as_str(),
            d["cmi.core.exit"].as_str()
        ),
        ("active", Some("draft"), Some("suspend")),
        "{d}"
    );

    // Never terminated, but left with exit=suspend: the next launch resumes.
    open_lesson(&b, &player_url(&env, &registration).await, place).await;
    assert_eq!(
        [text_of(&b, "#entry").await, text_of(&b, "#location").await],
        ["resume", "unsaved-page"]
    );
    b.quit().await;
}

#[tokio::test]
async fn sets_left_in_a_closed_lesson_window_leave_with_the_beacon_when_the_player_goes_away() {
    within(unsaved_sets_leave_with_the_beacon(Place::Popup)).await;
}

#[tokio::test]
async fn sets_left_in_the_players_frame_leave_with_the_beacon_when_the_player_goes_away() {
    within(unsaved_sets_leave_with_the_beacon(Place::Frame)).await;
}

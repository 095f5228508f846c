//! What each fixture package must import as: kind, edition, identifier, title, the
//! launchable items (id and href as the API answers them), and checks on the course
//! structure served by `GET /api/v1/packages/{id}`.

use serde_json::{Value, json};

pub struct Expected {
    pub fixture: &'static str,
    pub kind: &'static str,
    pub edition: Option<&'static str>,
    pub identifier: &'static str,
    pub title: &'static str,
    /// (id, href) in tree order.
    pub launchables: &'static [(&'static str, &'static str)],
    /// Checks on the `course` member of the package as shown by the API.
    pub structure: fn(&Value),
}

pub fn all() -> Vec<Expected> {
    vec![
        scorm12_single(),
        scorm12_multi(),
        scorm12_media(),
        scorm12_opener(),
        scorm2004_2nd(),
        scorm2004_3rd(),
        scorm2004_4th(),
        scorm2004_4th_sequenced(),
        quirks(),
        cmi5(),
        cmi5_runnable(),
        tincan(),
        lectora(),
    ]
}

pub fn of(fixture: &str) -> Expected {
    all()
        .into_iter()
        .find(|e| e.fixture == fixture)
        .unwrap_or_else(|| panic!("no expectation for {fixture}"))
}

/// The organization's item tree as nested (identifier, children) JSON, for one assert.
fn tree(items: &Value) -> Value {
    let items = items.as_array().cloned().unwrap_or_default();
    Value::Array(
        items
            .iter()
            .map(|i| match i.get("items") {
                Some(children) => json!([i["identifier"], tree(children)]),
                None => i["identifier"].clone(),
            })
            .collect(),
    )
}

fn org(course: &Value) -> &Value {
    &course["structure"]["scorm"]["organizations"][0]
}

/// The item with this identifier anywhere in the default organization.
fn item<'a>(course: &'a Value, id: &str) -> &'a Value {
    fn find<'a>(items: &'a Value, id: &str) -> Option<&'a Value> {
        items.as_array()?.iter().find_map(|i| {
            if i["identifier"] == id {
                Some(i)
            } else {
                find(&i["items"], id)
            }
        })
    }
    find(&org(course)["items"], id).unwrap_or_else(|| panic!("no item {id} in {course}"))
}

fn scorm12_single() -> Expected {
    Expected {
        fixture: "scorm12-single-sco",
        kind: "scorm12",
        edition: None,
        identifier: "com.kiroku.fixtures.scorm12.single",
        title: "Fire Extinguisher Basics",
        launchables: &[("ITEM-FIRE", "index.html")],
        structure: |c| {
            assert_eq!(c["kind"], json!({"type": "scorm12"}));
            assert_eq!(c["structure"]["scorm"]["schemaVersion"], "1.2");
            let fire = item(c, "ITEM-FIRE");
            assert_eq!(
                (&fire["masteryScore"], &fire["launchData"]),
                (&json!(80.0), &json!("start=slide1"))
            );
            assert_eq!(
                fire["launch"],
                json!({"href": {"path": "index.html"}, "scormType": "sco"})
            );
            let files = &c["structure"]["scorm"]["resources"][0]["files"];
            assert_eq!(files.as_array().map(Vec::len), Some(6), "{files}");
        },
    }
}

fn scorm12_opener() -> Expected {
    Expected {
        fixture: "scorm12-opener",
        kind: "scorm12",
        edition: None,
        identifier: "com.kiroku.fixtures.scorm12.opener",
        title: "Safe Lifting",
        launchables: &[("ITEM-POPUP", "launch.html"), ("ITEM-FRAMED", "lesson.html")],
        structure: |c| {
            assert_eq!(tree(&org(c)["items"]), json!(["ITEM-POPUP", "ITEM-FRAMED"]));
            let popup = &c["structure"]["scorm"]["resources"][0]["files"];
            assert_eq!(popup, &json!(["launch.html", "lesson.html"]));
        },
    }
}

fn scorm12_multi() -> Expected {
    Expected {
        fixture: "scorm12-multi-sco",
        kind: "scorm12",
        edition: None,
        identifier: "com.kiroku.fixtures.scorm12.multi",
        title: "Kitchen Hygiene",
        launchables: &[
            ("ITEM-INTRO", "intro/index.html"),
            ("ITEM-HANDS", "lessons/player.html?lesson=hands"),
            ("ITEM-STORAGE", "lessons/player.html?lesson=storage"),
            ("ITEM-GLOSSARY", "glossary.html"),
            ("ITEM-QUIZ", "quiz/index.html"),
        ],
        structure: |c| {
            assert_eq!(c["description"], "Hand washing, storage and cleaning.");
            assert_eq!(org(c)["title"], "Kitchen Hygiene (organization)");
            let want = json!([
                "ITEM-INTRO",
                ["ITEM-MODULE", ["ITEM-HANDS", "ITEM-STORAGE"]],
                "ITEM-GLOSSARY",
                "ITEM-QUIZ"
            ]);
            assert_eq!(tree(&org(c)["items"]), want);
            assert_eq!(item(c, "ITEM-GLOSSARY")["isVisible"], false);
            assert_eq!(item(c, "ITEM-GLOSSARY")["launch"]["scormType"], "asset");
            assert_eq!(item(c, "ITEM-HANDS")["prerequisites"], "ITEM-INTRO");
            let quiz = item(c, "ITEM-QUIZ");
            assert_eq!(quiz["masteryScore"], json!(75.0));
            assert_eq!(
                (&quiz["maxTimeAllowed"], &quiz["timeLimitAction"]),
                (&json!("00:15:00"), &json!("exit,message"))
            );
            let shared = c["structure"]["scorm"]["resources"]
                .as_array()
                .and_then(|r| r.iter().find(|r| r["identifier"] == "RES-SHARED"))
                .cloned();
            assert_eq!(
                shared.map(|r| r["files"].clone()),
                Some(json!(["shared/scorm12-api.js", "shared/style.css"]))
            );
        },
    }
}

fn scorm12_media() -> Expected {
    Expected {
        fixture: "scorm12-media",
        kind: "scorm12",
        edition: None,
        identifier: "com.kiroku.fixtures.scorm12.media",
        title: "Volcano Video Lesson",
        launchables: &[("ITEM-VIDEO", "index.html")],
        structure: |c| assert_eq!(tree(&org(c)["items"]), json!(["ITEM-VIDEO"])),
    }
}

fn scorm2004_2nd() -> Expected {
    Expected {
        fixture: "scorm2004-2nd-edition",
        kind: "scorm2004",
        edition: Some("2nd"),
        identifier: "com.kiroku.fixtures.2004.2nd",
        title: "Photosynthesis",
        launchables: &[("ITEM-LIGHT", "light/index.html"), ("ITEM-CALVIN", "calvin/index.html")],
        structure: |c| {
            assert_eq!(c["kind"], json!({"type": "scorm2004", "edition": "2nd"}));
            assert_eq!(item(c, "ITEM-LIGHT")["launchData"], "chapter=1");
            assert_eq!(org(c)["sequencing"]["controlMode"]["choice"], false);
            assert_eq!(org(c)["sequencing"]["controlMode"]["flow"], true);
        },
    }
}

fn scorm2004_3rd() -> Expected {
    Expected {
        fixture: "scorm2004-3rd-sequenced",
        kind: "scorm2004",
        edition: Some("3rd"),
        identifier: "com.kiroku.fixtures.2004.3rd.sequenced",
        title: "Golf Explained",
        launchables: &[
            ("SCO-RULES", "rules/index.html"),
            ("SCO-ETIQUETTE", "etiquette/index.html"),
            ("SCO-QUIZ", "quiz/index.html"),
        ],
        structure: check_sequencing,
    }
}

fn check_sequencing(c: &Value) {
    assert_eq!(
        tree(&org(c)["items"]),
        json!([["MODULE-GAME", ["SCO-RULES", "SCO-ETIQUETTE"]], "SCO-QUIZ"])
    );
    assert_eq!(org(c)["objectivesGlobalToSystem"], false);
    // The collection entry applies through IDRef; the item's own objectives are kept.
    let rules = &item(c, "SCO-RULES")["sequencing"];
    assert_eq!(rules["idRef"], "content");
    assert_eq!(
        (&rules["controlMode"]["choice"], &rules["controlMode"]["flow"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(rules["deliveryControls"]["completionSetByContent"], true);
    let primary = &rules["objectives"]["primary"];
    assert_eq!(
        (&primary["objectiveID"], &primary["minNormalizedMeasure"]),
        (&json!("rules-mastered"), &json!(0.7))
    );
    assert_eq!(primary["mapInfo"][0]["targetObjectiveID"], "com.kiroku.golf.rules");
    let etiquette = &item(c, "SCO-ETIQUETTE")["sequencing"];
    assert_eq!(
        (
            &etiquette["idRef"],
            &etiquette["deliveryControls"]["completionSetByContent"]
        ),
        (&json!("content"), &json!(true))
    );
    let module = &item(c, "MODULE-GAME")["sequencing"];
    assert_eq!(module["controlMode"]["choiceExit"], true);
    assert_eq!(module["sequencingRules"]["exitCondition"][0]["action"], "exit");
    let rule = &module["rollupRules"]["rules"][0];
    assert_eq!(
        (&rule["childActivitySet"], &rule["action"]),
        (&json!("all"), &json!("completed")),
        "{module}"
    );
    let quiz = &item(c, "SCO-QUIZ")["sequencing"];
    assert_eq!(quiz["limitConditions"]["attemptLimit"], 3);
    assert_eq!(quiz["sequencingRules"]["preCondition"][0]["action"], "disabled");
    assert_eq!(
        quiz["sequencingRules"]["postCondition"][0]["conditions"][0]["measureThreshold"],
        json!(0.8)
    );
    assert_eq!(quiz["objectives"]["others"][0]["objectiveID"], "quiz-prereq");
    assert_eq!(
        quiz["constrainedChoiceConsiderations"]["preventActivation"], true,
        "{quiz}"
    );
    assert_eq!(org(c)["sequencing"]["rollupRules"]["rules"][0]["action"], "satisfied");
}

fn scorm2004_4th() -> Expected {
    Expected {
        fixture: "scorm2004-4th-shared-data",
        kind: "scorm2004",
        edition: Some("4th"),
        identifier: "com.kiroku.fixtures.2004.4th.shared",
        title: "Field Notebook",
        launchables: &[("SCO-WRITE", "writer/index.html"), ("SCO-REVIEW", "reader/index.html")],
        structure: |c| {
            assert_eq!(
                c["description"],
                "Write observations in one SCO, review them in the next."
            );
            assert_eq!(org(c)["sharedDataGlobalToSystem"], false);
            let write = item(c, "SCO-WRITE");
            let map = json!([{"targetID": "com.kiroku.notebook", "readSharedData": true, "writeSharedData": true}]);
            assert_eq!(write["data"], map);
            assert_eq!(write["hideLmsUi"], json!(["continue", "previous"]));
            assert_eq!(write["completionThreshold"]["completedByMeasure"], true);
            assert_eq!(write["completionThreshold"]["minProgressMeasure"], json!(0.75));
            let review = item(c, "SCO-REVIEW");
            assert_eq!(review["data"][0]["writeSharedData"], false);
            assert_eq!(review["hideLmsUi"], json!(["suspendAll"]));
        },
    }
}

fn scorm2004_4th_sequenced() -> Expected {
    Expected {
        fixture: "scorm2004-4th-sequenced-course",
        kind: "scorm2004",
        edition: Some("4th"),
        identifier: "com.kiroku.fixtures.2004.4th.sequenced",
        title: "Ladder Safety",
        launchables: &[
            ("PRETEST", "sco/pretest.html"),
            ("LESSON-1", "sco/lesson-1.html"),
            ("LESSON-2", "sco/lesson-2.html"),
            ("QUESTION-1", "sco/question-1.html"),
            ("QUESTION-2", "sco/question-2.html"),
            ("QUESTION-3", "sco/question-3.html"),
            ("QUESTION-4", "sco/question-4.html"),
        ],
        structure: check_sequenced_course,
    }
}

/// The sequencing the course's design rests on (its manifest says why; the engine's
/// replay of it is `src/runtime/sequencing/sequenced_course_tests.rs`).
fn check_sequenced_course(c: &Value) {
    let questions = json!(["QUESTION-1", "QUESTION-2", "QUESTION-3", "QUESTION-4"]);
    assert_eq!(
        tree(&org(c)["items"]),
        json!([
            "PRETEST",
            [
                "TRAINING",
                [["MODULE", ["LESSON-1", "LESSON-2"]], ["POSTTEST", questions]]
            ]
        ])
    );
    let root = &org(c)["sequencing"]["controlMode"];
    assert_eq!((&root["choice"], &root["forwardOnly"]), (&json!(false), &json!(true)));
    let pretest = &item(c, "PRETEST")["sequencing"];
    assert_eq!(pretest["rollupRules"]["rollupObjectiveSatisfied"], false);
    assert_eq!(pretest["sequencingRules"]["preCondition"][0]["action"], "skip");
    let module = &item(c, "MODULE")["sequencing"];
    assert_eq!(module["rollupRules"]["rollupObjectiveSatisfied"], false);
    assert_eq!(module["constrainedChoiceConsiderations"]["preventActivation"], true);
    let training = &item(c, "TRAINING")["sequencing"];
    assert_eq!(training["sequencingRules"]["postCondition"][0]["action"], "retry");
    let test = &item(c, "POSTTEST")["sequencing"];
    assert_eq!(test["controlMode"]["choiceExit"], false);
    assert_eq!(test["sequencingRules"]["exitCondition"][0]["action"], "exit");
    assert_eq!(test["sequencingRules"]["postCondition"][0]["action"], "exitParent");
    assert_eq!(test["rollupRules"]["rollupProgressCompletion"], false);
    let random = &test["randomizationControls"];
    assert_eq!(
        (
            &random["selectCount"],
            &random["selectionTiming"],
            &random["reorderChildren"]
        ),
        (&json!(2), &json!("onEachNewAttempt"), &json!(true)),
        "{random}"
    );
    let question = &item(c, "QUESTION-3")["sequencing"];
    assert_eq!(question["idRef"], "question");
    assert_eq!(question["deliveryControls"]["objectiveSetByContent"], true);
    let lesson = &item(c, "LESSON-2")["sequencing"];
    assert_eq!(lesson["deliveryControls"]["completionSetByContent"], true);
}

fn quirks() -> Expected {
    Expected {
        fixture: "scorm2004-quirks",
        kind: "scorm2004",
        edition: Some("3rd"),
        identifier: "com.kiroku.fixtures.2004.quirks",
        title: "Quirky Export",
        launchables: &[
            ("ITEM-PLAYER", "export/player/index.html?lang=en&slide=1#top"),
            ("ITEM-LECON", "export/Module 1/Leçon un.html"),
            ("ITEM-UNIT2", "export/content/unit 2/index.htm?from=menu"),
        ],
        structure: |c| {
            assert_eq!(item(c, "ITEM-LECON")["title"], "Leçon un");
            let files: Vec<Value> = c["structure"]["scorm"]["resources"]
                .as_array()
                .expect("resources")
                .iter()
                .map(|r| r["files"].clone())
                .collect();
            assert_eq!(files[1], json!(["export/Module 1/Leçon un.html"]));
            assert_eq!(files[2], json!(["export/content/unit 2/index.htm"]));
        },
    }
}

fn cmi5_runnable() -> Expected {
    const AU: &str = "https://kiroku.example/runnable/au/";
    Expected {
        fixture: "cmi5-runnable",
        kind: "cmi5",
        edition: None,
        identifier: "https://kiroku.example/runnable",
        title: "Runnable volcanoes",
        launchables: &[
            ("https://kiroku.example/runnable/au/passed", "au.html?do=pass"),
            (
                "https://kiroku.example/runnable/au/completed-or-passed",
                "au.html?do=fail,complete",
            ),
            ("https://kiroku.example/runnable/au/completed", "au.html?do=complete"),
            (
                "https://kiroku.example/runnable/au/completed-and-passed",
                "au.html?do=pass,complete",
            ),
            ("https://kiroku.example/runnable/au/own-window", "au.html?do=complete"),
            ("https://kiroku.example/runnable/au/not-applicable", "au.html?do=none"),
            (
                "https://kiroku.example/runnable/au/abandoned",
                "au.html?do=complete&first=stay",
            ),
        ],
        structure: |c| {
            let s = &c["structure"]["cmi5"];
            let outer = &s["children"][0]["block"];
            let inner = &outer["children"][0]["block"];
            assert_eq!(inner["children"][0]["au"]["id"], format!("{AU}passed"));
            assert_eq!(s["children"][3]["au"]["launchMethod"], "OwnWindow");
            assert_eq!(s["children"].as_array().map(Vec::len), Some(6));
        },
    }
}

fn cmi5() -> Expected {
    Expected {
        fixture: "cmi5-multi-au",
        kind: "cmi5",
        edition: None,
        identifier: "https://kiroku.example/courses/volcanoes",
        title: "Volcanoes",
        launchables: &[
            ("https://kiroku.example/courses/volcanoes/au/intro", "intro/index.html"),
            (
                "https://kiroku.example/courses/volcanoes/au/lab",
                "lab/index.html?mode=guided",
            ),
            (
                "https://kiroku.example/courses/volcanoes/au/observatory",
                "https://observatory.example.org/live?course=volcanoes",
            ),
            ("https://kiroku.example/courses/volcanoes/au/quiz", "quiz/index.html"),
        ],
        structure: |c| {
            let s = &c["structure"]["cmi5"];
            assert_eq!(
                s["objectives"][0]["id"],
                "https://kiroku.example/objectives/eruption-types"
            );
            let basics = &s["children"][0]["block"];
            assert_eq!(basics["title"], "Basics");
            assert_eq!(basics["children"][0]["au"]["moveOn"], "Completed");
            let practice = &basics["children"][1]["block"];
            assert_eq!(
                practice["objectives"],
                json!(["https://kiroku.example/objectives/eruption-types"])
            );
            let lab = &practice["children"][0]["au"];
            assert_eq!(
                (&lab["launchMethod"], &lab["moveOn"], &lab["masteryScore"]),
                (&json!("OwnWindow"), &json!("CompletedOrPassed"), &json!(0.7))
            );
            assert_eq!(
                (&lab["launchParameters"], &lab["entitlementKey"]),
                (&json!("{\"difficulty\":\"normal\"}"), &json!("volcano-lab"))
            );
            assert_eq!(lab["activityType"], "http://adlnet.gov/expapi/activities/simulation");
            assert_eq!(
                practice["children"][1]["au"]["url"],
                "https://observatory.example.org/live?course=volcanoes"
            );
            assert_eq!(s["children"][1]["au"]["masteryScore"], json!(0.8));
            assert_eq!(s["children"].as_array().map(Vec::len), Some(2));
        },
    }
}

fn lectora() -> Expected {
    Expected {
        fixture: "tincan-lectora",
        kind: "xapi",
        edition: None,
        identifier: "http://kiroku.example/lectora/safety",
        title: "安全教育",
        launchables: &[("http://kiroku.example/lectora/safety", "a001index.html")],
        structure: |c| {
            // Lectora's launch script reads the actor only in the TinCan 0.95 shape.
            assert_eq!(c["structure"]["xapi"]["actorFormat"], "tincan-0.95");
        },
    }
}

fn tincan() -> Expected {
    Expected {
        fixture: "tincan-two-activities",
        kind: "xapi",
        edition: None,
        identifier: "http://kiroku.example/tincan/first-aid",
        title: "First Aid",
        launchables: &[
            ("http://kiroku.example/tincan/first-aid", "index_lms.html"),
            (
                "http://kiroku.example/tincan/first-aid/burns",
                "chapter2/index.html?resume=true",
            ),
        ],
        structure: |c| {
            assert_eq!(c["description"], "Recovery position, bleeding, burns.");
            let acts = &c["structure"]["xapi"]["activities"];
            assert_eq!(acts.as_array().map(Vec::len), Some(2));
            assert_eq!(acts[1]["type"], "http://adlnet.gov/expapi/activities/module");
            assert_eq!(
                (&acts[1]["name"], &acts[1]["description"]),
                (&json!("Burns"), &json!("Cool, cover, call."))
            );
            assert_eq!(
                acts[1]["launch"],
                json!({"path": "chapter2/index.html", "query": "resume=true"})
            );
        },
    }
}

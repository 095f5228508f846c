//! The command line: a stable `--json` shape and clear refusals of bad input.

use serde_json::{Value, json};

use crate::process::Kiroku;

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

fn strs(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

const TENANT_KEYS: [&str; 8] = [
    "createdMs",
    "id",
    "name",
    "plan",
    "quotas",
    "settings",
    "status",
    "xapiVersion",
];

#[test]
fn tenant_json_output_is_stable() {
    let k = Kiroku::new();
    let a = k.json(&["tenant", "create", "acme"]);
    assert_eq!(keys(&a), strs(&TENANT_KEYS));
    assert_eq!(
        (a["name"].as_str(), a["status"].as_str()),
        (Some("acme"), Some("active"))
    );
    assert_eq!(a["xapiVersion"], "2.0.0");
    assert!(a["id"].is_i64() && a["createdMs"].as_i64().is_some_and(|t| t > 1_600_000_000_000));
    let b = k.json(&["tenant", "create", "old.school_1", "--xapi-version", "1.0.3"]);
    assert_eq!(b["xapiVersion"], "1.0.3");
    let list = k.json(&["tenant", "list"]);
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|t| keys(t) == strs(&TENANT_KEYS)));
    assert_eq!((&list[0], &list[1]), (&a, &b));
    assert_eq!(
        a["settings"],
        json!({"strictScorm12SuspendData": false, "concurrentLaunches": "allow"})
    );
}

#[test]
fn tenant_settings_show_and_change() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "acme"]);
    let shown = k.json(&["tenant", "settings", "acme"]);
    assert_eq!(
        shown,
        json!({"strictScorm12SuspendData": false, "concurrentLaunches": "allow"})
    );
    let changed = k.json(&["tenant", "settings", "acme", "--strict-scorm12-suspend-data", "true"]);
    assert_eq!(
        changed,
        json!({"strictScorm12SuspendData": true, "concurrentLaunches": "allow"})
    );
    let list = k.json(&["tenant", "list"]);
    assert_eq!(list[0]["settings"]["strictScorm12SuspendData"], true);
}

#[test]
fn credential_json_output_is_stable_and_never_shows_secrets_again() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "acme"]);
    let args = [
        "credential",
        "create",
        "acme",
        "--scope",
        "statements/write",
        "--scope",
        "state",
        "--label",
        "lab",
    ];
    let c = k.json(&args);
    assert_eq!(keys(&c), strs(&["endpoint", "key", "scopes", "secret", "tenant"]));
    assert_eq!(c["tenant"], "acme");
    assert_eq!(c["scopes"], serde_json::json!(["statements/write", "state"]));
    assert!(
        c["endpoint"]
            .as_str()
            .is_some_and(|e| e.starts_with("http") && e.ends_with("/xapi"))
    );
    let default = k.json(&["credential", "create", "acme"]);
    assert_eq!(default["scopes"], serde_json::json!(["all"]));
    let list = k.json(&["credential", "list", "acme"]);
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), 2);
    for item in list {
        assert_eq!(keys(item), strs(&["createdMs", "key", "label", "scopes"]));
    }
    let secret = c["secret"].as_str().expect("secret");
    assert!(!list.iter().any(|i| i.to_string().contains(secret)));
    let key = c["key"].as_str().expect("key");
    let revoked = k.json(&["credential", "revoke", "acme", key]);
    assert_eq!(revoked, serde_json::json!({ "revoked": key }));
    let after = k.json(&["credential", "list", "acme"]);
    assert_eq!(after.as_array().map(Vec::len), Some(1));
    assert_ne!(after[0]["key"], c["key"]);
}

#[test]
fn bad_input_fails_with_a_clear_message() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "acme"]);
    let cases: [(&[&str], &str); 10] = [
        (&["tenant", "settings", "nobody"], "no tenant named"),
        (
            &["tenant", "settings", "acme", "--strict-scorm12-suspend-data", "maybe"],
            "maybe",
        ),
        (
            &["credential", "create", "acme", "--scope", "statements/everything"],
            "unknown scope",
        ),
        (&["tenant", "create", "bad name!"], "invalid tenant name"),
        (&["tenant", "create", ""], "invalid tenant name"),
        (&["tenant", "create", "acme"], "exists already"),
        (&["tenant", "create", "new", "--xapi-version", "3.0.0"], "3.0.0"),
        (&["credential", "create", "nobody"], "no tenant named"),
        (&["credential", "list", "nobody"], "no tenant named"),
        (&["credential", "revoke", "acme", "NOSUCHKEY"], "no active credential"),
    ];
    for (args, want) in cases {
        for json in [false, true] {
            let mut all = if json { vec!["--json"] } else { vec![] };
            all.extend_from_slice(args);
            let out = k.run(&all);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{all:?} succeeded");
            assert!(
                stderr.contains(want),
                "{all:?}: stderr {stderr:?} does not mention {want:?}"
            );
            assert!(
                out.stdout.is_empty(),
                "{all:?} printed {:?}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
    let tenants = k.json(&["tenant", "list"]);
    assert_eq!(
        tenants.as_array().map(Vec::len),
        Some(1),
        "failed commands created nothing"
    );
    assert_eq!(k.json(&["credential", "list", "acme"]), serde_json::json!([]));
}

#[test]
fn plans_tenants_suspension_as_json() {
    let k = Kiroku::new();
    let p = k.json(&[
        "plan",
        "create",
        "gold",
        "--learners",
        "5",
        "--requests-per-minute",
        "100",
    ]);
    assert_eq!(
        p["quotas"],
        json!({"storageBytes": null, "learners": 5, "statementsPerMonth": null, "requestsPerMinute": 100})
    );
    k.ok(&["plan", "create", "free"]);
    let plans = k.json(&["plan", "list"]);
    assert_eq!(plans.as_array().map(Vec::len), Some(2));
    let t = k.json(&["tenant", "create", "acme", "--plan", "gold"]);
    assert_eq!(
        (t["plan"].as_str(), t["quotas"]["learners"].as_u64()),
        (Some("gold"), Some(5))
    );
    let shown = k.json(&["tenant", "show", "acme"]);
    assert_eq!(
        shown["usage"],
        json!({"storageBytes": 0, "learners": 0, "statementsThisMonth": 0})
    );
    assert_eq!(k.json(&["tenant", "set-plan", "acme", "free"])["plan"], "free");
    let s = k.json(&["tenant", "suspend", "acme", "--reason", "unpaid"]);
    assert_eq!(
        (s["status"].as_str(), s["statusReason"].as_str()),
        (Some("suspended"), Some("unpaid"))
    );
    let r = k.json(&["tenant", "resume", "acme"]);
    assert_eq!((r["status"].as_str(), r.get("statusReason")), (Some("active"), None));
    // Clear errors, non-zero exit.
    for (args, message) in [
        (
            &["tenant", "set-plan", "acme", "platinum"][..],
            "no plan named \"platinum\"",
        ),
        (
            &["tenant", "create", "beta", "--plan", "platinum"][..],
            "no plan named \"platinum\"",
        ),
        (&["tenant", "show", "nobody"][..], "no tenant named \"nobody\""),
        (&["plan", "create", "gold"][..], "a plan named gold exists already"),
    ] {
        let out = k.run(args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn tenant_lifecycle_commands() {
    let k = Kiroku::new();
    k.ok(&["tenant", "create", "acme"]);
    let s = k.json(&["tenant", "settings", "acme", "--statement-retention-days", "30"]);
    assert_eq!(s["statementRetentionDays"], 30);
    let r = k.json(&["tenant", "apply-retention", "acme"]);
    assert_eq!(r["statementsDeleted"], 0);
    let archive = k.dir.path().join("acme.zip");
    let archive = archive.to_str().expect("utf-8 path");
    let e = k.json(&["tenant", "export", "acme", "--out", archive]);
    assert_eq!(e["counts"]["statements"], 0);
    let refused = k.run(&["tenant", "terminate", "acme", "--export", archive]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes-erase-everything"));
    let t = k.json(&[
        "tenant",
        "terminate",
        "acme",
        "--export",
        archive,
        "--yes-erase-everything",
    ]);
    assert!(
        t["remaining"].as_object().expect("counts").values().all(|n| n == 0),
        "{t}"
    );
    let list = k.json(&["tenant", "list"]);
    assert_eq!(list[0]["status"], "terminated", "the name stays reserved");
    let i = k.json(&["tenant", "import", archive, "--as", "acme-again"]);
    assert_eq!(i["tenant"], "acme-again");
    let s = k.json(&["tenant", "settings", "acme-again"]);
    assert_eq!(s["statementRetentionDays"], 30, "settings travel with the archive");
    let missing = k.run(&["learner", "erase", "acme-again", "nobody"]);
    assert!(!missing.status.success());
}

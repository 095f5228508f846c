use super::*;
use crate::package::model::{ItemLaunch, LaunchHref, ScormType};

fn sco(id: &str) -> Item {
    let mut item = Item::new(id, id);
    item.launch = Some(ItemLaunch {
        href: LaunchHref::Package {
            path: format!("{id}.html"),
            query: None,
            fragment: None,
        },
        scorm_type: ScormType::Sco,
    });
    item
}

fn cluster(id: &str, children: Vec<Item>) -> Item {
    let mut item = Item::new(id, id);
    item.items = children;
    item
}

fn org(items: Vec<Item>) -> Organization {
    Organization {
        identifier: "org".into(),
        title: "Org".into(),
        implicit: false,
        objectives_global_to_system: true,
        shared_data_global_to_system: true,
        sequencing: None,
        items,
    }
}

fn go(t: &Tree, current: Option<&str>, req: &str) -> Result<Outcome, &'static str> {
    let (req, target) = match req.split_once(':') {
        Some((r, t)) => (r, Some(t)),
        None => (req, None),
    };
    t.navigate(current, None, &Request::parse(req, target).expect("request"))
        .map_err(|r| r.rule)
}

fn to(id: &str) -> Result<Outcome, &'static str> {
    Ok(Outcome::Deliver(id.into()))
}

#[test]
fn scorm12_flows_through_clusters_and_ends_after_the_last_item() {
    let o = org(vec![cluster("m1", vec![sco("a"), sco("b")]), sco("c")]);
    let t = Tree::new(&o);
    assert_eq!(go(&t, None, "start"), to("a"));
    assert_eq!(go(&t, Some("b"), "continue"), to("c"));
    assert_eq!(go(&t, Some("c"), "previous"), to("b"));
    assert_eq!(go(&t, Some("c"), "continue"), Ok(Outcome::End { suspended: false }));
    assert_eq!(go(&t, Some("a"), "previous"), Err("start_of_course"));
    assert_eq!(
        go(&t, Some("a"), "choice:m1"),
        to("a"),
        "a cluster delivers its first item"
    );
    assert_eq!(go(&t, Some("a"), "choice:nowhere"), Err("no_such_item"));
    let v = t.validity(Some("a"));
    assert!(v.continue_ && !v.previous);
    assert_eq!(v.choice, ["m1", "a", "b", "c"]);
}

#[test]
fn scorm12_navigates_freely_and_sessions_end_or_suspend() {
    let o = org(vec![sco("a"), sco("b")]);
    let t = Tree::new(&o);
    assert_eq!(go(&t, Some("a"), "continue"), to("b"));
    assert_eq!(go(&t, Some("b"), "previous"), to("a"));
    assert_eq!(go(&t, Some("a"), "suspendAll"), Ok(Outcome::End { suspended: true }));
    assert_eq!(go(&t, None, "suspendAll"), Err("no_current_item"));
    assert_eq!(go(&t, Some("a"), "exitAll"), Ok(Outcome::End { suspended: false }));
    assert_eq!(
        t.navigate(None, Some("b"), &Request::ResumeAll).map_err(|r| r.rule),
        to("b")
    );
    assert_eq!(go(&t, None, "resumeAll"), Err("nothing_suspended"));
    assert!(Request::parse("choice", None).is_err());
    assert!(Request::parse("sideways", None).is_err());
}

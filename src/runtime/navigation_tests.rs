use super::*;
use crate::package::model::sequencing::ControlMode;
use crate::package::model::{ItemLaunch, LaunchHref, ScormType, Sequencing};

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

fn cluster(id: &str, mode: Option<ControlMode>, children: Vec<Item>) -> Item {
    let mut item = Item::new(id, id);
    item.items = children;
    item.sequencing = mode.map(|m| {
        Box::new(Sequencing {
            control_mode: Some(m),
            ..Sequencing::default()
        })
    });
    item
}

fn org(mode: Option<ControlMode>, items: Vec<Item>) -> Organization {
    Organization {
        identifier: "org".into(),
        title: "Org".into(),
        implicit: false,
        objectives_global_to_system: true,
        shared_data_global_to_system: true,
        sequencing: mode.map(|m| {
            Box::new(Sequencing {
                control_mode: Some(m),
                ..Sequencing::default()
            })
        }),
        items,
    }
}

fn flow() -> ControlMode {
    ControlMode {
        flow: true,
        ..ControlMode::default()
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
fn defaults_allow_choice_but_not_flow() {
    let o = org(None, vec![sco("a"), sco("b")]);
    let t = Tree::new(&o, false);
    assert_eq!(
        go(&t, None, "start"),
        to("a"),
        "start falls back to the first choosable item"
    );
    assert_eq!(go(&t, Some("a"), "continue"), Err("flow_disabled"));
    assert_eq!(go(&t, Some("b"), "previous"), Err("flow_disabled"));
    assert_eq!(go(&t, Some("a"), "choice:b"), to("b"));
    assert_eq!(go(&t, Some("a"), "{target=b}choice"), to("b"));
    assert_eq!(go(&t, Some("a"), "choice:zz"), Err("no_such_item"));
    let v = t.validity(Some("a"));
    assert!(!v.continue_ && !v.previous);
    assert_eq!(v.choice, ["a", "b"]);
}

#[test]
fn flow_moves_through_clusters_and_ends_after_the_last_item() {
    let o = org(
        Some(flow()),
        vec![sco("a"), cluster("m", Some(flow()), vec![sco("b"), sco("c")]), sco("d")],
    );
    let t = Tree::new(&o, false);
    assert_eq!(go(&t, None, "start"), to("a"));
    assert_eq!(go(&t, Some("a"), "continue"), to("b"));
    assert_eq!(go(&t, Some("c"), "continue"), to("d"));
    assert_eq!(go(&t, Some("d"), "previous"), to("c"));
    assert_eq!(go(&t, Some("b"), "previous"), to("a"));
    assert_eq!(go(&t, Some("a"), "previous"), Err("start_of_course"));
    assert_eq!(go(&t, Some("d"), "continue"), Ok(Outcome::End { suspended: false }));
    assert_eq!(
        go(&t, Some("a"), "choice:m"),
        to("b"),
        "choosing a cluster flows into it"
    );
    let v = t.validity(Some("d"));
    assert!(!v.continue_ && v.previous);
}

#[test]
fn a_cluster_without_flow_stops_flow_at_its_edge() {
    let o = org(
        Some(flow()),
        vec![sco("a"), cluster("m", None, vec![sco("b")]), sco("c")],
    );
    let t = Tree::new(&o, false);
    assert_eq!(go(&t, Some("a"), "continue"), Err("flow_disabled"));
    assert_eq!(go(&t, Some("b"), "continue"), Err("flow_disabled"));
    assert_eq!(go(&t, Some("a"), "choice:b"), to("b"));
}

#[test]
fn forward_only_choice_and_choice_exit_are_honoured() {
    let fwd = ControlMode {
        flow: true,
        forward_only: true,
        ..ControlMode::default()
    };
    let locked = ControlMode {
        flow: true,
        choice_exit: false,
        ..ControlMode::default()
    };
    let no_choice = ControlMode {
        flow: true,
        choice: false,
        ..ControlMode::default()
    };
    let o = org(
        Some(flow()),
        vec![
            cluster("f", Some(fwd), vec![sco("a"), sco("b")]),
            cluster("x", Some(locked), vec![sco("c"), sco("d")]),
            cluster("n", Some(no_choice), vec![sco("e")]),
        ],
    );
    let t = Tree::new(&o, false);
    assert_eq!(go(&t, Some("b"), "previous"), Err("forward_only"));
    assert_eq!(go(&t, Some("b"), "choice:a"), Err("forward_only"));
    assert_eq!(
        go(&t, Some("c"), "choice:d"),
        to("d"),
        "choice inside the cluster is fine"
    );
    assert_eq!(go(&t, Some("c"), "choice:a"), Err("choice_exit_disabled"));
    assert_eq!(go(&t, Some("a"), "choice:e"), Err("choice_disabled"));
    assert_eq!(go(&t, Some("a"), "jump:e"), to("e"), "jump ignores the control modes");
    assert_eq!(go(&t, Some("d"), "continue"), to("e"));
}

#[test]
fn scorm12_navigates_freely_and_sessions_end_or_suspend() {
    let o = org(None, vec![sco("a"), sco("b")]);
    let t = Tree::new(&o, true);
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

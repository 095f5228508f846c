//! The benchmarks' generated SCORM 2004 4th edition course: a root over `modules` modules
//! of 10 clusters of 10 SCOs (111 activities a module), with choice and flow everywhere,
//! global objectives written by every SCO and module and read by one SCO in five,
//! `atLeastCount` rollup, exit rules, reordering and attempt limits (see
//! `bench_sequencing.rs`). Shared by `bench_sequencing` (the engine alone) and `bench nav`
//! (the navigation call over HTTP).

use std::fmt::Write as _;

pub const CLUSTERS: usize = 10;
pub const LEAVES: usize = 10;

pub fn leaf_id(m: usize, c: usize, l: usize) -> String {
    format!("sco-{m}-{c}-{l}")
}

fn leaf(out: &mut String, m: usize, c: usize, l: usize) {
    let id = leaf_id(m, c, l);
    let reads = l % 5 == 4;
    let _ = write!(
        out,
        r#"<item identifier="{id}" identifierref="res"><title>{id}</title><imsss:sequencing>"#
    );
    if reads {
        out.push_str(
            r#"<imsss:sequencingRules><imsss:preConditionRule><imsss:ruleConditions><imsss:ruleCondition referencedObjective="prev" condition="satisfied"/></imsss:ruleConditions><imsss:ruleAction action="skip"/></imsss:preConditionRule></imsss:sequencingRules>"#,
        );
    }
    if l == 7 {
        out.push_str(r#"<imsss:limitConditions attemptLimit="3"/>"#);
    }
    let _ = write!(
        out,
        r#"<imsss:objectives><imsss:primaryObjective objectiveID="obj"><imsss:mapInfo targetObjectiveID="g-{id}" writeSatisfiedStatus="true" writeNormalizedMeasure="true"/></imsss:primaryObjective>"#
    );
    if reads {
        let prev = leaf_id(m, c, l - 1);
        let _ = write!(
            out,
            r#"<imsss:objective objectiveID="prev"><imsss:mapInfo targetObjectiveID="g-{prev}" readSatisfiedStatus="true"/></imsss:objective>"#
        );
    }
    out.push_str("</imsss:objectives></imsss:sequencing></item>");
}

fn cluster(out: &mut String, m: usize, c: usize) {
    let _ = write!(
        out,
        r#"<item identifier="cluster-{m}-{c}"><title>Cluster {m}.{c}</title>"#
    );
    for l in 0..LEAVES {
        leaf(out, m, c, l);
    }
    out.push_str(
        r#"<imsss:sequencing><imsss:controlMode choice="true" flow="true"/><imsss:sequencingRules><imsss:exitConditionRule><imsss:ruleConditions conditionCombination="all"><imsss:ruleCondition condition="completed"/><imsss:ruleCondition condition="satisfied"/></imsss:ruleConditions><imsss:ruleAction action="exit"/></imsss:exitConditionRule></imsss:sequencingRules>"#,
    );
    if c.is_multiple_of(3) {
        out.push_str(r#"<imsss:randomizationControls randomizationTiming="onEachNewAttempt" reorderChildren="true"/>"#);
    }
    out.push_str("</imsss:sequencing></item>");
}

fn module(out: &mut String, m: usize) {
    let _ = write!(out, r#"<item identifier="module-{m}"><title>Module {m}</title>"#);
    for c in 0..CLUSTERS {
        cluster(out, m, c);
    }
    let _ = write!(
        out,
        r#"<imsss:sequencing><imsss:controlMode choice="true" flow="true"/><imsss:rollupRules><imsss:rollupRule childActivitySet="atLeastCount" minimumCount="7"><imsss:rollupConditions><imsss:rollupCondition condition="satisfied"/></imsss:rollupConditions><imsss:rollupAction action="satisfied"/></imsss:rollupRule><imsss:rollupRule childActivitySet="any"><imsss:rollupConditions><imsss:rollupCondition operator="not" condition="satisfied"/></imsss:rollupConditions><imsss:rollupAction action="notSatisfied"/></imsss:rollupRule></imsss:rollupRules><imsss:objectives><imsss:primaryObjective objectiveID="module"><imsss:mapInfo targetObjectiveID="g-module-{m}" writeSatisfiedStatus="true"/></imsss:primaryObjective></imsss:objectives></imsss:sequencing></item>"#
    );
}

/// The course's manifest: `modules` modules of 10 clusters of 10 SCOs.
pub fn manifest(modules: usize) -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="bench.sequencing" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
<metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
<organizations default="org"><organization identifier="org"><title>Bench</title>"#,
    );
    for m in 0..modules {
        module(&mut out, m);
    }
    out.push_str(
        r#"<imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing></organization></organizations>
<resources><resource identifier="res" type="webcontent" adlcp:scormType="sco" href="sco.html"><file href="sco.html"/></resource></resources></manifest>"#,
    );
    out
}

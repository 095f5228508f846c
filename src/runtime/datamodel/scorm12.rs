//! The SCORM 1.2 data model (CMI001 as profiled by SCORM 1.2 RTE chapter 3).

use super::types::{DataType, Element, chars, children, count, ro, rw, vocab, wo};

const STATUS: &[&str] = &[
    "passed",
    "completed",
    "failed",
    "incomplete",
    "browsed",
    "not attempted",
];
const EXIT: &[&str] = &["time-out", "suspend", "logout", ""];
const ENTRY: &[&str] = &["ab-initio", "resume", ""];
const CREDIT: &[&str] = &["credit", "no-credit"];
const MODE: &[&str] = &["normal", "review", "browse"];
const TIME_LIMIT_ACTION: &[&str] = &[
    "exit,message",
    "exit,no message",
    "continue,message",
    "continue,no message",
];
const INTERACTION_TYPE: &[&str] = &[
    "true-false",
    "choice",
    "fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
];
const RESULT: &[&str] = &["correct", "wrong", "unanticipated", "neutral"];

/// The vocabulary values `SetValue` may not write (the LMS's own initial state).
pub const NOT_SETTABLE: &[(&str, &str)] = &[("cmi.core.lesson_status", "not attempted")];

const STRING255: DataType = chars(255);
const STRING4096: DataType = chars(4096);
const IDENTIFIER: DataType = DataType::Identifier { spm: 255 };
const SCORE: DataType = DataType::Real {
    min: Some(0.0),
    max: Some(100.0),
    blank: true,
};
const DECIMAL: DataType = DataType::Real {
    min: None,
    max: None,
    blank: false,
};

/// Every SCORM 1.2 element.
pub const TABLE: &[Element] = &[
    children(
        "cmi._children",
        "core,suspend_data,launch_data,comments,objectives,student_data,student_preference,interactions",
    ),
    ro("cmi._version", DataType::Keyword).init("3.4"),
    children(
        "cmi.core._children",
        "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
    ),
    ro("cmi.core.student_id", IDENTIFIER).lms(),
    ro("cmi.core.student_name", STRING255).lms(),
    rw("cmi.core.lesson_location", STRING255).init(""),
    ro("cmi.core.credit", vocab(CREDIT)).init("credit"),
    rw("cmi.core.lesson_status", vocab(STATUS)).init("not attempted"),
    ro("cmi.core.entry", vocab(ENTRY)).init("ab-initio"),
    children("cmi.core.score._children", "raw,min,max"),
    rw("cmi.core.score.raw", SCORE).init(""),
    rw("cmi.core.score.min", SCORE).init(""),
    rw("cmi.core.score.max", SCORE).init(""),
    ro("cmi.core.total_time", DataType::CmiTimespan).init("0000:00:00.00"),
    ro("cmi.core.lesson_mode", vocab(MODE)).init("normal"),
    wo("cmi.core.exit", vocab(EXIT)),
    wo("cmi.core.session_time", DataType::CmiTimespan),
    rw("cmi.suspend_data", STRING4096).init("").lenient(64000),
    ro("cmi.launch_data", STRING4096).lms(),
    rw("cmi.comments", STRING4096).init(""),
    ro("cmi.comments_from_lms", STRING4096).lms(),
    children("cmi.objectives._children", "id,score,status"),
    count("cmi.objectives._count"),
    rw("cmi.objectives.n.id", IDENTIFIER),
    children("cmi.objectives.n.score._children", "raw,min,max"),
    rw("cmi.objectives.n.score.raw", SCORE).init(""),
    rw("cmi.objectives.n.score.min", SCORE).init(""),
    rw("cmi.objectives.n.score.max", SCORE).init(""),
    rw("cmi.objectives.n.status", vocab(STATUS)).init("not attempted"),
    children(
        "cmi.student_data._children",
        "mastery_score,max_time_allowed,time_limit_action",
    ),
    ro("cmi.student_data.mastery_score", SCORE).lms(),
    ro("cmi.student_data.max_time_allowed", DataType::CmiTimespan).lms(),
    ro("cmi.student_data.time_limit_action", vocab(TIME_LIMIT_ACTION)).lms(),
    children("cmi.student_preference._children", "audio,language,speed,text"),
    rw("cmi.student_preference.audio", DataType::Integer { min: -1, max: 100 }).init("0"),
    rw("cmi.student_preference.language", STRING255).init(""),
    rw(
        "cmi.student_preference.speed",
        DataType::Integer { min: -100, max: 100 },
    )
    .init("0"),
    rw("cmi.student_preference.text", DataType::Integer { min: -1, max: 1 }).init("0"),
    children(
        "cmi.interactions._children",
        "id,objectives,time,type,correct_responses,weighting,student_response,result,latency",
    ),
    count("cmi.interactions._count"),
    wo("cmi.interactions.n.id", IDENTIFIER),
    count("cmi.interactions.n.objectives._count"),
    wo("cmi.interactions.n.objectives.n.id", IDENTIFIER),
    wo("cmi.interactions.n.time", DataType::CmiTime),
    wo("cmi.interactions.n.type", vocab(INTERACTION_TYPE)),
    count("cmi.interactions.n.correct_responses._count"),
    wo(
        "cmi.interactions.n.correct_responses.n.pattern",
        DataType::CmiFeedback { spm: 255 },
    ),
    wo("cmi.interactions.n.weighting", DECIMAL),
    wo(
        "cmi.interactions.n.student_response",
        DataType::CmiFeedback { spm: 255 },
    ),
    wo(
        "cmi.interactions.n.result",
        DataType::VocabularyOrReal { values: RESULT },
    ),
    wo("cmi.interactions.n.latency", DataType::CmiTimespan),
];

//! The SCORM 2004 4th Edition data model (RTE chapter 4) and the ADL extensions
//! (`adl.nav.*`, `adl.data.*`).

use serde::Serialize;

use super::responses::Format;
use super::types::{DataType, Element, chars, children, count, real, ro, rw, vocab, wo};

const COMPLETION: &[&str] = &["completed", "incomplete", "not attempted", "unknown"];
const SUCCESS: &[&str] = &["passed", "failed", "unknown"];
const CREDIT: &[&str] = &["credit", "no-credit"];
const ENTRY: &[&str] = &["ab-initio", "resume", ""];
const EXIT: &[&str] = &["time-out", "suspend", "logout", "normal", ""];
const MODE: &[&str] = &["browse", "normal", "review"];
const CAPTIONING: &[&str] = &["-1", "0", "1"];
const TIME_LIMIT_ACTION: &[&str] = &[
    "exit,message",
    "continue,message",
    "exit,no message",
    "continue,no message",
];
const REQUEST_VALID: &[&str] = &["true", "false", "unknown"];
const RESULT: &[&str] = &["correct", "incorrect", "unanticipated", "neutral"];

/// One interaction type: how many correct response patterns it may have (RTE 4.2.9) and
/// how its learner response and its patterns are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InteractionType {
    #[serde(rename = "type")]
    pub name: &'static str,
    pub max_correct_responses: usize,
    pub response: Format,
    pub pattern: Format,
}

const fn kind(name: &'static str, max_correct_responses: usize, response: Format, pattern: Format) -> InteractionType {
    InteractionType {
        name,
        max_correct_responses,
        response,
        pattern,
    }
}

const IDS: Format = Format::Identifiers {
    unique: true,
    empty: true,
};
const ORDERED_IDS: Format = Format::Identifiers {
    unique: false,
    empty: false,
};

/// The interaction types (the vocabulary of `cmi.interactions.n.type`).
pub const INTERACTION_TYPES: &[InteractionType] = &[
    kind(
        "true-false",
        1,
        Format::Vocabulary {
            values: &["true", "false"],
        },
        Format::Vocabulary {
            values: &["true", "false"],
        },
    ),
    kind("choice", 10, IDS, IDS),
    kind(
        "fill-in",
        5,
        Format::LocalizedList {
            flags: &[],
            items: 10,
            spm: 250,
        },
        Format::LocalizedList {
            flags: &["case_matters", "order_matters"],
            items: 10,
            spm: 250,
        },
    ),
    kind(
        "long-fill-in",
        5,
        Format::Localized { flags: &[], spm: 4000 },
        Format::Localized {
            flags: &["case_matters"],
            spm: 4000,
        },
    ),
    kind("likert", 1, Format::Identifier, Format::Identifier),
    kind("matching", 5, Format::Pairs, Format::Pairs),
    kind(
        "performance",
        5,
        Format::Steps {
            flags: &[],
            spm: 250,
            ranges: false,
        },
        Format::Steps {
            flags: &["order_matters"],
            spm: 250,
            ranges: true,
        },
    ),
    kind("sequencing", 5, ORDERED_IDS, ORDERED_IDS),
    kind("numeric", 1, Format::Real, Format::Range),
    kind("other", 1, Format::Chars { spm: 4000 }, Format::Chars { spm: 4000 }),
];
const INTERACTION_TYPE: &[&str] = &[
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "likert",
    "matching",
    "performance",
    "sequencing",
    "numeric",
    "other",
];

/// The elements whose values are item ids: unique within their collection, never changed
/// once set.
pub const UNIQUE_IDS: &[&str] = &["cmi.objectives.n.id", "cmi.interactions.n.objectives.n.id"];

const ID: DataType = DataType::LongIdentifier { spm: 4000 };
const SCALED: DataType = real(Some(-1.0), Some(1.0));
const UNIT: DataType = real(Some(0.0), Some(1.0));
const REAL: DataType = real(None, None);
const COMMENT: DataType = DataType::LocalizedString { spm: 4000 };
const DESCRIPTION: DataType = DataType::LocalizedString { spm: 250 };

const INTERACTION_ID: &[&str] = &["cmi.interactions.n.id"];
const INTERACTION_TYPED: &[&str] = &["cmi.interactions.n.id", "cmi.interactions.n.type"];
const OBJECTIVE_ID: &[&str] = &["cmi.objectives.n.id"];

/// Every SCORM 2004 element.
pub const TABLE: &[Element] = &[
    ro("cmi._version", DataType::Keyword).init("1.0"),
    children("cmi.comments_from_learner._children", "comment,location,timestamp"),
    count("cmi.comments_from_learner._count"),
    rw("cmi.comments_from_learner.n.comment", COMMENT),
    rw("cmi.comments_from_learner.n.location", chars(250)),
    rw("cmi.comments_from_learner.n.timestamp", DataType::Time),
    children("cmi.comments_from_lms._children", "comment,location,timestamp"),
    count("cmi.comments_from_lms._count"),
    ro("cmi.comments_from_lms.n.comment", COMMENT).lms(),
    ro("cmi.comments_from_lms.n.location", chars(250)).lms(),
    ro("cmi.comments_from_lms.n.timestamp", DataType::Time).lms(),
    rw("cmi.completion_status", vocab(COMPLETION)).init("unknown"),
    ro("cmi.completion_threshold", UNIT).lms(),
    ro("cmi.credit", vocab(CREDIT)).init("credit"),
    ro("cmi.entry", vocab(ENTRY)).init("ab-initio"),
    wo("cmi.exit", vocab(EXIT)),
    children(
        "cmi.interactions._children",
        "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description",
    ),
    count("cmi.interactions._count"),
    rw("cmi.interactions.n.id", ID),
    rw("cmi.interactions.n.type", vocab(INTERACTION_TYPE)).after(INTERACTION_ID),
    count("cmi.interactions.n.objectives._count"),
    rw("cmi.interactions.n.objectives.n.id", ID).after(INTERACTION_ID),
    rw("cmi.interactions.n.timestamp", DataType::Time).after(INTERACTION_ID),
    count("cmi.interactions.n.correct_responses._count"),
    rw(
        "cmi.interactions.n.correct_responses.n.pattern",
        DataType::Response { pattern: true },
    )
    .after(INTERACTION_TYPED),
    rw("cmi.interactions.n.weighting", REAL).after(INTERACTION_ID),
    rw(
        "cmi.interactions.n.learner_response",
        DataType::Response { pattern: false },
    )
    .after(INTERACTION_TYPED),
    rw(
        "cmi.interactions.n.result",
        DataType::VocabularyOrReal { values: RESULT },
    )
    .after(INTERACTION_ID),
    rw("cmi.interactions.n.latency", DataType::TimeInterval).after(INTERACTION_ID),
    rw("cmi.interactions.n.description", DESCRIPTION).after(INTERACTION_ID),
    ro("cmi.launch_data", chars(4000)).lms(),
    ro("cmi.learner_id", ID).lms(),
    ro("cmi.learner_name", DESCRIPTION).lms(),
    children(
        "cmi.learner_preference._children",
        "audio_level,language,delivery_speed,audio_captioning",
    ),
    rw("cmi.learner_preference.audio_level", real(Some(0.0), None)).init("1"),
    rw("cmi.learner_preference.language", DataType::Language { spm: 250 }).init(""),
    rw("cmi.learner_preference.delivery_speed", real(Some(0.0), None)).init("1"),
    rw("cmi.learner_preference.audio_captioning", vocab(CAPTIONING)).init("0"),
    rw("cmi.location", chars(1000)),
    ro("cmi.max_time_allowed", DataType::TimeInterval).lms(),
    ro("cmi.mode", vocab(MODE)).init("normal"),
    children(
        "cmi.objectives._children",
        "id,score,success_status,completion_status,progress_measure,description",
    ),
    count("cmi.objectives._count"),
    rw("cmi.objectives.n.id", ID),
    children("cmi.objectives.n.score._children", "scaled,raw,min,max"),
    rw("cmi.objectives.n.score.scaled", SCALED).after(OBJECTIVE_ID),
    rw("cmi.objectives.n.score.raw", REAL).after(OBJECTIVE_ID),
    rw("cmi.objectives.n.score.min", REAL).after(OBJECTIVE_ID),
    rw("cmi.objectives.n.score.max", REAL).after(OBJECTIVE_ID),
    rw("cmi.objectives.n.success_status", vocab(SUCCESS))
        .init("unknown")
        .after(OBJECTIVE_ID),
    rw("cmi.objectives.n.completion_status", vocab(COMPLETION))
        .init("unknown")
        .after(OBJECTIVE_ID),
    rw("cmi.objectives.n.progress_measure", UNIT).after(OBJECTIVE_ID),
    rw("cmi.objectives.n.description", DESCRIPTION).after(OBJECTIVE_ID),
    rw("cmi.progress_measure", UNIT),
    ro("cmi.scaled_passing_score", SCALED).lms(),
    children("cmi.score._children", "scaled,raw,min,max"),
    rw("cmi.score.scaled", SCALED),
    rw("cmi.score.raw", REAL),
    rw("cmi.score.min", REAL),
    rw("cmi.score.max", REAL),
    wo("cmi.session_time", DataType::TimeInterval),
    rw("cmi.success_status", vocab(SUCCESS)).init("unknown"),
    rw("cmi.suspend_data", chars(64000)),
    ro("cmi.time_limit_action", vocab(TIME_LIMIT_ACTION)).init("continue,no message"),
    ro("cmi.total_time", DataType::TimeInterval).init("PT0H0M0S"),
    rw("adl.nav.request", DataType::NavRequest).init("_none_"),
    ro("adl.nav.request_valid.continue", vocab(REQUEST_VALID)).init("unknown"),
    ro("adl.nav.request_valid.previous", vocab(REQUEST_VALID)).init("unknown"),
    ro("adl.nav.request_valid.choice.{target=}", vocab(REQUEST_VALID)).init("unknown"),
    ro("adl.nav.request_valid.jump.{target=}", vocab(REQUEST_VALID)).init("unknown"),
    children("adl.data._children", "id,store"),
    count("adl.data._count"),
    ro("adl.data.n.id", ID).lms(),
    rw("adl.data.n.store", chars(64000)).lms().after(&["adl.data.n.id"]),
];

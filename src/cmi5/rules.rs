//! The rules the LMS enforces on what an AU records through its session's credential
//! (cmi5 specification, section 9 and 10.2.2), as one pure decision per statement: the
//! statement is refused (403, naming the requirement) or admitted with what it changes.
//! Statements the xAPI rules refuse are refused by the LRS's own validation afterwards.

use serde_json::Value;

use super::state::{AuProgress, LaunchMode, Session};
use super::{CMI5_CATEGORY, MASTERY_SCORE, MOVEON_CATEGORY, SESSION_ID, verb};
use crate::lrs::agent::ifi_key;

/// A statement the session may not record: the requirement it breaks and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cmi5 {rule}: {message}")]
pub struct Refusal {
    pub rule: &'static str,
    pub message: String,
}

fn refuse(rule: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        rule,
        message: message.into(),
    }
}

/// What the session's statements are checked against.
#[derive(Debug, Clone, Copy)]
pub struct SessionView<'a> {
    pub id: &'a str,
    pub registration: &'a str,
    /// The AU's LMS activity id (the launch's `activityId`).
    pub activity: &'a str,
    pub session: &'a Session,
    pub progress: &'a AuProgress,
}

/// What an admitted statement changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Initialized,
    Completed,
    Passed,
    Failed,
    Terminated,
    /// A cmi5 allowed statement: recorded, changes nothing.
    Allowed,
}

/// Decides one statement of the session (`put_id`: the statementId of a PUT).
pub fn admit(st: &Value, s: &SessionView<'_>, put_id: Option<&str>) -> Result<Effect, Refusal> {
    let verb_id = st.pointer("/verb/id").and_then(Value::as_str).unwrap_or_default();
    if verb_id == verb::VOIDED {
        return Err(refuse("6.3.0.0-1", "an AU may not void statements"));
    }
    if put_id.is_none() && st.get("id").and_then(Value::as_str).is_none() {
        return Err(refuse("9.1.0.0-1", "an AU's statements must carry their id"));
    }
    check_timestamp(st)?;
    check_actor(st, s)?;
    check_context(st, s)?;
    let effect = effect_of(verb_id)?;
    if !s.session.initialized && effect != Effect::Initialized {
        return Err(refuse(
            "9.3.0.0-4",
            "the first statement of a session must be initialized",
        ));
    }
    if effect == Effect::Allowed {
        return allowed(st);
    }
    defined(st, s, effect)?;
    Ok(effect)
}

fn check_timestamp(st: &Value) -> Result<(), Refusal> {
    let Some(t) = st.get("timestamp").and_then(Value::as_str) else {
        return Err(refuse("9.7.0.0-1", "statements must carry a timestamp"));
    };
    let utc = t.ends_with('Z') || t.ends_with('z') || t.ends_with("+00:00") || t.ends_with("+0000");
    if !utc {
        return Err(refuse("9.7.0.0-2", format!("timestamp {t:?} is not in UTC")));
    }
    Ok(())
}

fn check_actor(st: &Value, s: &SessionView<'_>) -> Result<(), Refusal> {
    let actor = st.get("actor").unwrap_or(&Value::Null);
    match actor.get("objectType").map(|t| t.as_str()) {
        None | Some(Some("Agent")) => {}
        _ => return Err(refuse("9.2.0.0-2", "the actor must be an Agent")),
    }
    if actor.get("account").is_none() {
        return Err(refuse("9.2.0.0-3", "the actor must be identified by an account"));
    }
    if ifi_key(actor) != ifi_key(&s.session.actor) {
        return Err(refuse(
            "9.2.0.0-1",
            "the actor must be the learner the AU was launched for",
        ));
    }
    Ok(())
}

fn check_context(st: &Value, s: &SessionView<'_>) -> Result<(), Refusal> {
    let Some(context) = st.get("context").filter(|c| c.is_object()) else {
        return Err(refuse("9.6.0.0-1", "statements must carry a context"));
    };
    let registration = context.get("registration").and_then(Value::as_str);
    if !registration.is_some_and(|r| r.eq_ignore_ascii_case(s.registration)) {
        return Err(refuse(
            "9.6.1.0-1",
            "context.registration must be the registration of the launch",
        ));
    }
    let session = context.pointer("/extensions").and_then(|e| e.get(SESSION_ID));
    if session.and_then(Value::as_str) != Some(s.id) {
        return Err(refuse(
            "9.6.3.1-4",
            "the context must carry the session id of the launch",
        ));
    }
    Ok(())
}

fn effect_of(verb_id: &str) -> Result<Effect, Refusal> {
    Ok(match verb_id {
        verb::INITIALIZED => Effect::Initialized,
        verb::COMPLETED => Effect::Completed,
        verb::PASSED => Effect::Passed,
        verb::FAILED => Effect::Failed,
        verb::TERMINATED => Effect::Terminated,
        verb::LAUNCHED | verb::ABANDONED | verb::WAIVED | verb::SATISFIED => {
            return Err(refuse("9.3.0.0-1", "only the LMS records this verb"));
        }
        _ => Effect::Allowed,
    })
}

fn categories(st: &Value) -> Vec<&str> {
    st.pointer("/context/contextActivities/category")
        .map(|c| match c {
            Value::Array(a) => a.iter().filter_map(|x| x.get("id").and_then(Value::as_str)).collect(),
            other => other.get("id").and_then(Value::as_str).into_iter().collect(),
        })
        .unwrap_or_default()
}

fn allowed(st: &Value) -> Result<Effect, Refusal> {
    if categories(st).contains(&MOVEON_CATEGORY) {
        return Err(refuse(
            "9.6.2.2-2",
            "only completed, passed and failed statements carry the moveOn category",
        ));
    }
    Ok(Effect::Allowed)
}

/// A cmi5 defined statement (initialized, completed, passed, failed, terminated).
fn defined(st: &Value, s: &SessionView<'_>, effect: Effect) -> Result<(), Refusal> {
    if st.pointer("/object/id").and_then(Value::as_str) != Some(s.activity) {
        return Err(refuse(
            "8.1.5.0-6",
            "the object of a cmi5 defined statement must be the launch's activityId",
        ));
    }
    let cats = categories(st);
    if !cats.contains(&CMI5_CATEGORY) {
        return Err(refuse("9.6.2.1-1", "cmi5 defined statements carry the cmi5 category"));
    }
    let result = st.get("result").unwrap_or(&Value::Null);
    let judged = result.get("success").is_some() || result.get("completion").is_some();
    let moveon = cats.contains(&MOVEON_CATEGORY);
    if judged && !moveon {
        return Err(refuse(
            "9.6.2.2-1",
            "statements with result.success or result.completion carry the moveOn category",
        ));
    }
    if moveon && (!judged || matches!(effect, Effect::Initialized | Effect::Terminated)) {
        return Err(refuse(
            "9.6.2.2-2",
            "only completed, passed and failed statements carry the moveOn category",
        ));
    }
    if result.pointer("/score/raw").is_some()
        && (result.pointer("/score/min").is_none() || result.pointer("/score/max").is_none())
    {
        return Err(refuse("9.5.1.0-3", "a raw score needs its min and max"));
    }
    match effect {
        Effect::Initialized if s.session.initialized => Err(refuse("9.3.2.0-3", "the session was already initialized")),
        Effect::Initialized if !s.session.preferences_read => Err(refuse(
            "11.0.0.0-3",
            "the AU must read the learner preferences (cmi5LearnerPreferences) before initialized",
        )),
        Effect::Completed | Effect::Passed | Effect::Failed => judged_statement(st, result, s, effect),
        Effect::Terminated => needs_duration(result, "9.5.4.1-1"),
        _ => Ok(()),
    }
}

fn needs_duration(result: &Value, rule: &'static str) -> Result<(), Refusal> {
    if result.get("duration").is_none() {
        return Err(refuse(rule, "the statement must carry result.duration"));
    }
    Ok(())
}

fn judged_statement(st: &Value, result: &Value, s: &SessionView<'_>, effect: Effect) -> Result<(), Refusal> {
    if s.session.mode != LaunchMode::Normal {
        let rule = if s.session.mode == LaunchMode::Browse {
            "10.2.2.0-2"
        } else {
            "10.2.2.0-3"
        };
        return Err(refuse(
            rule,
            format!(
                "no completion or success is recorded in {} mode",
                s.session.mode.as_str()
            ),
        ));
    }
    match effect {
        Effect::Completed => completed(result, s),
        Effect::Passed => passed(st, result, s),
        _ => failed(st, result, s),
    }
}

fn completed(result: &Value, s: &SessionView<'_>) -> Result<(), Refusal> {
    if result.get("completion") != Some(&Value::Bool(true)) {
        return Err(refuse("9.5.3.0-1", "completed needs result.completion true"));
    }
    if result.get("success").is_some() {
        return Err(refuse("9.5.2.0-3", "completed does not carry result.success"));
    }
    if result.get("score").is_some() {
        return Err(refuse("9.5.1.0-2", "completed does not carry a score"));
    }
    needs_duration(result, "9.5.4.1-2")?;
    if s.progress.completed {
        return Err(refuse("9.3.3.0-2", "the AU was already completed in this registration"));
    }
    Ok(())
}

fn passed(st: &Value, result: &Value, s: &SessionView<'_>) -> Result<(), Refusal> {
    if result.get("success") != Some(&Value::Bool(true)) {
        return Err(refuse("9.5.2.0-1", "passed needs result.success true"));
    }
    if result.get("completion").is_some() {
        return Err(refuse("9.5.3.0-2", "passed does not carry result.completion"));
    }
    needs_duration(result, "9.5.4.1-3")?;
    mastery(st, result, s, true)?;
    if s.progress.passed {
        return Err(refuse("9.3.4.0-3", "the AU was already passed in this registration"));
    }
    if s.session.judged.contains(verb::FAILED) {
        return Err(refuse("9.3.0.0-3", "the AU already failed in this session"));
    }
    Ok(())
}

fn failed(st: &Value, result: &Value, s: &SessionView<'_>) -> Result<(), Refusal> {
    if result.get("success") != Some(&Value::Bool(false)) {
        return Err(refuse("9.5.2.0-2", "failed needs result.success false"));
    }
    if result.get("completion").is_some() {
        return Err(refuse("9.5.3.0-2", "failed does not carry result.completion"));
    }
    needs_duration(result, "9.5.4.1-4")?;
    mastery(st, result, s, false)?;
    if s.progress.passed {
        return Err(refuse("9.3.0.0-8", "the AU was already passed in this registration"));
    }
    if s.session.judged.contains(verb::FAILED) || s.session.judged.contains(verb::PASSED) {
        return Err(refuse("9.3.0.0-2", "the AU was already judged in this session"));
    }
    Ok(())
}

/// Passed and failed against the session's mastery score (9.3.4.0-2, 9.3.5.0-2): a
/// judgement based on a score carries the launch's mastery score (9.6.3.2-2); one that
/// carries the extension at all carries the launch's value.
fn mastery(st: &Value, result: &Value, s: &SessionView<'_>, pass: bool) -> Result<(), Refusal> {
    let Some(m) = s.session.mastery_score else {
        return Ok(());
    };
    let given = st.pointer("/context/extensions").and_then(|e| e.get(MASTERY_SCORE));
    let scored = result.get("score").is_some();
    let right = given.and_then(Value::as_f64).is_some_and(|g| (g - m).abs() < 1e-9);
    if (scored || given.is_some()) && !right {
        return Err(refuse(
            "9.6.3.2-2",
            format!("a judgement by score carries the launch's masteryScore {m}"),
        ));
    }
    let Some(scaled) = result.pointer("/score/scaled").and_then(Value::as_f64) else {
        return Ok(());
    };
    if pass && scaled < m {
        return Err(refuse(
            "9.3.4.0-2",
            format!("a passing score is at least the masteryScore {m}"),
        ));
    }
    if !pass && scaled >= m {
        return Err(refuse(
            "9.3.5.0-2",
            format!("a failing score is below the masteryScore {m}"),
        ));
    }
    Ok(())
}

/// What an admitted statement does to the session and the AU's progress.
pub fn apply(effect: Effect, session: &mut Session, progress: &mut AuProgress) {
    match effect {
        Effect::Initialized => session.initialized = true,
        Effect::Completed => {
            progress.completed = true;
            session.judged.insert(verb::COMPLETED.to_owned());
        }
        Effect::Passed => {
            progress.passed = true;
            session.judged.insert(verb::PASSED.to_owned());
        }
        Effect::Failed => {
            progress.failed = true;
            session.judged.insert(verb::FAILED.to_owned());
        }
        Effect::Terminated => progress.terminated = progress.terminated.saturating_add(1),
        Effect::Allowed => {}
    }
}

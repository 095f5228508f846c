//! Requests made with a cmi5 session's credential: statements go through the session's
//! rules (`cmi5::usecase::record`), the launch data may only be read, and the learner
//! preferences are checked before they are written (and noted when read).

use std::sync::Arc;

use axum::http::Method;

use super::Ctx;
use super::attachments::Incoming;
use crate::cmi5::usecase::{self, Recording, Registration};
use crate::cmi5::{LAUNCH_DATA, LEARNER_PREFERENCES, preferences};
use crate::http::auth::Cmi5Bound;
use crate::http::error::ApiError;
use crate::lrs::LrsError;
use crate::lrs::document::DocKind;
use crate::lrs::statement::Storer;
use crate::package::model::Course;
use crate::runtime::course::LoadedCourse;

async fn course(ctx: &Ctx, b: &Cmi5Bound) -> Result<Arc<LoadedCourse>, ApiError> {
    crate::http::content::courses::course_model(&ctx.state, ctx.principal.tenant.id, &b.package, b.version)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("the course of this session no longer exists".into()))
}

fn registration<'a>(ctx: &'a Ctx, b: &'a Cmi5Bound, course: &'a Course) -> Registration<'a> {
    let bound = ctx.principal.learner.as_ref();
    Registration {
        store: ctx.state.store.as_ref(),
        tenant: ctx.principal.tenant.id,
        public_url: &ctx.state.config.public_url,
        package: &b.package,
        course,
        registration: bound.and_then(|l| l.registration.as_deref()).unwrap_or_default(),
        actor: bound.map_or(&serde_json::Value::Null, |l| &l.agent),
        now_ms: ctx.state.config.wall.now_ms(),
        session_timeout_ms: ctx.principal.tenant.settings.cmi5_session_timeout_ms(),
    }
}

/// Records the session's statements; answers their ids.
pub async fn record(
    ctx: &Ctx,
    b: &Cmi5Bound,
    incoming: Incoming,
    put_id: Option<&str>,
    storer: &Storer,
) -> Result<Vec<String>, ApiError> {
    let course = course(ctx, b).await?;
    let rec = Recording {
        session: &b.session,
        statements: incoming.statements,
        put_id,
        storer,
        credential: &ctx.principal.credential.key,
        attachments: incoming.attachments,
    };
    Ok(usecase::record(&registration(ctx, b, &course), rec).await?)
}

/// What a session's credential may do with a document, before the LRS does it.
pub async fn document(ctx: &Ctx, b: &Cmi5Bound, kind: DocKind, id: Option<&str>) -> Result<(), ApiError> {
    let write = !matches!(ctx.req.method, Method::GET | Method::HEAD);
    match (kind, id) {
        (DocKind::State, Some(LAUNCH_DATA)) | (DocKind::State, None) if write => {
            Err(LrsError::Forbidden("cmi5 10.2.1.0-5: an AU may not change or delete LMS.LaunchData".into()).into())
        }
        (DocKind::AgentProfile, Some(LEARNER_PREFERENCES)) if write => {
            preferences::check(ctx.req.header("content-type"), &ctx.req.body)
                .map_err(|r| ApiError::Lrs(LrsError::Forbidden(r.to_string())))
        }
        (DocKind::AgentProfile, Some(LEARNER_PREFERENCES)) => {
            let course = course(ctx, b).await?;
            Ok(usecase::preferences_read(&registration(ctx, b, &course), &b.session).await?)
        }
        _ => Ok(()),
    }
}

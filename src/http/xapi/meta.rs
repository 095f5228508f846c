//! The About, Activities and Agents resources.

use crate::json::Put;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Ctx, XapiRequest, check_params, with_body};
use crate::http::error::ApiError;
use crate::lrs::agent::person;
use crate::lrs::validate::{Rules, validate_agent_param};
use crate::lrs::{LrsError, SUPPORTED_VERSIONS, formats};
use crate::tenant::Access;

fn json_response(v: &Value) -> Response {
    with_body(StatusCode::OK, "application/json", v.to_string())
}

fn only_get(req: &XapiRequest) -> Result<(), ApiError> {
    if req.method == Method::GET || req.method == Method::HEAD {
        Ok(())
    } else {
        Err(LrsError::bad(format!("{} is not supported on this resource", req.method)).into())
    }
}

pub fn about(req: &XapiRequest) -> Result<Response, ApiError> {
    only_get(req)?;
    Ok(json_response(
        &json!({ "version": SUPPORTED_VERSIONS, "extensions": {} }),
    ))
}

pub async fn activities(ctx: Ctx) -> Result<Response, ApiError> {
    only_get(&ctx.req)?;
    ctx.principal.require(Access::ReadMeta)?;
    check_params(&ctx.req, &["activityId"])?;
    let id = ctx
        .req
        .param("activityId")
        .ok_or_else(|| LrsError::bad("the activityId parameter is required"))?;
    if !formats::is_iri(id) {
        return Err(LrsError::bad(format!("activityId {id:?} is not an IRI")).into());
    }
    let tenant = ctx.principal.tenant.id;
    let recent = ctx
        .state
        .store
        .activity_statements(tenant, id, DEFINITION_SOURCES)
        .await?;
    let definitions = recent.iter().rev().filter_map(|s| {
        let v: Value = serde_json::from_str(&s.body).ok()?;
        v.get("object")?.get("definition").cloned()
    });
    let mut activity = json!({ "objectType": "Activity", "id": id });
    if let Some(d) = merge_definitions(definitions) {
        activity.put("definition", d);
    }
    Ok(json_response(&activity))
}

/// How many recent statements about an activity its served definition is merged from.
const DEFINITION_SOURCES: u32 = 100;

/// Merges definitions oldest to newest: language maps are unioned (newer text wins for
/// the same language), every other property takes the newest value.
fn merge_definitions(defs: impl Iterator<Item = Value>) -> Option<Value> {
    defs.reduce(|mut acc, d| {
        let (Some(a), Value::Object(new)) = (acc.as_object_mut(), d) else {
            return acc;
        };
        for (k, v) in new {
            match (a.get_mut(&k), v) {
                (Some(Value::Object(old)), Value::Object(add)) if k == "name" || k == "description" => old.extend(add),
                (_, v) => {
                    a.insert(k, v);
                }
            }
        }
        acc
    })
}

pub async fn agents(ctx: Ctx) -> Result<Response, ApiError> {
    only_get(&ctx.req)?;
    ctx.principal.require(Access::ReadMeta)?;
    check_params(&ctx.req, &["agent"])?;
    let raw = ctx
        .req
        .param("agent")
        .ok_or_else(|| LrsError::bad("the agent parameter is required"))?;
    let agent: Value = serde_json::from_str(raw).map_err(|e| LrsError::bad(format!("agent is not valid JSON: {e}")))?;
    validate_agent_param(&agent, Rules { version: ctx.version }).map_err(LrsError::BadRequest)?;
    Ok(json_response(&person(&agent)))
}

//! Building blocks: objects with a closed set of keys, strings, IRIs, language maps.

use serde_json::Value;

use super::JsonMap;
use super::path::Path;
use crate::lrs::formats;

/// A JSON object whose keys are all known and whose values are never `null`.
pub struct Obj<'a, 'p> {
    map: &'a JsonMap,
    path: &'p Path<'p>,
}

impl<'a, 'p> Obj<'a, 'p> {
    pub fn new(v: &'a Value, path: &'p Path<'p>, allowed: &[&str]) -> Result<Self, String> {
        let map = v.as_object().ok_or_else(|| path.err("must be a JSON object"))?;
        for (k, val) in map {
            if !allowed.contains(&k.as_str()) {
                return Err(path.err(format!("unexpected property {k:?}")));
            }
            if val.is_null() {
                return Err(path.err(format!("property {k:?} must not be null")));
            }
        }
        Ok(Self { map, path })
    }

    pub fn get(&self, k: &str) -> Option<&'a Value> {
        self.map.get(k)
    }

    pub fn require(&self, k: &str) -> Result<&'a Value, String> {
        self.map
            .get(k)
            .ok_or_else(|| self.path.err(format!("property {k:?} is required")))
    }

    pub fn has(&self, k: &str) -> bool {
        self.map.contains_key(k)
    }
}

pub fn check_string<'v>(v: &'v Value, p: &Path) -> Result<&'v str, String> {
    v.as_str().ok_or_else(|| p.err("must be a string"))
}

pub fn check_iri(v: &Value, p: &Path) -> Result<(), String> {
    let s = check_string(v, p)?;
    if formats::is_iri(s) {
        Ok(())
    } else {
        Err(p.err(format!("{s:?} is not an absolute IRI")))
    }
}

pub fn check_uuid(v: &Value, p: &Path) -> Result<(), String> {
    let s = check_string(v, p)?;
    if formats::is_uuid(s) {
        Ok(())
    } else {
        Err(p.err(format!("{s:?} is not a UUID")))
    }
}

pub fn check_lang_map(v: &Value, p: &Path) -> Result<(), String> {
    let map = v
        .as_object()
        .ok_or_else(|| p.err("must be a language map (JSON object)"))?;
    for (tag, text) in map {
        if !formats::is_language_tag(tag) {
            return Err(p.err(format!("{tag:?} is not an RFC 5646 language tag")));
        }
        if !text.is_string() {
            return Err(p.key(tag).err("must be a string"));
        }
    }
    Ok(())
}

pub fn check_extensions(v: &Value, p: &Path) -> Result<(), String> {
    let map = v.as_object().ok_or_else(|| p.err("must be a JSON object"))?;
    for k in map.keys() {
        if !formats::is_iri(k) {
            return Err(p.err(format!("extension key {k:?} is not an absolute IRI")));
        }
    }
    Ok(())
}

//! Parsed course models of package versions, kept for a short while: the run-time reads
//! the course on every request (open, commit, navigation), and reading and parsing a
//! large course's model takes milliseconds (1.3 to 5.7 ms for 1,000 activities,
//! docs/benchmarks.md). A version's model never changes; a deleted version is forgotten
//! at once on the server that deleted it and within `COURSE_TTL` on the others (its
//! number may be given to the next upload).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::package::model::Course;
use crate::runtime::course::LoadedCourse;

pub const COURSE_TTL: Duration = Duration::from_secs(30);
/// Course models kept at most (a large one is a few megabytes in memory).
const MAX_COURSES: usize = 64;

type Key = (i64, String, u32);

/// What is kept per package version, for `COURSE_TTL`.
pub struct VersionCache<T> {
    inner: Mutex<HashMap<Key, (Arc<T>, Instant)>>,
}

pub type CourseCache = VersionCache<LoadedCourse>;

impl<T> Default for VersionCache<T> {
    fn default() -> Self {
        Self {
            inner: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> VersionCache<T> {
    pub fn get(&self, tenant: i64, package: &str, version: u32) -> Option<Arc<T>> {
        let map = self.inner.lock().ok()?;
        map.get(&(tenant, package.to_owned(), version))
            .filter(|(_, at)| at.elapsed() < COURSE_TTL)
            .map(|(c, _)| Arc::clone(c))
    }

    pub fn insert(&self, tenant: i64, package: &str, version: u32, course: Arc<T>) {
        let Ok(mut map) = self.inner.lock() else { return };
        if map.len() >= MAX_COURSES {
            map.retain(|_, (_, at)| at.elapsed() < COURSE_TTL);
            if map.len() >= MAX_COURSES {
                map.clear();
            }
        }
        map.insert((tenant, package.to_owned(), version), (course, Instant::now()));
    }

    /// Forgets every version of a package (after it is deleted).
    pub fn forget_package(&self, package: &str) {
        if let Ok(mut map) = self.inner.lock() {
            map.retain(|(_, p, _), _| p != package);
        }
    }
}

/// A package version's course model, from the cache or read and parsed (then kept);
/// `None` when the version is not stored.
pub async fn course_model(
    state: &crate::server::AppState,
    tenant: crate::tenant::TenantId,
    package: &str,
    version: u32,
) -> Result<Option<Arc<LoadedCourse>>, crate::http::error::ApiError> {
    let cache = &state.caches.courses;
    if let Some(c) = cache.get(tenant.0, package, version) {
        return Ok(Some(c));
    }
    let Some(json) = state.store.package_course(tenant, package, version).await? else {
        return Ok(None);
    };
    let course: Course = serde_json::from_str(&json)
        .map_err(|e| crate::http::error::ApiError::Internal(format!("course model of {package}: {e}")))?;
    let course = Arc::new(LoadedCourse::new(course));
    cache.insert(tenant.0, package, version, Arc::clone(&course));
    Ok(Some(course))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_forgets_and_stays_bounded() {
        let c: VersionCache<String> = VersionCache::default();
        let course = Arc::new("a course model".to_owned());
        c.insert(1, "p", 1, Arc::clone(&course));
        assert!(c.get(1, "p", 1).is_some());
        assert!(c.get(2, "p", 1).is_none() && c.get(1, "p", 2).is_none());
        c.forget_package("p");
        assert!(c.get(1, "p", 1).is_none());
        for n in 0..200 {
            c.insert(1, "q", n, Arc::clone(&course));
        }
        assert!(c.inner.lock().map(|m| m.len()).unwrap_or(0) <= MAX_COURSES);
    }
}

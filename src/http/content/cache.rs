//! In-memory caches for the content origin. Package versions never change, so a file's
//! bytes (by SHA-256) can be kept as long as memory allows, and a path's lookup for a
//! short while (a deleted package stops resolving within `LOOKUP_TTL`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::store::PackageFile;

/// How long a path → file lookup is reused.
pub const LOOKUP_TTL: Duration = Duration::from_secs(30);
/// Most lookups kept.
const MAX_LOOKUPS: usize = 100_000;

/// Least-recently-used blob bytes, bounded by total size.
pub struct BlobCache {
    // A std mutex: held for map operations only, never across an await.
    inner: Mutex<Lru>,
    max_bytes: usize,
    /// Files larger than this are never cached.
    pub max_item: u64,
}

#[derive(Default)]
struct Lru {
    items: HashMap<String, (Bytes, u64)>,
    order: BTreeMap<u64, String>,
    bytes: usize,
    tick: u64,
}

impl BlobCache {
    pub fn new(max_bytes: usize, max_item: u64) -> Self {
        Self {
            inner: Mutex::new(Lru::default()),
            max_bytes,
            max_item,
        }
    }

    pub fn get(&self, sha256: &str) -> Option<Bytes> {
        let mut l = self.inner.lock().ok()?;
        l.tick += 1;
        let tick = l.tick;
        let (bytes, old) = l
            .items
            .get_mut(sha256)
            .map(|(b, t)| (b.clone(), std::mem::replace(t, tick)))?;
        l.order.remove(&old);
        l.order.insert(tick, sha256.to_owned());
        Some(bytes)
    }

    pub fn insert(&self, sha256: &str, bytes: Bytes) {
        if bytes.len() as u64 > self.max_item || bytes.len() > self.max_bytes {
            return;
        }
        let Ok(mut l) = self.inner.lock() else { return };
        if l.items.contains_key(sha256) {
            return;
        }
        while l.bytes + bytes.len() > self.max_bytes {
            let Some((_, oldest)) = l.order.pop_first() else { break };
            if let Some((b, _)) = l.items.remove(&oldest) {
                l.bytes -= b.len();
            }
        }
        l.tick += 1;
        let tick = l.tick;
        l.bytes += bytes.len();
        l.items.insert(sha256.to_owned(), (bytes, tick));
        l.order.insert(tick, sha256.to_owned());
    }
}

/// Path lookups of package versions, kept for `LOOKUP_TTL`.
#[derive(Default)]
pub struct LookupCache {
    inner: Mutex<HashMap<String, (PackageFile, Instant)>>,
}

impl LookupCache {
    pub fn key(tenant: i64, package: &str, version: u32, path: &str) -> String {
        format!("{tenant}\u{0}{package}\u{0}{version}\u{0}{path}")
    }

    pub fn get(&self, key: &str) -> Option<PackageFile> {
        let map = self.inner.lock().ok()?;
        map.get(key)
            .filter(|(_, at)| at.elapsed() < LOOKUP_TTL)
            .map(|(f, _)| f.clone())
    }

    /// Forgets every lookup of a package (after it is deleted).
    pub fn forget_package(&self, package: &str) {
        if let Ok(mut map) = self.inner.lock() {
            map.retain(|k, _| k.split('\u{0}').nth(1) != Some(package));
        }
    }

    pub fn insert(&self, key: String, file: PackageFile) {
        let Ok(mut map) = self.inner.lock() else { return };
        if map.len() >= MAX_LOOKUPS {
            map.retain(|_, (_, at)| at.elapsed() < LOOKUP_TTL);
            if map.len() >= MAX_LOOKUPS {
                map.clear();
            }
        }
        map.insert(key, (file, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used() {
        let c = BlobCache::new(10, 8);
        c.insert("a", Bytes::from_static(b"aaaa"));
        c.insert("b", Bytes::from_static(b"bbbb"));
        assert!(c.get("a").is_some());
        c.insert("c", Bytes::from_static(b"cccc"));
        assert!(c.get("b").is_none(), "b was least recently used");
        assert!(c.get("a").is_some() && c.get("c").is_some());
        c.insert("big", Bytes::from_static(b"123456789"));
        assert!(c.get("big").is_none(), "over max_item");
    }
}

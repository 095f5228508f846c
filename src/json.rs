//! Small helpers for the JSON objects kiroku builds.

use serde_json::Value;

/// Setting a member of a JSON object without `value["key"] = …`, whose `IndexMut`
/// panics on a value that is not an object (clippy's `indexing_slicing` cannot tell).
pub trait Put {
    /// Sets `key` to `value` when `self` is an object (anything else is left as it is).
    fn put(&mut self, key: &str, value: impl Into<Value>);
}

impl Put for Value {
    fn put(&mut self, key: &str, value: impl Into<Value>) {
        if let Some(map) = self.as_object_mut() {
            map.insert(key.to_owned(), value.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Put;

    #[test]
    fn put_sets_members_of_objects_only() {
        let mut v = json!({});
        v.put("a", 1);
        assert_eq!(v, json!({"a": 1}));
        let mut s = json!("text");
        s.put("a", 1);
        assert_eq!(s, json!("text"));
    }
}

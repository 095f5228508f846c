//! A cheap property path for error messages, rendered only when something is wrong.

use std::fmt;

#[derive(Clone, Copy)]
pub enum Seg<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

/// `statement.context.contextActivities.parent[0].id`, built as a linked list on the stack.
#[derive(Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

impl<'a> Path<'a> {
    pub const fn root() -> Self {
        Path {
            parent: None,
            seg: Seg::Root,
        }
    }

    pub fn key(&'a self, k: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Key(k),
        }
    }

    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Index(i),
        }
    }

    /// An error message naming this property.
    pub fn err(&self, msg: impl fmt::Display) -> String {
        format!("{self}: {msg}")
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.parent {
            p.fmt(f)?;
        }
        match self.seg {
            Seg::Root => f.write_str("statement"),
            Seg::Key(k) => write!(f, ".{k}"),
            Seg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

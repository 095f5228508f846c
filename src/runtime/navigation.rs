//! Navigation requests for SCORM 1.2 courses, which have no sequencing: every item may
//! be chosen and flow moves freely through the organization in document order. SCORM
//! 2004 courses navigate through the sequencing engine (`usecase::sequenced`); the
//! request vocabulary, outcomes, refusals and validity here are shared by both.

// `nodes[n]` takes positions the tree handed out itself (`Tree::new` numbers every
// item, and parents and children hold only those numbers): none can be out of range.
#![allow(
    clippy::indexing_slicing,
    reason = "indices are positions in `nodes` given out by the tree itself"
)]

use crate::package::model::{Item, Organization};

/// A navigation request (SCORM 2004 SN, with `adl.nav.request`'s spelling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Start,
    ResumeAll,
    Continue,
    Previous,
    Choice(String),
    Jump(String),
    Exit,
    ExitAll,
    SuspendAll,
    Abandon,
    AbandonAll,
}

impl Request {
    /// `request` as the player sends it (`choice` and `jump` with `target`), or as a SCO
    /// sets `adl.nav.request` (`{target=ID}choice`).
    pub fn parse(request: &str, target: Option<&str>) -> Result<Self, String> {
        if let Some(rest) = request.strip_prefix("{target=")
            && let Some((id, kind)) = rest.split_once('}')
        {
            return Self::parse(kind, Some(id));
        }
        let target = || {
            target
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| format!("the {request} request needs a target"))
        };
        Ok(match request {
            "start" => Self::Start,
            "resumeAll" => Self::ResumeAll,
            "continue" => Self::Continue,
            "previous" => Self::Previous,
            "choice" => Self::Choice(target()?),
            "jump" => Self::Jump(target()?),
            "exit" => Self::Exit,
            "exitAll" => Self::ExitAll,
            "suspendAll" => Self::SuspendAll,
            "abandon" => Self::Abandon,
            "abandonAll" => Self::AbandonAll,
            other => return Err(format!("unknown navigation request {other:?}")),
        })
    }
}

/// Where a request leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Deliver this item.
    Deliver(String),
    /// Nothing to deliver: the learner chooses what comes next (SCORM 2004 sequencing).
    Choose,
    /// The session ends; `suspended` when it can be resumed.
    End { suspended: bool },
}

/// Why a request is not allowed: a stable rule name and a sentence for the learner.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// What `adl.nav.request_valid.*` and the player's buttons show for the current item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validity {
    pub continue_: bool,
    pub previous: bool,
    /// Items a choice request may target.
    pub choice: Vec<String>,
    /// Items a jump request may target.
    pub jump: Vec<String>,
}

/// One node of the tree: the root (the organization) is node 0.
struct Node<'a> {
    id: &'a str,
    parent: Option<usize>,
    children: Vec<usize>,
    launchable: bool,
}

/// The activity tree of one organization, flattened in document order.
pub struct Tree<'a> {
    nodes: Vec<Node<'a>>,
}

impl<'a> Tree<'a> {
    pub fn new(org: &'a Organization) -> Self {
        let root = Node {
            id: &org.identifier,
            parent: None,
            children: Vec::new(),
            launchable: false,
        };
        let mut tree = Self { nodes: vec![root] };
        for item in &org.items {
            tree.add(item, 0);
        }
        tree
    }

    fn add(&mut self, item: &'a Item, parent: usize) {
        let index = self.nodes.len();
        self.nodes.push(Node {
            id: &item.identifier,
            parent: Some(parent),
            children: Vec::new(),
            launchable: item.launch.is_some(),
        });
        self.nodes[parent].children.push(index);
        for child in &item.items {
            self.add(child, index);
        }
    }

    fn find(&self, id: &str) -> Option<usize> {
        self.nodes.iter().skip(1).position(|n| n.id == id).map(|i| i + 1)
    }

    fn leaf(&self, n: usize) -> bool {
        self.nodes[n].children.is_empty()
    }

    /// The first (or last) deliverable leaf at or under `n`, flowing into clusters.
    fn descend(&self, n: usize, forward: bool) -> Result<usize, Refusal> {
        if self.leaf(n) {
            return if self.nodes[n].launchable {
                Ok(n)
            } else {
                Err(refuse(
                    "nothing_to_deliver",
                    format!("{} has nothing to open", self.nodes[n].id),
                ))
            };
        }
        let children = &self.nodes[n].children;
        let mut last = None;
        let ordered: Vec<usize> = if forward {
            children.clone()
        } else {
            children.iter().rev().copied().collect()
        };
        for c in ordered {
            match self.descend(c, forward) {
                Ok(leaf) => return Ok(leaf),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| refuse("nothing_to_deliver", "nothing to open")))
    }

    /// The next (or previous) leaf in flow order from `from`.
    fn step(&self, from: usize, forward: bool) -> Result<Option<usize>, Refusal> {
        let mut at = from;
        loop {
            let Some(parent) = self.nodes[at].parent else {
                return Ok(None); // past the end (or the start) of the course
            };
            let siblings = &self.nodes[parent].children;
            let pos = siblings.iter().position(|&s| s == at).unwrap_or(0);
            let next = if forward {
                siblings.get(pos + 1)
            } else {
                pos.checked_sub(1).and_then(|p| siblings.get(p))
            };
            match next {
                Some(&s) => return self.descend(s, forward).map(Some),
                None => at = parent,
            }
        }
    }

    /// Any item may be chosen: its first leaf is delivered.
    fn choose(&self, target: usize) -> Result<usize, Refusal> {
        self.descend(target, true)
    }

    fn known(&self, id: &str) -> Result<usize, Refusal> {
        self.find(id)
            .ok_or_else(|| refuse("no_such_item", format!("the course has no item {id:?}")))
    }

    /// Where `request` leads from `current` (the item delivered now, if any);
    /// `suspended` is the item a suspendAll left off at.
    pub fn navigate(
        &self,
        current: Option<&str>,
        suspended: Option<&str>,
        request: &Request,
    ) -> Result<Outcome, Refusal> {
        let current = current.map(|c| self.known(c)).transpose()?;
        let deliver = |n: usize| Outcome::Deliver(self.nodes[n].id.to_owned());
        let need_current = || current.ok_or_else(|| refuse("no_current_item", "no item is open"));
        match request {
            Request::Start => self.descend(0, true).map(deliver),
            Request::ResumeAll => {
                let id =
                    suspended.ok_or_else(|| refuse("nothing_suspended", "there is no suspended session to resume"))?;
                Ok(deliver(self.known(id)?))
            }
            Request::Continue => match self.step(need_current()?, true)? {
                Some(n) => Ok(deliver(n)),
                None => Ok(Outcome::End { suspended: false }),
            },
            Request::Previous => match self.step(need_current()?, false)? {
                Some(n) => Ok(deliver(n)),
                None => Err(refuse("start_of_course", "this is the first item")),
            },
            Request::Choice(id) => self.choose(self.known(id)?).map(deliver),
            Request::Jump(id) => self.descend(self.known(id)?, true).map(deliver),
            Request::SuspendAll => {
                need_current()?;
                Ok(Outcome::End { suspended: true })
            }
            Request::Exit | Request::ExitAll | Request::Abandon | Request::AbandonAll => {
                Ok(Outcome::End { suspended: false })
            }
        }
    }

    /// Which requests are valid while `current` is delivered.
    pub fn validity(&self, current: Option<&str>) -> Validity {
        let current = current.and_then(|c| self.find(c));
        let step_ok = |forward| current.is_some_and(|c| matches!(self.step(c, forward), Ok(Some(_))));
        let choice = (1..self.nodes.len())
            .filter(|&n| self.choose(n).is_ok())
            .map(|n| self.nodes[n].id.to_owned())
            .collect();
        let jump = (1..self.nodes.len())
            .filter(|&n| self.descend(n, true).is_ok())
            .map(|n| self.nodes[n].id.to_owned())
            .collect();
        Validity {
            continue_: step_ok(true),
            previous: step_ok(false),
            choice,
            jump,
        }
    }
}

#[cfg(test)]
#[path = "navigation_tests.rs"]
mod tests;

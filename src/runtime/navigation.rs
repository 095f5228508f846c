//! Navigation requests over a course's activity tree: the one place the player (its
//! buttons and table of contents) and SCOs (`adl.nav.request`) ask where to go next.
//!
//! SCORM 2004 follows the sequencing control modes of the tree (IMS SS `controlMode`:
//! `choice`, `choiceExit`, `flow`, `forwardOnly`), with the standard's defaults when a
//! manifest defines none (choice allowed, flow not). Rules, limit conditions and rollup
//! are the sequencing engine's, which plugs in here later. SCORM 1.2 has no sequencing:
//! every item may be chosen and flow moves freely.
//!
//! One deliberate departure: a `start` request when the root does not allow flow (most
//! single-SCO 2004 packages define no sequencing at all) delivers the first item that
//! choice allows, as if the learner had chosen it, instead of an empty page.

// `nodes[n]` takes positions the tree handed out itself (`Tree::new` numbers every
// item, and parents and children hold only those numbers): none can be out of range.
#![allow(
    clippy::indexing_slicing,
    reason = "indices are positions in `nodes` given out by the tree itself"
)]

use crate::package::model::sequencing::ControlMode;
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
    mode: ControlMode,
}

/// The activity tree of one organization, flattened in document order.
pub struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    /// SCORM 1.2: no sequencing, everything allowed.
    free: bool,
}

fn mode_of(seq: Option<&crate::package::model::Sequencing>) -> ControlMode {
    seq.and_then(|s| s.control_mode.clone()).unwrap_or_default()
}

impl<'a> Tree<'a> {
    pub fn new(org: &'a Organization, free: bool) -> Self {
        let root = Node {
            id: &org.identifier,
            parent: None,
            children: Vec::new(),
            launchable: false,
            mode: mode_of(org.sequencing.as_deref()),
        };
        let mut tree = Self {
            nodes: vec![root],
            free,
        };
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
            mode: mode_of(item.sequencing.as_deref()),
        });
        self.nodes[parent].children.push(index);
        for child in &item.items {
            self.add(child, index);
        }
    }

    fn find(&self, id: &str) -> Option<usize> {
        self.nodes.iter().skip(1).position(|n| n.id == id).map(|i| i + 1)
    }

    fn flow(&self, n: usize) -> bool {
        self.free || self.nodes[n].mode.flow
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
        if !self.flow(n) {
            return Err(refuse(
                "flow_disabled",
                format!(
                    "{} is not entered by moving forward or back; choose an item",
                    self.nodes[n].id
                ),
            ));
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
            if !self.flow(parent) {
                return Err(refuse(
                    "flow_disabled",
                    "this course does not allow moving forward or back here; choose an item",
                ));
            }
            if !forward && !self.free && self.nodes[parent].mode.forward_only {
                return Err(refuse("forward_only", "this part of the course only moves forward"));
            }
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

    fn ancestors(&self, n: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = self.nodes[n].parent;
        while let Some(p) = at {
            out.push(p);
            at = self.nodes[p].parent;
        }
        out
    }

    /// Whether `target` may be chosen while `current` is delivered.
    fn choose(&self, current: Option<usize>, target: usize) -> Result<usize, Refusal> {
        if !self.free {
            // SB.2.9: the target's parent must allow choice among its children.
            if self.nodes[target].parent.is_some_and(|p| !self.nodes[p].mode.choice) {
                return Err(refuse(
                    "choice_disabled",
                    "this item cannot be chosen from the table of contents",
                ));
            }
            let path = self.ancestors(target);
            if let Some(c) = current {
                // Leaving an active activity (the current one, or a cluster above it up to
                // the common ancestor) that forbids choice exit.
                let mut active = self.ancestors(c);
                active.insert(0, c);
                let leaving = active
                    .iter()
                    .take_while(|a| !path.contains(a) && **a != target)
                    .any(|a| !self.nodes[*a].mode.choice_exit);
                if leaving {
                    return Err(refuse(
                        "choice_exit_disabled",
                        "finish this part of the course before choosing another",
                    ));
                }
                // Going back among the siblings of a forward-only cluster.
                if let (Some(pc), Some(pt)) = (self.nodes[c].parent, self.nodes[target].parent)
                    && pc == pt
                    && self.nodes[pc].mode.forward_only
                    && target < c
                {
                    return Err(refuse("forward_only", "this part of the course only moves forward"));
                }
            }
        }
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
            Request::Start => match self.descend(0, true) {
                Ok(n) => Ok(deliver(n)),
                Err(_) => self.first_choosable().map(deliver),
            },
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
            Request::Choice(id) => self.choose(current, self.known(id)?).map(deliver),
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

    fn first_choosable(&self) -> Result<usize, Refusal> {
        (1..self.nodes.len())
            .filter(|&n| self.leaf(n) && self.nodes[n].launchable)
            .find_map(|n| self.choose(None, n).ok())
            .ok_or_else(|| refuse("nothing_to_deliver", "this course has nothing that can be opened"))
    }

    /// Which requests are valid while `current` is delivered.
    pub fn validity(&self, current: Option<&str>) -> Validity {
        let current = current.and_then(|c| self.find(c));
        let step_ok = |forward| current.is_some_and(|c| matches!(self.step(c, forward), Ok(Some(_))));
        let choice = (1..self.nodes.len())
            .filter(|&n| self.choose(current, n).is_ok())
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

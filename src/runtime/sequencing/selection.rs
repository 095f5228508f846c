//! Selection and randomization: the Select Children Process [SR.1], the Randomize
//! Children Process [SR.2] and the Select and Randomize Process [SR.3]. They set an
//! activity's available children (`ActivityState::available_children`), which flow,
//! choice and rollup then read instead of the manifest's order.
//!
//! Randomness comes from a seed the caller passes in, mixed with the activity and its
//! attempt count, so the engine stays pure and a registration replays the same way.
//!
//! When: the book defines `once` (before the activity's first attempt) and leaves
//! `onEachNewAttempt` undefined. Here `once` and `onEachNewAttempt` both apply when a
//! session starts to activities that have no selection yet, and `onEachNewAttempt`
//! again when an attempt on the activity ends, so the next attempt flows through a fresh
//! selection (the sequencing request that begins an attempt has already traversed the
//! children, so the choice cannot wait for the attempt to begin).

use crate::package::model::sequencing::Timing;

use super::state::TreeState;
use super::tree::{ActivityId, ActivityTree};

/// SplitMix64: small, fast and good enough to shuffle a few children; no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one activity's attempt, so results do not depend on the order
    /// activities are processed in.
    pub fn for_attempt(seed: u64, a: ActivityId, attempt: u32) -> Self {
        let a = u64::try_from(a).unwrap_or(u64::MAX);
        Self(seed ^ a.rotate_left(32) ^ u64::from(attempt).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`); the modulo bias is irrelevant at these sizes.
    pub fn below(&mut self, n: usize) -> usize {
        let n64 = u64::try_from(n.max(1)).unwrap_or(u64::MAX);
        usize::try_from(self.next_u64() % n64).unwrap_or(0)
    }
}

/// Whether SR.1 / SR.2 may change `a` now: a cluster (step 1) that is neither active
/// nor suspended (step 2), with timing `once` before its first attempt or
/// `onEachNewAttempt` (step 3).
fn may_change(tree: &ActivityTree, state: &TreeState, a: ActivityId, timing: Timing) -> bool {
    let s = state.activity(a);
    if tree.is_leaf(a) || s.active || s.suspended {
        return false;
    }
    match timing {
        Timing::Never => false,
        Timing::Once => !s.activity_progress_status,
        Timing::OnEachNewAttempt => true,
    }
}

/// Select Children Process [SR.1]: `selectCount` children drawn at random (step
/// 3.2.1.2), kept in the manifest's order (step 3.2.1.3). A count at or above the
/// number of children selects them all.
pub fn select_children(tree: &ActivityTree, state: &mut TreeState, a: ActivityId, rng: &mut Rng) {
    let def = &tree.definition(a).randomization;
    let Some(count) = def.select_count else { return };
    if !may_change(tree, state, a, def.selection_timing) {
        return;
    }
    let mut pool: Vec<ActivityId> = tree.children(a).to_vec();
    let count = usize::try_from(count).unwrap_or(usize::MAX).min(pool.len());
    let mut chosen = Vec::with_capacity(count);
    while chosen.len() < count {
        chosen.push(pool.swap_remove(rng.below(pool.len())));
    }
    chosen.sort_unstable();
    state.activity_mut(a).available_children = Some(chosen);
}

/// Randomize Children Process [SR.2]: the available children in a random order
/// (Fisher–Yates), when `reorderChildren` is set (steps 3.2.1 and 3.3.1).
pub fn randomize_children(tree: &ActivityTree, state: &mut TreeState, a: ActivityId, rng: &mut Rng) {
    let def = &tree.definition(a).randomization;
    if !def.reorder_children || !may_change(tree, state, a, def.randomization_timing) {
        return;
    }
    let mut children = state.children(tree, a).to_vec();
    for i in (1..children.len()).rev() {
        children.swap(i, rng.below(i + 1));
    }
    state.activity_mut(a).available_children = Some(children);
}

/// Select and Randomize Process [SR.3]: SR.1 then SR.2.
pub fn select_and_randomize(tree: &ActivityTree, state: &mut TreeState, a: ActivityId, seed: u64) {
    let mut rng = Rng::for_attempt(seed, a, state.activity(a).attempt_count);
    select_children(tree, state, a, &mut rng);
    randomize_children(tree, state, a, &mut rng);
}

/// At the start of a session: SR.3 for every activity that has no selection yet.
pub fn prepare(tree: &ActivityTree, state: &mut TreeState, seed: u64) {
    for a in 0..tree.len() {
        if state.activity(a).available_children.is_none() {
            select_and_randomize(tree, state, a, seed);
        }
    }
}

/// After a step: SR.3 again for every `onEachNewAttempt` activity whose attempt ended
/// in it (active before, `was_active`, and now neither active nor suspended).
pub fn renew_ended(tree: &ActivityTree, state: &mut TreeState, was_active: &[bool], seed: u64) {
    for (a, &was) in was_active.iter().enumerate() {
        let s = state.activity(a);
        let ended = was && !s.active && !s.suspended;
        let r = &tree.definition(a).randomization;
        let each = r.selection_timing == Timing::OnEachNewAttempt || r.randomization_timing == Timing::OnEachNewAttempt;
        if ended && each {
            select_and_randomize(tree, state, a, seed);
        }
    }
}

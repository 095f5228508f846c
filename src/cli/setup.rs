//! First run: when the service has no operator account, `kiroku serve` prints a setup
//! link (one-time, expiring; the store keeps its digest only) that creates the first
//! operator account in the browser (`http::web` serves `/setup`).

use crate::account::setup::{SETUP_LINK_TTL_MS, new_setup_token, setup_digest, setup_url};
use crate::store::{Store, StoreResult};

/// A new setup link when no operator account exists (replacing any earlier link), else
/// `None`.
pub async fn first_run_link(store: &dyn Store, public_url: &str, now_ms: i64) -> StoreResult<Option<String>> {
    if store.has_operator().await? {
        return Ok(None);
    }
    let token = new_setup_token();
    store
        .put_setup_link(setup_digest(&token), now_ms + SETUP_LINK_TTL_MS)
        .await?;
    Ok(Some(setup_url(public_url, &token)))
}

/// What `serve` prints with the link (on standard output, not in the log).
pub fn first_run_message(link: &str) -> String {
    let minutes = SETUP_LINK_TTL_MS / 60_000;
    format!(
        "\nkiroku has no operator account yet. Open this link in a browser within {minutes} minutes \
         to create one (it works once; restarting kiroku serve prints a new one):\n\n    {link}\n"
    )
}

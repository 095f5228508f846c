//! The one list of tenant tables (`kiroku::store::tables`) against each database's
//! schema: every table holding a `tenant` column is in `TENANT_TABLES` (erased and counted
//! with its tenant) or in `NOT_TENANT_DATA` (with the reason it is not tenant data), so a
//! table added on either backend cannot be forgotten by termination and erasure.

use kiroku::store::tables::{Backend, NOT_TENANT_DATA, tenant_tables};

/// The tables among `with_tenant_column` that neither list names, sorted.
pub fn unlisted(backend: Backend, with_tenant_column: &[String]) -> Vec<String> {
    let listed =
        |name: &str| tenant_tables(backend).any(|t| t.name == name) || NOT_TENANT_DATA.iter().any(|(t, _)| *t == name);
    let mut out: Vec<String> = with_tenant_column.iter().filter(|t| !listed(t)).cloned().collect();
    out.sort();
    out
}

/// The case, given what one backend's database says has a `tenant` column.
pub fn every_tenant_table_is_listed(backend: Backend, with_tenant_column: Vec<String>) {
    assert!(
        with_tenant_column.iter().any(|t| t == "statements"),
        "the schema query found no tenant tables at all: {with_tenant_column:?}"
    );
    let missing = unlisted(backend, &with_tenant_column);
    assert!(
        missing.is_empty(),
        "{backend:?} tables with a tenant column missing from store::tables::TENANT_TABLES \
         (or NOT_TENANT_DATA, with a reason): {missing:?}"
    );
    for (table, why) in NOT_TENANT_DATA {
        assert!(
            !why.trim().is_empty(),
            "{table} is listed as not tenant data without a reason"
        );
        assert!(
            tenant_tables(backend).all(|t| t.name != *table),
            "{table} is in both lists"
        );
    }
}

#[test]
fn a_table_missing_from_the_list_is_named() {
    let found = ["statements", "learners", "statement_clock", "new_tenant_rows"].map(str::to_owned);
    assert_eq!(unlisted(Backend::Postgres, &found), ["new_tenant_rows"]);
    assert_eq!(
        unlisted(Backend::Sqlite, &found),
        ["new_tenant_rows", "statement_clock"]
    );
}

# Shared by scripts/with-postgres.sh and scripts/bench-postgres.sh (sourced, not run).

# Prints the folder holding PostgreSQL's initdb and pg_ctl: the PATH's, or the newest
# Debian install under /usr/lib/postgresql; nothing when there is none.
find_pg_bin() {
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"
    return
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return
    fi
  done
}

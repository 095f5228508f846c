//! SQLite connections: one writer thread that groups concurrent write jobs into one
//! transaction (group commit), and a small pool of read connections used from
//! `spawn_blocking`.
//!
//! Why a single writer: SQLite allows one writer at a time; funnelling writes through one
//! thread avoids SQLITE_BUSY retries and lets many requests share one commit (and one
//! WAL sync), which is what makes batched ingest fast.

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Semaphore, oneshot};

use crate::store::{StoreError, StoreResult};

/// Called after the group's COMMIT with its outcome.
type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
/// Runs inside the group transaction; returns whether it succeeded and how to reply.
type Job = Box<dyn FnOnce(&Connection) -> (bool, Finish) + Send>;

/// Most jobs folded into one transaction.
const MAX_GROUP: usize = 64;

pub fn backend(e: impl std::fmt::Display) -> StoreError {
    let text = e.to_string();
    // SQLite answers SQLITE_FULL, whose message is always this one, when the disk has no
    // room for a write (the transaction is rolled back): a condition of the machine, not
    // a defect. (Errors of every kind pass through here, so the text is what they share.)
    if text.contains("database or disk is full") {
        return StoreError::Full(text);
    }
    StoreError::Backend(text)
}

pub fn open(path: &Path, read_only: bool) -> StoreResult<Connection> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags).map_err(backend)?;
    // Another kiroku process (the CLI beside `serve`) may hold the write lock briefly.
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(backend)?;
    // WAL: readers never block the writer. synchronous=NORMAL: a commit is in the WAL file
    // before it returns, so it survives a crash of the process (kill -9); only an operating
    // system crash or power loss can lose the last transactions, which the backups cover.
    // Page cache: 256 MiB for the writer (random index inserts stay in memory), 64 MiB per
    // reader; reads of larger databases go through mmap.
    let cache_kib = if read_only { 65_536 } else { 262_144 };
    conn.pragma_update(None, "cache_size", -cache_kib).map_err(backend)?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;
         PRAGMA temp_store=MEMORY; PRAGMA mmap_size=2147418112;",
    )
    .map_err(backend)?;
    Ok(conn)
}

/// Handle to the writer thread.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    pub fn start(conn: Connection) -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer_loop(&conn, &rx))
            .expect("cannot spawn the SQLite writer thread");
        Self { tx }
    }

    /// Runs `f` in a write transaction (shared with other concurrent jobs) and returns its
    /// result once the transaction has committed.
    pub async fn run<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (reply, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let res = f(conn);
            let ok = res.is_ok();
            let finish: Finish = Box::new(move |commit| {
                let out = match commit {
                    Ok(()) => res,
                    Err(e) => Err(backend(e)),
                };
                let _ = reply.send(out);
            });
            (ok, finish)
        });
        self.tx
            .send(job)
            .map_err(|_| backend("the writer thread has stopped"))?;
        rx.await.map_err(|_| backend("the writer thread dropped a job"))?
    }
}

fn writer_loop(conn: &Connection, rx: &mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        run_group(conn, jobs);
    }
}

fn run_group(conn: &Connection, jobs: Vec<Job>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        // Dropping the jobs unrun drops their reply channels: each caller gets an error.
        tracing::error!(error = %e, jobs = jobs.len(), "cannot begin a write transaction");
        return;
    }
    let mut finishers = Vec::with_capacity(jobs.len());
    for job in jobs {
        let _ = conn.execute_batch("SAVEPOINT job");
        let (ok, finish) = job(conn);
        let end = if ok {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        let _ = conn.execute_batch(end);
        finishers.push(finish);
    }
    let commit = conn.execute_batch("COMMIT").map_err(|e| e.to_string());
    if let Err(e) = &commit {
        tracing::error!(error = %e, "commit failed");
        let _ = conn.execute_batch("ROLLBACK");
    }
    for f in finishers {
        f(commit.clone());
    }
}

/// A few read-only connections, each used by one blocking task at a time.
#[derive(Clone)]
pub struct Readers {
    // A std mutex: it is held only to pop or push a connection, never across an await.
    conns: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<Semaphore>,
}

impl Readers {
    pub fn open(path: &Path, n: usize) -> StoreResult<Self> {
        let conns = (0..n)
            .map(|_| {
                let c = open(path, true)?;
                c.execute_batch("PRAGMA query_only=ON").map_err(backend)?;
                Ok(c)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Self {
            conns: Arc::new(Mutex::new(conns)),
            permits: Arc::new(Semaphore::new(n)),
        })
    }

    pub async fn run<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let _permit = self.permits.acquire().await.map_err(backend)?;
        let conns = self.conns.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conns
                .lock()
                .map_err(backend)?
                .pop()
                .ok_or_else(|| backend("no reader available"))?;
            let res = f(&conn);
            conns.lock().map_err(backend)?.push(conn);
            res
        })
        .await
        .map_err(backend)?
    }
}

/// Runs passive WAL checkpoints on a thread and connection of their own, so most of the
/// copying from the WAL into the database file happens beside the writer, not in it. The
/// thread ends when the returned sender is dropped.
pub fn start_checkpointer(path: &Path) -> StoreResult<mpsc::Sender<()>> {
    let conn = open(path, false)?;
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(std::time::Duration::from_millis(100)) {
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
            }
        })
        .map_err(backend)?;
    Ok(tx)
}

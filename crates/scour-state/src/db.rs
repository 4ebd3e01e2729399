//! The `--db` state: which files were scanned, as what content, and their
//! findings, in SQLite, so a killed bulk scan resumes where it stopped.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, OptionalExtension};
use scour_report::Finding;

use crate::Error;

/// Files recorded per transaction at most; a kill loses at most this many
/// files' work (they are scanned again on resume).
const BATCH_FILES: usize = 64;
/// Longest a recorded file waits for its transaction to commit.
const BATCH_TIME: Duration = Duration::from_millis(500);

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contents (
    hash TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    bytes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    hash TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_hash ON findings (hash);
";

/// A file's identity on disk: if neither changed, its content is taken as
/// unchanged, as `make` and `rsync` do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileMeta {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
}

impl FileMeta {
    /// The metadata of `path` (following links).
    pub fn of(path: &Path) -> io::Result<FileMeta> {
        let m = std::fs::metadata(path)?;
        let mtime_ns = m
            .modified()?
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i64);
        Ok(FileMeta {
            size: m.len(),
            mtime_ns,
        })
    }
}

/// Hex xxh3-128 of a file's contents: fast, and only used to recognise
/// identical contents, never as a secret's fingerprint.
pub fn content_hash(path: &Path) -> io::Result<String> {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut f = File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:032x}", h.digest128()))
}

/// Scan state in one SQLite file.
pub struct StateDb {
    conn: Connection,
    path: String,
    in_batch: usize,
    batch_started: Instant,
}

impl StateDb {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<StateDb, Error> {
        let conn = Connection::open(path).map_err(|e| Error::db(path, e))?;
        conn.execute_batch(SCHEMA).map_err(|e| Error::db(path, e))?;
        Ok(StateDb {
            conn,
            path: path.display().to_string(),
            in_batch: 0,
            batch_started: Instant::now(),
        })
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        Error::db(Path::new(&self.path), e)
    }

    /// True if `path` was recorded with the same size and modification
    /// time, so its findings are already stored.
    pub fn unchanged(&self, path: &str, meta: FileMeta) -> Result<bool, Error> {
        let row: Option<(i64, i64)> = self
            .conn
            .query_row(
                "SELECT size, mtime_ns FROM files WHERE path = ?1",
                [path],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(row == Some((meta.size as i64, meta.mtime_ns)))
    }

    /// True if content with `hash` was scanned (under any path).
    pub fn content_seen(&self, hash: &str) -> Result<bool, Error> {
        let seen: Option<i64> = self
            .conn
            .query_row("SELECT 1 FROM contents WHERE hash = ?1", [hash], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(seen.is_some())
    }

    /// Records that `path` (with `meta`) holds content `hash`, already
    /// scanned under another path.
    pub fn record_alias(&mut self, path: &str, meta: FileMeta, hash: &str) -> Result<(), Error> {
        self.begin()?;
        self.put_file(path, meta, hash)?;
        self.end()
    }

    /// Records a finished scan of `path`: its content and every finding
    /// (their `secret`s must already be stripped unless the caller means to
    /// store them).
    pub fn record_scan(
        &mut self,
        path: &str,
        meta: FileMeta,
        hash: &str,
        findings: &[Finding],
    ) -> Result<(), Error> {
        self.begin()?;
        self.conn
            .execute(
                "INSERT OR REPLACE INTO contents (hash, path, bytes) VALUES (?1, ?2, ?3)",
                params![hash, path, meta.size as i64],
            )
            .map_err(|e| self.err(e))?;
        self.conn
            .execute("DELETE FROM findings WHERE hash = ?1", [hash])
            .map_err(|e| self.err(e))?;
        {
            let mut insert = self
                .conn
                .prepare_cached("INSERT INTO findings (hash, json) VALUES (?1, ?2)")
                .map_err(|e| self.err(e))?;
            for f in findings {
                let json = serde_json::to_string(f).expect("a finding serializes");
                insert
                    .execute(params![hash, json])
                    .map_err(|e| Error::db(Path::new(&self.path), e))?;
            }
        }
        self.put_file(path, meta, hash)?;
        self.end()
    }

    fn put_file(&self, path: &str, meta: FileMeta, hash: &str) -> Result<(), Error> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO files (path, size, mtime_ns, hash) VALUES (?1, ?2, ?3, ?4)",
                params![path, meta.size as i64, meta.mtime_ns, hash],
            )
            .map(drop)
            .map_err(|e| self.err(e))
    }

    fn begin(&mut self) -> Result<(), Error> {
        if self.in_batch == 0 {
            self.conn.execute_batch("BEGIN").map_err(|e| self.err(e))?;
            self.batch_started = Instant::now();
        }
        self.in_batch += 1;
        Ok(())
    }

    fn end(&mut self) -> Result<(), Error> {
        if self.in_batch >= BATCH_FILES || self.batch_started.elapsed() >= BATCH_TIME {
            self.flush()?;
        }
        Ok(())
    }

    /// Commits what has been recorded.
    pub fn flush(&mut self) -> Result<(), Error> {
        if self.in_batch > 0 {
            self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))?;
            self.in_batch = 0;
        }
        Ok(())
    }

    /// Files recorded, and the bytes of distinct contents scanned.
    pub fn totals(&self) -> Result<(u64, u64), Error> {
        self.conn
            .query_row(
                "SELECT (SELECT COUNT(*) FROM files), \
                 (SELECT COALESCE(SUM(bytes), 0) FROM contents \
                  WHERE hash IN (SELECT hash FROM files))",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
            .map_err(|e| self.err(e))
    }

    /// Every stored finding of every recorded file (or of `only` those
    /// paths), each under the path it is recorded as: a file whose content
    /// was scanned under another path gets that scan's findings with its
    /// own path put in.
    pub fn findings(&self, only: Option<&HashSet<String>>) -> Result<Vec<Finding>, Error> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT files.path, contents.path, findings.json FROM files \
                 JOIN contents ON contents.hash = files.hash \
                 JOIN findings ON findings.hash = files.hash \
                 ORDER BY files.path, findings.rowid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (path, scanned_as, json) = row.map_err(|e| self.err(e))?;
            if only.is_some_and(|o| !o.contains(&path)) {
                continue;
            }
            let mut f: Finding = serde_json::from_str(&json).map_err(|e| {
                Error::format(Path::new(&self.path), format!("stored finding: {e}"))
            })?;
            if path != scanned_as {
                f.path = moved(&f.path, &scanned_as, &path);
                for l in &mut f.locations {
                    l.path = moved(&l.path, &scanned_as, &path);
                }
            }
            out.push(f);
        }
        Ok(out)
    }
}

/// `p` (`from` or a member inside it, `from!member`) as if under `to`.
fn moved(p: &str, from: &str, to: &str) -> String {
    match p.strip_prefix(from) {
        Some(rest) if rest.is_empty() || rest.starts_with('!') => format!("{to}{rest}"),
        _ => p.to_string(),
    }
}

impl Drop for StateDb {
    fn drop(&mut self) {
        // Best effort: an error here has nowhere to go, and whatever was not
        // committed is simply scanned again next time.
        let _ = self.flush();
    }
}

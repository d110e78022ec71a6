//! Files outside the database: attachments, call recordings, raw e-mails and issued letters
//! live in an object store (the `object_store` crate), addressed by the SHA-256 of their bytes.
//!
//! - The local folder `<data dir>/objects` by default (the embedded set-up needs nothing);
//!   `PAHT_OBJECT_STORE_URL=s3://bucket/prefix` for an S3-compatible store, its client set by the
//!   `AWS_*` variables (credentials, region, endpoint).
//! - An object's key is `<prefix>/sha256/<2 hex>/<2 hex>/<64 hex>`: the same bytes stored twice
//!   are one object.
//! - Bytes are written before the transaction that names them commits (so a committed row
//!   never names a missing object); an object no row names is collected by the sweeper once it
//!   is older than `PAHT_OBJECT_STORE_GRACE_SECS` (`gc`).
//! - Rows written before this store existed keep their bytes in the database until `move_out`
//!   moves them (on every start, in the background, and by `paht move-files`).
//!
//! The store's client is asynchronous; PAHT's services are synchronous (they run on blocking
//! threads). Every call runs on one small runtime of the process's own, and the services wait
//! for it.

pub mod gc;
pub mod move_out;

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::{AppError, AppResult};

/// An object's address and size, once stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub sha256: String,
    pub size: i64,
}

/// The process's runtime for the store's client (never dropped: a runtime may not be dropped
/// on an asynchronous thread, where the last owner of the state may be).
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("paht-objects")
            .enable_all()
            .build()
            .expect("the object store's runtime starts")
    })
}

/// Runs a future of the store on its runtime and waits for it (from a blocking thread).
fn wait<T: Send + 'static>(
    fut: impl std::future::Future<Output = T> + Send + 'static,
) -> AppResult<T> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    runtime().spawn(async move {
        let _ = tx.send(fut.await);
    });
    rx.recv()
        .map_err(|_| AppError::internal("object store task failed"))
}

/// The hex SHA-256 of bytes.
pub fn sha256_of(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The object store, as the services use it.
#[derive(Clone)]
pub struct Objects {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    /// Where the objects are, for logs (no credentials).
    pub location: String,
}

impl std::fmt::Debug for Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.location)
    }
}

fn unavailable(e: object_store::Error) -> AppError {
    AppError::unavailable(format!("object store: {e}"))
}

impl Objects {
    /// Opens the store the configuration names (creating the local folder when it is one).
    pub fn open(config: &Config) -> AppResult<Objects> {
        match config.object_store_url.as_deref() {
            None => Self::local(&config.data_dir.join("objects")),
            Some(u) if u.starts_with("file://") => {
                Self::local(std::path::Path::new(&u["file://".len()..]))
            }
            Some(u) => {
                let rest = u.trim_start_matches("s3://");
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                let mut b = AmazonS3Builder::new().with_bucket_name(bucket);
                for (k, v) in &config.object_store_options.0 {
                    // Variables the client does not know (AWS_PROFILE, …) are not for it.
                    if let Ok(key) = k.parse::<AmazonS3ConfigKey>() {
                        b = b.with_config(key, v.clone());
                    }
                }
                let store = b
                    .build()
                    .map_err(|e| AppError::internal(format!("PAHT_OBJECT_STORE_URL: {e}")))?;
                Ok(Objects {
                    store: Arc::new(store),
                    prefix: Path::from(prefix.trim_matches('/')),
                    location: format!("s3://{bucket}/{}", prefix.trim_matches('/')),
                })
            }
        }
    }

    fn local(dir: &std::path::Path) -> AppResult<Objects> {
        crate::db::create_private_dir(dir)?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| AppError::internal(format!("object folder {}: {e}", dir.display())))?;
        Ok(Objects {
            store: Arc::new(store),
            prefix: Path::default(),
            location: dir.display().to_string(),
        })
    }

    /// Where the object of a digest is.
    fn key(&self, sha256: &str) -> Path {
        let p = format!("sha256/{}/{}/{}", &sha256[..2], &sha256[2..4], sha256);
        if self.prefix.as_ref().is_empty() {
            Path::from(p)
        } else {
            Path::from(format!("{}/{p}", self.prefix))
        }
    }

    /// The folder every object is under.
    fn root(&self) -> Path {
        if self.prefix.as_ref().is_empty() {
            Path::from("sha256")
        } else {
            Path::from(format!("{}/sha256", self.prefix))
        }
    }

    /// Stores bytes (again, when they are there: that refreshes the object's age, which keeps it
    /// from the collector while the transaction that names it runs).
    pub fn put(&self, data: &[u8]) -> AppResult<Blob> {
        let blob = Blob {
            sha256: sha256_of(data),
            size: data.len() as i64,
        };
        let (store, key) = (self.store.clone(), self.key(&blob.sha256));
        let payload = PutPayload::from(data.to_vec());
        wait(async move { store.put(&key, payload).await })?.map_err(unavailable)?;
        Ok(blob)
    }

    /// An object's bytes, or the range of them asked for.
    pub fn get(&self, sha256: &str, range: Option<Range<u64>>) -> AppResult<Vec<u8>> {
        if !is_sha256(sha256) {
            return Err(AppError::internal("not a SHA-256 digest"));
        }
        let (store, key) = (self.store.clone(), self.key(sha256));
        let got = wait(async move {
            match range {
                Some(r) => store.get_range(&key, r).await,
                None => match store.get(&key).await {
                    Ok(g) => g.bytes().await,
                    Err(e) => Err(e),
                },
            }
        })?;
        match got {
            Ok(b) => Ok(b.to_vec()),
            Err(object_store::Error::NotFound { .. }) => Err(AppError::internal(format!(
                "object {sha256} is missing from the store"
            ))),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Whether an object is stored.
    pub fn exists(&self, sha256: &str) -> AppResult<bool> {
        let (store, key) = (self.store.clone(), self.key(sha256));
        match wait(async move { store.head(&key).await })? {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Every stored object: its digest and when it was last written.
    pub fn list(&self) -> AppResult<Vec<(String, chrono::DateTime<chrono::Utc>)>> {
        use futures_util::StreamExt;
        let (store, root) = (self.store.clone(), self.root());
        let metas = wait(async move {
            let mut out = Vec::new();
            let mut s = store.list(Some(&root));
            while let Some(m) = s.next().await {
                out.push(m);
            }
            out
        })?;
        let mut out = Vec::new();
        for m in metas {
            let m = m.map_err(unavailable)?;
            if let Some(name) = m.location.filename()
                && is_sha256(name)
            {
                out.push((name.to_string(), m.last_modified));
            }
        }
        Ok(out)
    }

    /// When an object was last written, if it is stored.
    pub fn written_at(&self, sha256: &str) -> AppResult<Option<chrono::DateTime<chrono::Utc>>> {
        let (store, key) = (self.store.clone(), self.key(sha256));
        match wait(async move { store.head(&key).await })? {
            Ok(m) => Ok(Some(m.last_modified)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Deletes an object (an absent one is not an error).
    pub fn delete(&self, sha256: &str) -> AppResult<()> {
        let (store, key) = (self.store.clone(), self.key(sha256));
        match wait(async move { store.delete(&key).await })? {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// A file to be read: where its bytes are, and its digest and size (what a download's `ETag`
/// and `Range` are answered from before a byte is read).
pub struct Stored {
    objects: Objects,
    inline: Option<Vec<u8>>,
    pub sha256: String,
    pub size: u64,
}

impl Stored {
    pub fn new(objects: &Objects, inline: Option<Vec<u8>>, sha256: &str, size: i64) -> Stored {
        Stored {
            objects: objects.clone(),
            inline,
            sha256: sha256.to_string(),
            size: size.max(0) as u64,
        }
    }

    /// Bytes already in hand (a letter just rendered).
    pub fn in_hand(objects: &Objects, data: Vec<u8>) -> Stored {
        Stored {
            objects: objects.clone(),
            sha256: sha256_of(&data),
            size: data.len() as u64,
            inline: Some(data),
        }
    }

    /// The bytes, all or a range of them.
    pub fn read(self, range: Option<Range<u64>>) -> AppResult<Vec<u8>> {
        read(&self.objects, self.inline, &self.sha256, range)
    }
}

/// The bytes of a file kept in a row: still in the row (written before the store existed and
/// not yet moved out), or in the store under its digest.
pub fn read(
    objects: &Objects,
    inline: Option<Vec<u8>>,
    sha256: &str,
    range: Option<Range<u64>>,
) -> AppResult<Vec<u8>> {
    match inline {
        Some(data) => Ok(match range {
            Some(r) => {
                let end = (r.end as usize).min(data.len());
                data[(r.start as usize).min(end)..end].to_vec()
            }
            None => data,
        }),
        None => objects.get(sha256, range),
    }
}

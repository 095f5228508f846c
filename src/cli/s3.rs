//! The two S3 configurations: the content files' (`--s3-*`, `KIROKU_S3_*`) and the
//! backups' off the machine (`--backup-s3-*`, `KIROKU_BACKUP_S3_*`), each a bucket with
//! credentials of its own, turned into an `S3Config` by one function.

use std::path::PathBuf;

use clap::Args;

use super::S3Args;
use crate::blob::s3::{S3Blobs, S3Config};

/// A copy of every backup in S3-compatible object storage (another machine, another
/// provider), beside the backup folder. Credentials come from
/// `KIROKU_BACKUP_S3_ACCESS_KEY_ID` and `KIROKU_BACKUP_S3_SECRET_ACCESS_KEY`.
#[derive(Debug, Clone, Args)]
pub struct BackupS3Args {
    /// Endpoint of the backups' S3-compatible storage (https://host[:port], or http:// on
    /// a private network).
    #[arg(long, env = "KIROKU_BACKUP_S3_ENDPOINT", requires = "backup_s3_bucket")]
    pub backup_s3_endpoint: Option<String>,
    /// Bucket holding the backups (not the content files' bucket).
    #[arg(long, env = "KIROKU_BACKUP_S3_BUCKET")]
    pub backup_s3_bucket: Option<String>,
    /// Region the requests are signed for.
    #[arg(long, env = "KIROKU_BACKUP_S3_REGION", default_value = "us-east-1")]
    pub backup_s3_region: String,
    /// Key prefix inside the bucket.
    #[arg(long, env = "KIROKU_BACKUP_S3_PREFIX", default_value = "")]
    pub backup_s3_prefix: String,
    /// PEM file of CA certificates trusted beside the public roots, for an https://
    /// endpoint with a private CA.
    #[arg(long, env = "KIROKU_BACKUP_S3_CA_FILE", requires = "backup_s3_endpoint")]
    pub backup_s3_ca_file: Option<PathBuf>,
}

/// Where `backup list | verify | restore-tenant` and `restore` read backups from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum BackupTarget {
    /// The backup folder (`--backup-dir`).
    #[default]
    Folder,
    /// The S3 backup target (`--backup-s3-*`).
    S3,
}

/// One S3 configuration as given, with the names it was given under (for the messages).
struct Given<'a> {
    endpoint: Option<&'a String>,
    bucket: Option<&'a String>,
    region: &'a str,
    prefix: &'a str,
    ca_file: Option<&'a PathBuf>,
    /// `--s3` or `--backup-s3`.
    flag: &'static str,
    /// `KIROKU_S3` or `KIROKU_BACKUP_S3`.
    env: &'static str,
}

/// The configuration, or `None` without an endpoint; the credentials from the
/// environment (never from flags, which other users can read in the process list).
fn config(g: &Given<'_>) -> Result<Option<S3Config>, String> {
    let Some(endpoint) = g.endpoint else {
        return Ok(None);
    };
    let (flag, env) = (g.flag, g.env);
    let var = |suffix: &str| {
        let name = format!("{env}_{suffix}");
        std::env::var(&name).map_err(|_| format!("{name} is needed with {flag}-endpoint"))
    };
    Ok(Some(S3Config {
        endpoint: endpoint.trim_end_matches('/').to_owned(),
        bucket: g
            .bucket
            .cloned()
            .ok_or_else(|| format!("{flag}-bucket is needed with {flag}-endpoint"))?,
        region: g.region.to_owned(),
        prefix: g.prefix.to_owned(),
        access_key: var("ACCESS_KEY_ID")?,
        secret_key: var("SECRET_ACCESS_KEY")?,
        ca_file: g.ca_file.cloned(),
    }))
}

/// The content files' S3 configuration, if any.
pub fn content_config(s3: &S3Args) -> Result<Option<S3Config>, String> {
    config(&Given {
        endpoint: s3.s3_endpoint.as_ref(),
        bucket: s3.s3_bucket.as_ref(),
        region: &s3.s3_region,
        prefix: &s3.s3_prefix,
        ca_file: s3.s3_ca_file.as_ref(),
        flag: "--s3",
        env: "KIROKU_S3",
    })
}

impl BackupS3Args {
    /// The S3 backup target's client, if one is configured.
    pub fn client(&self) -> Result<Option<S3Blobs>, String> {
        let cfg = config(&Given {
            endpoint: self.backup_s3_endpoint.as_ref(),
            bucket: self.backup_s3_bucket.as_ref(),
            region: &self.backup_s3_region,
            prefix: &self.backup_s3_prefix,
            ca_file: self.backup_s3_ca_file.as_ref(),
            flag: "--backup-s3",
            env: "KIROKU_BACKUP_S3",
        })?;
        cfg.map(|c| S3Blobs::new(c).map_err(|e| format!("the S3 backup target: {e}")))
            .transpose()
    }

    /// The client, for a command told to read from the S3 target.
    pub fn required(&self) -> Result<S3Blobs, String> {
        self.client()?
            .ok_or_else(|| "--target s3 needs the S3 backup target: --backup-s3-endpoint and --backup-s3-bucket".into())
    }
}

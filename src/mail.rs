//! E-mail over SMTP (lettre): the one place kiroku speaks SMTP. The server is named by
//! one URL (`--smtp-url`): `smtps://user:pass@host:465` (implicit TLS),
//! `smtp://user:pass@host:587?tls=required` (STARTTLS), or `smtp://host:port` (plain,
//! for a local relay or tests). TLS is rustls with the ring provider and the public
//! roots, as the S3 client. Subjects and bodies are UTF-8 (lettre encodes headers per
//! RFC 2047 and picks the body's transfer encoding).

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::notice::delivery::{Message, RetryPolicy};
use crate::server::Redacted;

/// How long one SMTP conversation may take before it counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// How notices are e-mailed (`serve --smtp-url … --smtp-from …`).
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// The SMTP server's URL; it may hold a password, so it is never shown.
    pub url: Redacted,
    /// The sender, `notices@example.jp` or `kiroku <notices@example.jp>`.
    pub from: String,
    pub retry: RetryPolicy,
}

/// Sends one message; the error is a sentence for the delivery's `last_error` (never
/// the SMTP password: lettre's errors name the reply, not the URL).
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, to: &str, message: &Message) -> Result<(), String>;
}

/// The SMTP mailer.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl SmtpMailer {
    /// Checks the URL and the sender; nothing connects yet.
    pub fn new(config: &MailConfig) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.url.0)
            .map_err(|e| format!("--smtp-url is not a usable SMTP URL: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = config
            .from
            .parse()
            .map_err(|e| format!("--smtp-from is not an e-mail address: {e}"))?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, to: &str, message: &Message) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("the address is not usable: {e}"))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| format!("the message cannot be built: {e}"))?;
        self.transport
            .send(email)
            .await
            .map(drop)
            .map_err(|e| format!("SMTP: {e}"))
    }
}

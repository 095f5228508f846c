//! A slow or hanging client cannot hold a connection without bound, on either origin,
//! over plain HTTP or TLS: raw sockets that send nothing, half a head, a head byte by
//! byte, or a trickled body, against a server with short bounds. Each test asserts the
//! connection ends within its bound (and not at once, so it is the bound that ended it).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use kiroku::net::{BodyPace, NetConfig, Timeouts};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep, timeout};

use crate::support::TestApp;
use crate::tls::{TestCa, client_config};

const SHORT: Timeouts = Timeouts {
    tls_handshake: Duration::from_secs(1),
    header: Duration::from_secs(1),
    idle: Duration::from_secs(3),
    body: BodyPace {
        body: Duration::from_secs(1),
        min_rate: 100,
    },
    write: Duration::from_secs(1),
};

/// Longest any of these tests waits for the server to act.
const BOUND: Duration = Duration::from_secs(8);

async fn server(tls: Option<&TestCa>) -> TestApp {
    let cert = tls.map(|ca| Arc::new(kiroku::net::ServerCertificate::load(ca.issue("server")).expect("certificate")));
    let net = NetConfig {
        timeouts: SHORT,
        app_tls: cert.clone(),
        content_tls: cert,
        ..NetConfig::default()
    };
    TestApp::builder().net(net).start().await
}

/// Reads until the server closes; what it sent and how long that took. Fails if the
/// connection is still open after `BOUND`.
async fn until_closed(stream: &mut (impl AsyncRead + Unpin), since: Instant) -> (Vec<u8>, Duration) {
    let mut got = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(buf.get(..n).unwrap_or_default()),
            }
        }
    };
    timeout(BOUND, read)
        .await
        .unwrap_or_else(|_| panic!("the connection was still open after {BOUND:?}"));
    (got, since.elapsed())
}

/// `kiroku_connections_timed_out_total{bound=…}` from `/metrics` (0 when absent).
async fn timed_out(app: &TestApp, bound: &str) -> u64 {
    let text = app.get("/metrics").send().await.expect(200).text();
    let name = format!("kiroku_connections_timed_out_total{{bound=\"{bound}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(name.as_str()))
        .map_or(0, |n| n.parse().expect("a count"))
}

#[track_caller]
fn within(took: Duration, bound: Duration) {
    // Not before the bound (less a little: the server's clock may start a moment before
    // the test's), and not long after it.
    assert!(
        took >= bound.saturating_sub(Duration::from_millis(500)) && took < bound + Duration::from_secs(3),
        "closed after {took:?}, bound {bound:?}"
    );
}

#[tokio::test]
async fn a_client_that_sends_nothing_is_disconnected_at_the_header_bound_on_both_origins() {
    let app = server(None).await;
    for addr in [app.addr, app.content_addr] {
        let start = Instant::now();
        let mut tcp = TcpStream::connect(addr).await.expect("connect");
        let (got, took) = until_closed(&mut tcp, start).await;
        assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
        within(took, SHORT.header);
    }
    assert_eq!(timed_out(&app, "header").await, 2, "counted in /metrics");
}

#[tokio::test]
async fn half_a_request_head_is_disconnected_at_the_header_bound_on_both_origins() {
    let app = server(None).await;
    for addr in [app.addr, app.content_addr] {
        let start = Instant::now();
        let mut tcp = TcpStream::connect(addr).await.expect("connect");
        tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("write");
        let (_, took) = until_closed(&mut tcp, start).await;
        within(took, SHORT.header);
    }
}

#[tokio::test]
async fn a_head_sent_a_byte_at_a_time_is_disconnected_at_the_header_bound() {
    // Each byte comes well within the bound of the one before: the whole head is bounded.
    let app = server(None).await;
    let start = Instant::now();
    let tcp = TcpStream::connect(app.addr).await.expect("connect");
    let (mut read, mut write) = tcp.into_split();
    tokio::spawn(async move {
        for b in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".iter() {
            if write.write_all(&[*b]).await.is_err() {
                return;
            }
            sleep(Duration::from_millis(100)).await;
        }
    });
    let (_, took) = until_closed(&mut read, start).await;
    within(took, SHORT.header);
}

/// A hyper client connection on `addr`; the task resolves when the server closes it.
async fn kept_alive(
    addr: SocketAddr,
) -> (
    hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    tokio::task::JoinHandle<Instant>,
) {
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .expect("handshake");
    let closed = tokio::spawn(async move {
        let _ = conn.await;
        Instant::now()
    });
    (send, closed)
}

async fn healthz(send: &mut hyper::client::conn::http1::SendRequest<Empty<Bytes>>) -> u16 {
    let req = hyper::Request::get("/healthz")
        .header("host", "x")
        .body(Empty::new())
        .expect("request");
    let resp = timeout(BOUND, send.send_request(req))
        .await
        .expect("bounded")
        .expect("response");
    let status = resp.status().as_u16();
    let _ = resp.into_body().collect().await;
    status
}

#[tokio::test]
async fn a_kept_alive_connection_lives_past_the_header_bound_and_closes_at_the_idle_bound() {
    let app = server(None).await;
    for addr in [app.addr, app.content_addr] {
        let (mut send, closed) = kept_alive(addr).await;
        assert_eq!(healthz(&mut send).await, 200);
        // Longer than the header bound, shorter than the idle one: still open.
        sleep(SHORT.header + Duration::from_millis(500)).await;
        assert_eq!(
            healthz(&mut send).await,
            200,
            "{addr}: the kept-alive connection still serves"
        );
        let idle_from = Instant::now();
        let closed_at = timeout(BOUND, closed)
            .await
            .expect("closed within the bound")
            .expect("connection task");
        within(closed_at - idle_from, SHORT.idle);
    }
    assert_eq!(timed_out(&app, "idle").await, 2, "counted in /metrics");
}

/// A raw xAPI POST whose body of `len` bytes the caller sends.
fn statements_head(addr: SocketAddr, auth: &str, len: usize) -> String {
    format!(
        "POST /xapi/statements HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {auth}\r\n\
         X-Experience-API-Version: 2.0.0\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n"
    )
}

fn statement() -> Vec<u8> {
    serde_json::json!({
        "actor": {"mbox": "mailto:slow@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "http://example.com/slow"}
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn a_trickled_body_is_cut_off_with_408_and_the_connection_closed() {
    let app = server(None).await;
    let cred = app.tenant_cred("acme").await;
    let body = statement();
    let tcp = TcpStream::connect(app.addr).await.expect("connect");
    let (mut read, mut write) = tcp.into_split();
    let head = statements_head(app.addr, &cred.basic(), body.len());
    write.write_all(head.as_bytes()).await.expect("write head");
    let start = Instant::now();
    // Five bytes a second against a hundred: each byte is prompt, the average is not.
    tokio::spawn(async move {
        for b in body {
            if write.write_all(&[b]).await.is_err() {
                return;
            }
            sleep(Duration::from_millis(200)).await;
        }
    });
    let (got, took) = until_closed(&mut read, start).await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.to_ascii_lowercase().contains("connection: close"), "{text}");
    assert!(text.contains("too slowly"), "{text}");
    within(took, SHORT.body.body);
    assert_eq!(timed_out(&app, "body").await, 1, "counted in /metrics");
}

#[tokio::test]
async fn a_body_sent_in_pieces_within_the_bounds_is_stored() {
    let app = server(None).await;
    let cred = app.tenant_cred("acme").await;
    let body = statement();
    let mut tcp = TcpStream::connect(app.addr).await.expect("connect");
    let head = statements_head(app.addr, &cred.basic(), body.len());
    tcp.write_all(head.as_bytes()).await.expect("write head");
    let (first, rest) = body.split_at(body.len() / 2);
    tcp.write_all(first).await.expect("first half");
    sleep(Duration::from_millis(500)).await;
    tcp.write_all(rest).await.expect("second half");
    let mut got = vec![0u8; 4096];
    let n = timeout(BOUND, tcp.read(&mut got))
        .await
        .expect("bounded")
        .expect("read");
    let text = String::from_utf8_lossy(got.get(..n).unwrap_or_default()).into_owned();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

#[tokio::test]
async fn over_tls_a_silent_client_is_cut_at_the_handshake_bound_and_half_a_head_at_the_header_bound() {
    let ca = TestCa::new();
    let app = server(Some(&ca)).await;
    for addr in [app.addr, app.content_addr] {
        let start = Instant::now();
        let mut tcp = TcpStream::connect(addr).await.expect("connect");
        let (_, took) = until_closed(&mut tcp, start).await;
        within(took, SHORT.tls_handshake);

        let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config(Some(&ca.ca_pem()))));
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let name = rustls::pki_types::ServerName::IpAddress(addr.ip().into());
        let mut tls = timeout(BOUND, connector.connect(name, tcp))
            .await
            .expect("bounded")
            .expect("handshake");
        let start = Instant::now();
        tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("write");
        let (_, took) = until_closed(&mut tls, start).await;
        within(took, SHORT.header);
    }
}

#[tokio::test]
async fn shutdown_is_not_held_up_by_a_hanging_client() {
    let dir = tempfile::tempdir().expect("folder");
    let store = Arc::new(kiroku::store::sqlite::SqliteStore::open(dir.path()).expect("store"));
    let blobs = Arc::new(kiroku::blob::LocalBlobs::open(&dir.path().join("blobs")).expect("blobs"));
    let app = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let content = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = app.local_addr().expect("address");
    let mut config = kiroku::server::ServerConfig::new(&format!("http://{addr}"), 1 << 20);
    config.work_dir = dir.path().join("work");
    config.net.timeouts = SHORT;
    let state = kiroku::AppState::new(store, blobs, config).await.expect("state");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(kiroku::serve(app, content, state, async move {
        let _ = stopped.await;
    }));
    let mut tcp = TcpStream::connect(addr).await.expect("connect");
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    sleep(Duration::from_millis(100)).await;
    let start = Instant::now();
    let _ = stop.send(());
    timeout(BOUND, serving)
        .await
        .expect("serve returned within the bound")
        .expect("task")
        .expect("serve");
    assert!(
        start.elapsed() < SHORT.header + Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    drop(tcp);
}

#[tokio::test]
async fn a_client_that_stops_reading_a_response_is_cut_off_at_the_write_bound() {
    let app = server(None).await;
    let cred = app.tenant_cred("acme").await;
    // A document far larger than what the two sockets' buffers hold.
    let size = 3 << 20;
    let url = crate::documents::STATE.url(Some("big"), &[]);
    app.put(&url)
        .auth(&cred)
        .body("application/octet-stream", vec![b'x'; size])
        .send()
        .await
        .expect(204);
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("small receive buffer");
    let mut tcp = socket.connect(app.addr).await.expect("connect");
    let head = format!(
        "GET {url} HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nX-Experience-API-Version: 2.0.0\r\n\r\n",
        cred.basic()
    );
    tcp.write_all(head.as_bytes()).await.expect("write");
    // Not a byte read for longer than the write bound; then all that is left is taken.
    sleep(SHORT.write + Duration::from_secs(2)).await;
    let (got, _) = until_closed(&mut tcp, Instant::now()).await;
    assert!(
        got.starts_with(b"HTTP/1.1 200") && got.len() < size,
        "the response was abandoned part way: {} of {size} bytes",
        got.len()
    );
    assert_eq!(timed_out(&app, "write").await, 1, "counted in /metrics");
}

//! A small W3C WebDriver client for the browser tests that must click: it starts
//! `chromedriver` on a free port, opens one headless Chromium session with a fresh
//! profile, and speaks the few commands the tests use over plain HTTP (hyper).
//!
//! Every command and every wait is bounded in time, so a test fails instead of hanging.
//! Dropping a [`Browser`] ends its session and kills chromedriver's process group, which
//! holds every Chromium process it started (chromedriver does not take them down when it
//! is killed itself).

use std::future::Future;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::Method;
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};

use crate::browser::CHROMIUM;
use crate::support::{HttpClient, http_client};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long a wait polls before the test fails (generous: CI machines run several
/// Chromiums at once on few cores).
pub const WAIT: Duration = Duration::from_secs(15);
/// The longest any single WebDriver command may take (a new session starts Chromium).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// The key W3C WebDriver names element references by.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// WebDriver's code points for special keys.
pub const ENTER: char = '\u{E007}';
pub const TAB: char = '\u{E004}';

const ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-popup-blocking",
    // Containers often have a tiny /dev/shm; Chromium crashes tabs when it fills up.
    "--disable-dev-shm-usage",
];

/// An element of the current browsing context.
#[derive(Debug, Clone)]
pub struct Element(String);

/// One Chromium session behind its own chromedriver.
pub struct Browser {
    client: HttpClient,
    base: String,
    session: String,
    open: bool,
    driver: Child,
    profile: tempfile::TempDir,
}

/// Browser tests are never skipped: scripts/test.sh installs the Debian package
/// chromium-driver.
fn driver_present() {
    assert!(
        Path::new(CHROMEDRIVER).exists(),
        "{CHROMEDRIVER} is missing: run scripts/test.sh, which installs chromium-driver"
    );
}

/// A port nobody listens on right now (bound, read, released).
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("free port").port()
}

/// One HTTP exchange with chromedriver: (status, JSON body).
async fn exchange(
    client: &HttpClient,
    method: Method,
    url: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let bytes = body.map(Value::to_string).unwrap_or_default();
    let req = hyper::Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/json; charset=utf-8")
        .body(Full::new(Bytes::from(bytes)))
        .map_err(|e| e.to_string())?;
    let send = async {
        let resp = client.request(req).await.map_err(|e| format!("{e:?}"))?;
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        let json = serde_json::from_slice(&body).unwrap_or_else(|_| json!({"text": String::from_utf8_lossy(&body)}));
        Ok((status, json))
    };
    tokio::time::timeout(COMMAND_TIMEOUT, send)
        .await
        .map_err(|_| format!("no answer within {COMMAND_TIMEOUT:?}"))?
}

/// Polls `probe` every 50 ms until it yields `Ok`; after [`WAIT`] fails the test with the
/// last `Err` (what was seen instead).
pub async fn until<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        match probe().await {
            Ok(v) => return v,
            Err(seen) if Instant::now() > deadline => {
                panic!("timed out after {WAIT:?} waiting for {what}; last seen: {seen}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Polls `probe` until it returns `want`; fails the test after [`WAIT`] showing both.
pub async fn until_eq<T, F, Fut>(what: &str, want: T, mut probe: F)
where
    T: PartialEq + std::fmt::Debug,
    F: FnMut() -> Fut,
    Fut: Future<Output = T>,
{
    let want = &want;
    until(what, || {
        let next = probe();
        async move {
            let got = next.await;
            if got == *want {
                Ok(())
            } else {
                Err(format!("{got:?}, want {want:?}"))
            }
        }
    })
    .await;
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session with a fresh profile.
    pub async fn start() -> Self {
        driver_present();
        let profile = tempfile::tempdir().expect("profile folder");
        let log = std::fs::File::create(profile.path().join("chromedriver.log")).expect("log file");
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            // Its own process group, so that Drop can end Chromium with it.
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let mut b = Browser {
            client: http_client(),
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            open: false,
            driver,
            profile,
        };
        let (client, status) = (&b.client, &format!("{}/status", b.base));
        until("chromedriver to be ready", || async move {
            let (_, v) = exchange(client, Method::GET, status, None).await?;
            if v["value"]["ready"] == true {
                Ok(())
            } else {
                Err(v.to_string())
            }
        })
        .await;
        let mut args: Vec<String> = ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!(
            "--user-data-dir={}",
            b.profile.path().join("chromium").display()
        ));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "timeouts": {"implicit": 0, "pageLoad": 15000, "script": 10000},
            "unhandledPromptBehavior": "dismiss",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
        }}});
        let v = b.send(Method::POST, "/session", Some(&caps)).await;
        b.session = v["sessionId"].as_str().expect("session id").to_owned();
        b.open = true;
        b
    }

    /// Sends a command (`path` below the server's root); returns the answer's `value`, or
    /// the W3C error as text.
    async fn try_command(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let (status, v) = exchange(&self.client, method.clone(), &url, body)
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        if status == 200 {
            return Ok(v["value"].clone());
        }
        let e = &v["value"];
        Err(format!(
            "{method} {path}: {status} {}: {}",
            e["error"].as_str().unwrap_or("?"),
            e["message"].as_str().unwrap_or(&v.to_string())
        ))
    }

    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Value {
        self.try_command(method, path, body)
            .await
            .unwrap_or_else(|e| panic!("WebDriver {e}"))
    }

    fn at(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    async fn post(&self, rest: &str, body: Value) -> Value {
        self.send(Method::POST, &self.at(rest), Some(&body)).await
    }

    async fn get(&self, rest: &str) -> Value {
        self.send(Method::GET, &self.at(rest), None).await
    }

    /// Navigates the current window and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    /// Loads `url` again when the browser may already be on it (a reload): WebDriver need not
    /// wait for a load to the same URL, so the old document is marked and the new one, whole,
    /// awaited — a wait on what both documents show would otherwise be met by the old one.
    pub async fn goto_anew(&self, url: &str) {
        self.execute("window.__kirokuOldPage = true;", json!([])).await;
        self.goto(url).await;
        self.wait_js(
            &format!("{url} loaded anew"),
            "!window.__kirokuOldPage && document.readyState === 'complete'",
        )
        .await;
    }

    pub async fn url(&self) -> String {
        self.get("/url").await.as_str().unwrap_or_default().to_owned()
    }

    /// The first element matching a CSS selector now, if any.
    pub async fn try_find(&self, css: &str) -> Option<Element> {
        let body = json!({"using": "css selector", "value": css});
        let v = self
            .try_command(Method::POST, &self.at("/element"), Some(&body))
            .await
            .ok()?;
        v[ELEMENT_KEY].as_str().map(|id| Element(id.to_owned()))
    }

    /// The first element matching a CSS selector, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        let what = format!("an element matching {css}");
        until(&what, || async {
            self.try_find(css).await.ok_or_else(|| "none".to_owned())
        })
        .await
    }

    pub async fn click(&self, e: &Element) {
        self.post(&format!("/element/{}/click", e.0), json!({})).await;
    }

    /// Finds and clicks.
    pub async fn click_on(&self, css: &str) {
        let e = self.find(css).await;
        self.click(&e).await;
    }

    /// The rendered text of an element.
    pub async fn text(&self, e: &Element) -> String {
        self.get(&format!("/element/{}/text", e.0))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn attribute(&self, e: &Element, name: &str) -> Option<String> {
        self.get(&format!("/element/{}/attribute/{name}", e.0))
            .await
            .as_str()
            .map(str::to_owned)
    }

    /// Types into an element (WebDriver focuses it first).
    pub async fn send_keys(&self, e: &Element, text: &str) {
        self.post(&format!("/element/{}/value", e.0), json!({ "text": text }))
            .await;
    }

    /// Presses and releases one key on whatever has the focus (the actions API).
    pub async fn press(&self, key: char) {
        let k = key.to_string();
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": k}, {"type": "keyUp", "value": k}
        ]}]});
        self.post("/actions", actions).await;
        self.send(Method::DELETE, &self.at("/actions"), None).await;
    }

    /// Sets the window's size in CSS pixels (a phone: 390 × 844).
    pub async fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await;
    }

    /// Saves a PNG of the window as `name`.png in the folder `KIROKU_SCREENSHOTS` names,
    /// when it is set (to look at what a test saw); does nothing otherwise.
    pub async fn screenshot(&self, name: &str) {
        let Ok(dir) = std::env::var("KIROKU_SCREENSHOTS") else {
            return;
        };
        let v = self.send(Method::GET, &self.at("/screenshot"), None).await;
        let png = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            v.as_str().unwrap_or_default(),
        )
        .expect("a base64 PNG");
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write the screenshot");
    }

    /// Runs a script body (`return …`) in the current browsing context.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Runs an asynchronous script body, which answers by calling `arguments[arguments.length - 1]`.
    pub async fn execute_async(&self, script: &str, args: Value) -> Value {
        self.post("/execute/async", json!({ "script": script, "args": args }))
            .await
    }

    /// Waits until the JavaScript expression is truthy in the current context; returns it.
    /// Script errors count as not yet (the page may be between documents).
    pub async fn wait_js(&self, what: &str, expr: &str) -> Value {
        let body = json!({"script": format!("return ({expr});"), "args": []});
        let path = &self.at("/execute/sync");
        let body = &body;
        until(what, || async move {
            let v = self.try_command(Method::POST, path, Some(body)).await?;
            let falsy = v.is_null() || v == false || v == 0 || v == "";
            if falsy { Err(v.to_string()) } else { Ok(v) }
        })
        .await
    }

    pub async fn window(&self) -> String {
        self.get("/window").await.as_str().expect("window handle").to_owned()
    }

    pub async fn window_handles(&self) -> Vec<String> {
        let v = self.get("/window/handles").await;
        v.as_array()
            .expect("window handles")
            .iter()
            .filter_map(|h| h.as_str().map(str::to_owned))
            .collect()
    }

    /// Waits for a window other than `known` to open; returns its handle.
    pub async fn new_window(&self, known: &[String]) -> String {
        until("a new window", || async move {
            let handles = self.window_handles().await;
            let new = handles.iter().find(|h| !known.contains(h)).cloned();
            new.ok_or_else(|| format!("{handles:?}"))
        })
        .await
    }

    pub async fn switch_to_window(&self, handle: &str) {
        self.post("/window", json!({ "handle": handle })).await;
    }

    /// Closes the current window; returns the handles left open.
    pub async fn close_window(&self) -> Vec<String> {
        let v = self.send(Method::DELETE, &self.at("/window"), None).await;
        v.as_array()
            .map(|a| a.iter().filter_map(|h| h.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    /// Makes an iframe element the current browsing context.
    pub async fn switch_to_frame(&self, frame: &Element) {
        self.post("/frame", json!({ "id": { ELEMENT_KEY: frame.0 } })).await;
    }

    /// Makes the window's top-level document the current browsing context again.
    pub async fn switch_to_top(&self) {
        self.post("/frame", json!({ "id": null })).await;
    }

    /// Ends the session (Chromium quits); Drop then stops chromedriver.
    pub async fn quit(mut self) {
        if self.open {
            self.open = false;
            let _ = self.try_command(Method::DELETE, &self.at(""), None).await;
        }
    }

    /// Ends the session from Drop, where nothing can be awaited: a blocking HTTP request.
    fn delete_session_blocking(&self) {
        let addr = self.base.trim_start_matches("http://");
        let Ok(mut s) = TcpStream::connect(addr) else { return };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
        let req = format!(
            "DELETE /session/{} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.session
        );
        if s.write_all(req.as_bytes()).is_ok() {
            let _ = s.read_to_end(&mut Vec::new());
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.open {
            self.delete_session_blocking();
        }
        // Whatever is left of chromedriver and its Chromium: the group we started.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

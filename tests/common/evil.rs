//! A small misbehaving HTTP server on loopback, for attack and fault tests: it records every
//! request exactly as it arrived (head and body, so a test can see which credential reached
//! it) and answers with whatever bytes the test scripts — a lie, a cut-off answer, an endless
//! one, silence. Blocking std sockets on threads of its own, so both sync and async tests can
//! use it; every loop is bounded in bytes and time and ends by itself.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Request line and headers, as sent.
    pub head: String,
    pub body: Vec<u8>,
}

impl Recorded {
    /// "POST /v2/users"
    pub fn line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }

    pub fn path(&self) -> &str {
        self.line().split(' ').nth(1).unwrap_or_default()
    }

    /// A header's value (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// These bytes, then the connection is closed.
    Raw(Vec<u8>),
    /// Close without answering.
    Close,
    /// Say nothing until `for` has passed (longer than the client's timeout), then close.
    Silence(Duration),
    /// This head, then body bytes without end (until `MAX_ENDLESS` or the client leaves).
    Endless { head: String },
}

/// The most an endless answer sends before giving up on the client ever stopping it.
pub const MAX_ENDLESS: usize = 256 * 1024 * 1024;

impl Reply {
    /// A complete answer: status, JSON body, correct length.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Raw(
            format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    }

    /// The head of a JSON answer promising `promised` bytes, then only `body`.
    pub fn cut_off(status: u16, body: &str, promised: usize) -> Reply {
        Reply::Raw(
            format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {promised}\r\nconnection: close\r\n\r\n{body}"
            )
            .into_bytes(),
        )
    }
}

type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

pub struct EvilServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
}

impl EvilServer {
    /// Listens on 127.0.0.1 (a free port) and answers each request with `handler`.
    pub fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> EvilServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (reqs, halt) = (Arc::clone(&requests), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !halt.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (reqs, handler, halt) =
                            (Arc::clone(&reqs), Arc::clone(&handler), Arc::clone(&halt));
                        std::thread::spawn(move || serve(stream, &reqs, handler.as_ref(), &halt));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        EvilServer { addr, requests, stop }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request so far, in order of arrival.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("request log").clone()
    }
}

impl Drop for EvilServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve(mut stream: TcpStream, log: &Mutex<Vec<Recorded>>, handler: &Handler, stop: &AtomicBool) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    // Keep-alive: one connection may carry several requests.
    while let Some(request) = read_request(&mut stream) {
        log.lock().expect("request log").push(request.clone());
        let keep_going = match handler(&request) {
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes);
                false
            }
            Reply::Close => false,
            Reply::Silence(time) => {
                let until = Instant::now() + time;
                while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(10));
                }
                false
            }
            Reply::Endless { head } => {
                let chunk = vec![b'['; 64 * 1024];
                let mut sent = 0;
                if stream.write_all(head.as_bytes()).is_ok() {
                    while sent < MAX_ENDLESS
                        && !stop.load(Ordering::SeqCst)
                        && stream.write_all(&chunk).is_ok()
                    {
                        sent += chunk.len();
                    }
                }
                false
            }
        };
        if !keep_going {
            break;
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// One request: head up to the blank line, then `content-length` bytes of body. `None` when
/// the client closed or sent nothing readable.
fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if buf.len() > 64 * 1024 || stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).trim_end().to_string();
    let mut request = Recorded {
        head,
        body: Vec::new(),
    };
    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(16 * 1024 * 1024)];
    stream.read_exact(&mut body).ok()?;
    request.body = body;
    Some(request)
}

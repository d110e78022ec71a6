//! A real S3-compatible server for the object store's tests: moto's server mode
//! (`pip install 'moto[server]'`), started once per test process on a loopback port. Each test
//! uses a bucket of its own, so tests share no state. The server ends with the test process (it
//! runs under a shell that stops it when the process's pipe closes).

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct S3 {
    pub endpoint: String,
    _child: std::sync::Mutex<Child>,
}

fn server() -> &'static S3 {
    static S3: OnceLock<S3> = OnceLock::new();
    S3.get_or_init(|| {
        let bin = std::env::var("PAHT_TEST_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script =
            format!("\"$0\" -H 127.0.0.1 -p {port} >/dev/null 2>&1 & pid=$!; read -r _; kill $pid");
        let child = Command::new("sh")
            .args(["-c", &script, &bin])
            .stdin(Stdio::piped())
            .spawn()
            .expect("sh starts");
        let endpoint = format!("http://127.0.0.1:{port}");
        let end = Instant::now() + Duration::from_secs(60);
        loop {
            if ureq::get(&format!("{endpoint}/")).call().is_ok() {
                break;
            }
            assert!(
                Instant::now() < end,
                "the S3 server did not start: install it with `pip install 'moto[server]'` \
                 (or name its binary in PAHT_TEST_MOTO_SERVER)"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        S3 {
            endpoint,
            _child: std::sync::Mutex::new(child),
        }
    })
}

/// A new, empty bucket on the server; returns the server's endpoint and the bucket's name.
pub fn bucket() -> (String, String) {
    let s = server();
    let name = format!("paht-{}", uuid::Uuid::now_v7().simple());
    ureq::put(&format!("{}/{name}", s.endpoint))
        .send_empty()
        .expect("the bucket is created");
    (s.endpoint.clone(), name)
}

/// The keys in a bucket (ListObjectsV2, first page).
pub fn keys(endpoint: &str, bucket: &str) -> Vec<String> {
    let mut body = String::new();
    ureq::get(&format!("{endpoint}/{bucket}?list-type=2"))
        .call()
        .expect("the bucket lists")
        .into_body()
        .into_reader()
        .read_to_string(&mut body)
        .unwrap();
    body.split("<Key>")
        .skip(1)
        .filter_map(|s| s.split("</Key>").next())
        .map(str::to_string)
        .collect()
}

/// Points a configuration at a bucket of the server.
pub fn configure(c: &mut paht::config::Config, endpoint: &str, bucket: &str) {
    c.object_store_url = Some(format!("s3://{bucket}/paht"));
    c.object_store_options = paht::config::StoreOptions(
        [
            ("aws_access_key_id", "test"),
            ("aws_secret_access_key", "test"),
            ("aws_region", "us-east-1"),
            ("aws_endpoint", endpoint),
            ("aws_allow_http", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    );
}

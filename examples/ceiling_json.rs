//! The ceiling of an HTTP JSON answer on this machine: a bare actix-web server answering a
//! small JSON document, with nothing else (no database, no middleware). `bench/ratios.sh`
//! measures PAHT's paths against it in the same run.
//!
//! `cargo run --release --example ceiling_json -- 127.0.0.1:18500`

use actix_web::{App, HttpResponse, HttpServer, web};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18500".into());
    HttpServer::new(|| {
        App::new()
            .route(
                "/json",
                web::get().to(|| async {
                    HttpResponse::Ok().json(serde_json::json!({"status": "ok", "items": []}))
                }),
            )
            .route(
                "/echo",
                web::post().to(|body: web::Bytes| async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(body)
                }),
            )
    })
    .bind(bind)?
    .run()
    .await
}

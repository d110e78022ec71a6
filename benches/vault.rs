//! What sealing costs a reporter: the six identity columns sealed (a submission) and opened
//! (a read by the IOC), and the two blind indexes of a lookup.
//! Run: `cargo bench --bench vault`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use paht::config::DataKeys;
use paht::db::models::ReporterRow;
use paht::db::repo::identity::{open_reporter, seal_reporter};
use paht::db::vault::Vault;

fn reporter() -> ReporterRow {
    ReporterRow {
        report_id: "0193f3a2-7c41-7d2e-9b1a-5e2f0c8d4a61".into(),
        full_name: "Trần Thị Bình".into(),
        contact_address: "27 Lê Lợi, khóm 3, Phường 6".into(),
        cccd: "094185001234".into(),
        phone: "0918765432".into(),
        email: Some("binh.tran@example.vn".into()),
        organization: None,
    }
}

fn bench(c: &mut Criterion) {
    let v = Vault::new(&DataKeys {
        keys: vec![("k1".into(), vec![7; 32])],
        index: Some(vec![9; 32]),
    })
    .unwrap();
    let r = reporter();
    let sealed = seal_reporter(&v, &r);
    c.bench_function("seal a reporter", |b| {
        b.iter(|| seal_reporter(&v, black_box(&r)))
    });
    c.bench_function("open a reporter", |b| {
        b.iter(|| open_reporter(&v, black_box(sealed.clone())).unwrap())
    });
    c.bench_function("blind indexes of a reporter", |b| {
        b.iter(|| {
            (
                v.blind_phone(black_box(&r.phone)),
                v.blind_cccd(black_box(&r.cccd)),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

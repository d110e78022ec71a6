//! `add_working` for 4 working hours and 6 working days from random starts over 2024–2027, on
//! the official calendar of 2024–2026 and the statutory proposal after it.
//! Run: `cargo bench --bench deadline`. Target: ≥ 5 million computations per second on one core.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use paht::domain::calendar::statutory::effective_days;
use paht::domain::calendar::{OfficeSessions, WorkingCalendar, WorkingDuration};

fn calendar() -> WorkingCalendar {
    let stored = paht::db::seed::official_calendar_days();
    let days = (2000..=2099).flat_map(|y| effective_days(y, &stored).1);
    WorkingCalendar::new(OfficeSessions::default(), days, 2000, 2099).unwrap()
}

fn starts(n: usize) -> Vec<DateTime<Utc>> {
    let lo = DateTime::parse_from_rfc3339("2024-01-01T00:00:00+07:00")
        .unwrap()
        .timestamp();
    let hi = DateTime::parse_from_rfc3339("2028-01-01T00:00:00+07:00")
        .unwrap()
        .timestamp();
    // A fixed-seed xorshift, so every run measures the same starts.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            DateTime::from_timestamp(lo + (x % (hi - lo) as u64) as i64, 0).unwrap()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let cal = calendar();
    let starts = starts(4096);
    let mut group = c.benchmark_group("add_working");
    group.throughput(Throughput::Elements(starts.len() as u64));
    for (name, dur) in [
        ("4 working hours", WorkingDuration::Hours(4)),
        ("6 working days", WorkingDuration::Days(6)),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                for s in &starts {
                    black_box(cal.add_working(black_box(*s), dur).unwrap());
                }
            })
        });
    }
    group.finish();
    c.bench_function("build the calendar 2000–2099", |b| b.iter(calendar));
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! `cargo bench -p resumax-scoring`: scoring throughput and latency on the corpus, and ranking one
//! resume against 10,000 job descriptions. A small own harness (no criterion): the figures go
//! into docs/benchmarks.md, the targets are checked there, never by timed assertions in tests.

use std::hint::black_box;
use std::time::{Duration, Instant};

use resumax_core::job_description::ParsedJobDescription;
use resumax_corpus::{jds, resumes};
use resumax_scoring::{ResumeIndex, rank, score, score_indexed};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// CPU time this thread has used (Linux `/proc`), so throughput per core stays meaningful when
/// other processes share the machine; `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn cpu_rate(items: usize, cpu_before: Option<Duration>) -> String {
    match (cpu_before, thread_cpu()) {
        (Some(a), Some(b)) if b > a => {
            format!("{:.0}/s per core of CPU time", items as f64 / (b - a).as_secs_f64())
        }
        _ => "cpu time unavailable".to_string(),
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    // `cargo test --all-targets` builds and runs benches too: there, only prove it builds.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("scoring bench: run it with `cargo bench` (make bench)");
        return;
    }
    let resumes = resumes();
    // As the product scores them: a parsed posting carries its requirement model (read once at
    // upload, `resumax_document::analyze_job_description`).
    let mut jds = jds();
    for j in &mut jds {
        j.job.requirements = resumax_document::requirements_of(&j.job).into_owned();
    }
    let pairs: Vec<(usize, usize)> =
        (0..resumes.len()).flat_map(|r| (0..jds.len()).map(move |j| (r, j))).collect();

    // Warm-up: the taxonomy is parsed on first use, and caches settle.
    for &(r, j) in pairs.iter().take(200) {
        black_box(score(&resumes[r].resume, &jds[j].job));
    }

    // Latency of one full score (resume read + JD read + match), every corpus pair, 5 rounds.
    let mut samples = Vec::with_capacity(pairs.len() * 5);
    let cpu = thread_cpu();
    for _ in 0..5 {
        for &(r, j) in &pairs {
            let start = Instant::now();
            black_box(score(black_box(&resumes[r].resume), black_box(&jds[j].job)));
            samples.push(start.elapsed());
        }
    }
    samples.sort_unstable();
    let total: Duration = samples.iter().sum();
    println!(
        "score(): {} pairs, p50 {:.0} us, p99 {:.0} us, mean {:.0} us, {:.0} pairs/s wall, {}",
        samples.len(),
        micros(percentile(&samples, 0.50)),
        micros(percentile(&samples, 0.99)),
        micros(total / samples.len() as u32),
        samples.len() as f64 / total.as_secs_f64(),
        cpu_rate(samples.len(), cpu)
    );

    // The ranking path: the resume is read once, each JD is read and matched.
    let mut samples = Vec::with_capacity(pairs.len() * 5);
    let cpu = thread_cpu();
    for _ in 0..5 {
        for r in &resumes {
            let index = ResumeIndex::new(&r.resume);
            for j in &jds {
                let start = Instant::now();
                black_box(score_indexed(&index, black_box(&j.job)));
                samples.push(start.elapsed());
            }
        }
    }
    samples.sort_unstable();
    let total: Duration = samples.iter().sum();
    println!(
        "score_indexed(): {} pairs, p50 {:.0} us, p99 {:.0} us, {:.0} pairs/s wall, {}",
        samples.len(),
        micros(percentile(&samples, 0.50)),
        micros(percentile(&samples, 0.99)),
        samples.len() as f64 / total.as_secs_f64(),
        cpu_rate(samples.len(), cpu)
    );

    // Where the time goes: the slowest JD to read, on average over every resume.
    let mut per_jd: Vec<(Duration, &str)> = jds
        .iter()
        .map(|j| {
            let start = Instant::now();
            for r in &resumes {
                black_box(score(&r.resume, &j.job));
            }
            (start.elapsed() / resumes.len() as u32, j.id.as_str())
        })
        .collect();
    per_jd.sort_unstable_by(|a, b| b.cmp(a));
    let slowest: Vec<String> =
        per_jd.iter().take(3).map(|(d, id)| format!("{id} {:.0} us", micros(*d))).collect();
    println!("slowest JDs (mean full score): {}", slowest.join(", "));

    // RankJobDescriptions over 10,000 JDs: the corpus JDs repeated, each copy with a distinct
    // company so no two inputs are byte-identical.
    let many: Vec<ParsedJobDescription> = (0..10_000)
        .map(|i| {
            let mut job = jds[i % jds.len()].job.clone();
            job.company = Some(format!("Company {i}"));
            job
        })
        .collect();
    let resume = &resumes[0].resume;
    black_box(rank(resume, &many[..100], 10));
    let mut runs = Vec::new();
    let cpu = thread_cpu();
    for _ in 0..3 {
        let start = Instant::now();
        let top = black_box(rank(black_box(resume), black_box(&many), 10));
        runs.push(start.elapsed());
        assert_eq!(top.len(), 10);
    }
    runs.sort_unstable();
    let best = runs[0];
    println!(
        "rank(): 1 resume x {} JDs, best of 3 {:.0} ms, median {:.0} ms wall, JDs {}",
        many.len(),
        best.as_secs_f64() * 1e3,
        runs[1].as_secs_f64() * 1e3,
        cpu_rate(many.len() * 3, cpu)
    );
}

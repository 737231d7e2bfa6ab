//! `resumax optimize`: the whole flow in this process, through the same services a server runs,
//! on a throw-away data directory.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use resumax_config::Settings;
use resumax_core::api::{AcceptChanges, JobDescriptionSource, ParseStatus, StartOptimization, Upload};
use resumax_core::ids::UserId;
use resumax_core::optimization::{ExportFormat, Optimization, OptimizationStatus, Strategy};

use crate::node::Services;

pub struct OneShot {
    pub resume: PathBuf,
    pub jd: PathBuf,
    pub strategy: Strategy,
    pub format: Option<ExportFormat>,
    pub output: Option<PathBuf>,
    pub json: bool,
}

/// Removes the throw-away data directory however the run ends.
struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(path: &PathBuf) -> anyhow::Result<Upload> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Upload { file_name, bytes })
}

const PATIENCE: Duration = Duration::from_secs(300);

pub async fn optimize(args: OneShot) -> anyhow::Result<()> {
    let dir = TempDir(std::env::temp_dir().join(format!("resumax-oneshot-{}", uuid::Uuid::new_v4())));
    let settings =
        Settings { data_dir: Some(dir.0.display().to_string()), workers: Some(1), ..Settings::default() };
    let config =
        Settings::from_env(&std::env::vars().filter(|(k, _)| k == "RESUMAX_AI_PROVIDERS").collect())?
            .overridden_by(settings)
            .validate()?;
    let services = Services::build(&config).await?;
    let (Some(parsing), Some(optimization), Some(export)) =
        (services.parsing, services.optimization, services.export)
    else {
        bail!("the one-shot mode needs every service in process");
    };
    let user = UserId::parse("local")?;

    let resume = parsing.upload_resume(&user, read(&args.resume)?).await?;
    let job = parsing.create_job_description(&user, JobDescriptionSource::File(read(&args.jd)?)).await?;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let resume = parsing.get_resume(&user, resume.resume_id).await?;
        let job = parsing.get_job_description(&user, job.job_description_id).await?;
        for (what, status, error) in
            [("resume", resume.parse_status, resume.error), ("job description", job.parse_status, job.error)]
        {
            if status == ParseStatus::Failed {
                bail!("the {what} could not be read: {}", error.map(|e| e.message).unwrap_or_default());
            }
        }
        if resume.parse_status == ParseStatus::Completed && job.parse_status == ParseStatus::Completed {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            bail!("parsing did not finish in {PATIENCE:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let request = StartOptimization {
        resume_id: resume.resume_id,
        job_description_id: job.job_description_id,
        strategy: args.strategy,
        client_request_id: None,
        request_id: "cli".into(),
    };
    let id = optimization.start(&user, request).await?.optimization.optimization_id;
    let run = loop {
        let run = optimization.get(&user, id).await?;
        if run.status.is_terminal() {
            break run;
        }
        if tokio::time::Instant::now() > deadline {
            bail!("the optimization did not finish in {PATIENCE:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    if args.json {
        println!("{}", serde_json::to_string_pretty(&resumax_gateway::optimization_json(&run))?);
    } else {
        print_report(&run);
    }
    if run.status == OptimizationStatus::Failed {
        bail!("the optimization failed");
    }
    if let Some(format) = args.format {
        let accepted = optimization
            .accept(
                &user,
                id,
                AcceptChanges { apply_all: true, export_formats: vec![format], ..Default::default() },
            )
            .await?;
        let export_id = accepted.exports.first().context("no export was produced")?.export_id;
        // Exports are rendered by a queued job, like in a server.
        loop {
            let record = export.get_export(&user, export_id).await?;
            match record.status {
                resumax_core::api::ExportStatus::Completed => break,
                resumax_core::api::ExportStatus::Failed => bail!("the export could not be rendered"),
                resumax_core::api::ExportStatus::Queued if tokio::time::Instant::now() > deadline => {
                    bail!("the export did not finish in {PATIENCE:?}")
                }
                resumax_core::api::ExportStatus::Queued => {
                    tokio::time::sleep(Duration::from_millis(20)).await
                }
            }
        }
        let (_, bytes) = export.download(&user, export_id).await?;
        match &args.output {
            Some(path) => {
                std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?
            }
            None => {
                use std::io::Write;
                std::io::stdout().write_all(&bytes)?;
            }
        }
    }
    Ok(())
}

/// Human-readable report: scores, the match report, and a colored diff (when on a terminal).
fn print_report(run: &Optimization) {
    use std::io::IsTerminal;
    let color = std::io::stdout().is_terminal();
    let paint =
        |code: &str, text: &str| if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() };
    if let Some(error) = &run.error {
        println!("failed: {} ({})", error.message, error.code);
        return;
    }
    let Some(result) = &run.result else { return };
    println!(
        "alignment score: {} -> {}",
        result.score_before.alignment_score, result.score_after.alignment_score
    );
    for line in &result.summary {
        println!("  {line}");
    }
    let report = &result.score_after;
    println!("\nmatched keywords:");
    for k in &report.matched_keywords {
        let how = if k.literal { String::new() } else { format!(" (as {:?})", k.resume_term) };
        println!("  {}{how}", k.term);
    }
    println!("missing keywords:");
    for k in &report.missing_keywords {
        println!("  {} ({:?})", k.term, k.importance);
    }
    for advice in &report.recommendations {
        println!("  -> {advice}");
    }
    println!("\nchanges:");
    for section in result.diff.iter().filter(|s| !s.changes.is_empty()) {
        println!("[{}]", section.heading);
        for change in &section.changes {
            let spans: String = change
                .spans
                .iter()
                .map(|s| match s.op.as_str() {
                    "insert" => paint("32", &format!("{{+{}+}}", s.text)),
                    "delete" => paint("31", &format!("[-{}-]", s.text)),
                    _ => s.text.clone(),
                })
                .collect();
            let flag = if change.uncertain { " (uncertain)" } else { "" };
            println!("  {} {}{flag}: {spans}", change.change_id, change.change_type.describe());
        }
    }
    for warning in &result.warnings {
        println!("warning: {warning}");
    }
}

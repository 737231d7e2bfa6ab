//! `resumax optimize`: the whole flow in this process, through the same services a server runs,
//! on a throw-away data directory.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use resumax_config::Settings;
use resumax_core::api::{AcceptChanges, JobDescriptionSource, ParseStatus, StartOptimization, Upload};
use resumax_core::ids::UserId;
use resumax_core::optimization::{ExportDesign, ExportFormat, OptimizationStatus, Strategy};

use crate::node::Services;
use crate::report::{Style, optimization_report};

pub struct OneShot {
    pub resume: PathBuf,
    pub jd: PathBuf,
    pub strategy: Strategy,
    pub format: Option<ExportFormat>,
    pub design: ExportDesign,
    pub output: Option<PathBuf>,
    pub json: bool,
    pub no_color: bool,
}

/// One line per stage on stderr, only when stderr is a terminal (scripts see nothing).
struct Progress {
    on: bool,
    color: bool,
    stage: Option<(&'static str, Instant)>,
    /// Index of the next stage to show.
    next: usize,
}

const STAGES: [&str; 4] = ["parse", "score", "generate", "diff"];
const DOING: [&str; 4] = [
    "reading the resume and the job description",
    "scoring the resume against the posting",
    "proposing truthful rewrites",
    "comparing before and after",
];

impl Progress {
    fn new(no_color: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        Progress { on: terminal, color: terminal && !no_color, stage: None, next: 0 }
    }

    /// Ends the stage under way and starts `stage`. A stage the run went through between two
    /// looks (a fast provider) is still shown, so every run shows the same four lines.
    fn enter(&mut self, stage: &'static str) {
        let target = STAGES.iter().position(|s| *s == stage).unwrap_or(0);
        while self.next <= target {
            self.finish();
            let (name, doing) = (STAGES[self.next], DOING[self.next]);
            self.stage = Some((name, Instant::now()));
            self.next += 1;
            if self.on {
                let _ = write!(std::io::stderr(), "[{}/{}] {name:<8} {doing}...", self.next, STAGES.len());
                let _ = std::io::stderr().flush();
            }
        }
    }

    fn finish(&mut self) {
        if let Some((_, started)) = self.stage.take()
            && self.on
        {
            let mark = if self.color { "\x1b[32mdone\x1b[0m" } else { "done" };
            let _ = writeln!(std::io::stderr(), " {mark} ({:.1} s)", started.elapsed().as_secs_f64());
        }
    }
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
    let mut progress = Progress::new(args.no_color);
    progress.enter("parse");

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
        match run.status {
            OptimizationStatus::Queued | OptimizationStatus::Processing => progress.enter("score"),
            OptimizationStatus::Generating => progress.enter("generate"),
            OptimizationStatus::Completed | OptimizationStatus::Failed => {}
        }
        if run.status.is_terminal() {
            if run.status == OptimizationStatus::Completed {
                // The diff and the rescore are the last step of the run; show it as its own.
                progress.enter("diff");
            }
            progress.finish();
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
        match (&run.result, &run.error) {
            (_, Some(error)) => println!("failed: {} ({})", error.message, error.code),
            (Some(result), None) => {
                print!("{}", optimization_report(result, Style::for_stdout(args.no_color)))
            }
            (None, None) => {}
        }
    }
    if run.status == OptimizationStatus::Failed {
        bail!("the optimization failed");
    }
    if let Some(format) = args.format {
        let accepted = optimization
            .accept(
                &user,
                id,
                AcceptChanges {
                    apply_all: true,
                    export_formats: vec![format],
                    design: args.design,
                    ..Default::default()
                },
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
        let path = args.output.as_ref().context("--format needs -o FILE")?;
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

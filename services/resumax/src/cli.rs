//! The command line of DESIGN.md section 6.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::builder::PossibleValuesParser;
use clap::{Parser, Subcommand};
use resumax_config::{Config, Settings};
use resumax_core::optimization::{ExportDesign, ExportFormat, Strategy};
use strum::VariantArray;

fn strategies() -> PossibleValuesParser {
    PossibleValuesParser::new(Strategy::VARIANTS.iter().map(|s| s.as_str()))
}

fn formats() -> PossibleValuesParser {
    PossibleValuesParser::new(ExportFormat::VARIANTS.iter().map(|f| f.as_str()))
}

fn designs() -> PossibleValuesParser {
    PossibleValuesParser::new(ExportDesign::VARIANTS.iter().map(|d| d.as_str()))
}

#[derive(Parser)]
#[command(
    name = "resumax",
    version,
    about = "Aligns a resume to a job description, truthfully",
    after_help = "Examples:\n  resumax optimize --resume cv.pdf --jd posting.txt\n  resumax score --resume cv.pdf --jd posting.txt --json\n  resumax serve\n  TOKEN=$(resumax token --user alice)"
)]
pub struct Cli {
    /// A TOML file with the same keys as the RESUMAX_* variables (lowercase, no prefix).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Where the embedded mode keeps its data (RESUMAX_DATA_DIR).
    #[arg(long, global = true)]
    data_dir: Option<String>,
    /// Log to stderr: -v info, -vv debug. The one-shot commands are quiet without it (RUST_LOG
    /// also turns logs on); `serve` logs at info either way.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run services: all of them (embedded) or a comma-separated subset.
    #[command(after_help = "Examples:\n  resumax serve\n  resumax serve --services gateway,parsing")]
    Serve {
        /// `all`, or a comma-separated subset of gateway, parsing, scoring, optimization, export
        /// (RESUMAX_SERVICES); peers not run here need RESUMAX_<SERVICE>_ENDPOINT.
        #[arg(long, value_name = "LIST")]
        services: Option<String>,
    },
    /// One-shot optimization in this process, no server: parse, score, rewrite, diff.
    #[command(
        after_help = "Examples:\n  resumax optimize --resume cv.pdf --jd posting.txt\n  resumax optimize --resume cv.docx --jd posting.pdf --json > run.json\n  resumax optimize --resume cv.pdf --jd posting.txt --format pdf -o optimized.pdf\n  resumax optimize --resume cv.pdf --jd posting.txt --format docx --design compact -o cv.docx"
    )]
    Optimize {
        /// The resume: a PDF or DOCX file.
        #[arg(long, value_name = "FILE")]
        resume: PathBuf,
        /// The job description: a PDF, DOCX or TXT file.
        #[arg(long, value_name = "FILE")]
        jd: PathBuf,
        /// How far rewrites may go: `conservative` keeps closest to the original,
        /// `aggressive_keywords` uses the posting's wording wherever the resume supports it.
        #[arg(long, default_value = "default", value_parser = strategies())]
        strategy: String,
        /// Also render the optimized resume, every change accepted, in this format (needs -o).
        #[arg(long, value_parser = formats(), requires = "output")]
        format: Option<String>,
        /// The look of the rendered file (all single column, ATS-safe).
        #[arg(long, default_value = "classic", value_parser = designs())]
        design: String,
        /// Where to write the rendered file; stdout carries only the report.
        #[arg(short = 'o', long, value_name = "FILE", requires = "format")]
        output: Option<PathBuf>,
        /// Print the same object as `GET /optimize/{id}` instead of the report.
        #[arg(long)]
        json: bool,
        /// No colour in the report and progress (also NO_COLOR; off anyway when not a terminal).
        #[arg(long)]
        no_color: bool,
    },
    /// Score a resume against a job description in this process, no server.
    #[command(after_help = "Example:\n  resumax score --resume cv.pdf --jd posting.txt")]
    Score {
        /// The resume: a PDF or DOCX file.
        #[arg(long, value_name = "FILE")]
        resume: PathBuf,
        /// The job description: a PDF, DOCX or TXT file.
        #[arg(long, value_name = "FILE")]
        jd: PathBuf,
        /// Print `{alignmentScore, breakdown, matchReport}` as in `GET /optimize/{id}`.
        #[arg(long)]
        json: bool,
        /// No colour in the report (also NO_COLOR; off anyway when not a terminal).
        #[arg(long)]
        no_color: bool,
    },
    /// Print a bearer token signed with this node's key.
    #[command(after_help = "Example:\n  TOKEN=$(resumax token --user alice)")]
    Token {
        /// The user id the token names (its `sub`).
        #[arg(long, value_name = "ID")]
        user: String,
        /// Leave `email_verified` false (such a token cannot optimize).
        #[arg(long)]
        unverified: bool,
        /// Lifetime in hours.
        #[arg(long, default_value_t = 24)]
        hours: u64,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Credit balances (used when RESUMAX_CREDITS_ENABLED=true).
    Credits {
        #[command(subcommand)]
        action: CreditsAction,
    },
    /// Parse one document and print it in the corpus ground-truth schema.
    Parse {
        /// The document: PDF or DOCX (a resume), or also TXT with --jd.
        file: PathBuf,
        /// Read the file as a job description (PDF, DOCX or TXT) instead of a resume.
        #[arg(long)]
        jd: bool,
        /// Print JSON (the schema of `../shared/corpus/README.md`) instead of a summary.
        #[arg(long)]
        json: bool,
        /// Show what the parser read: every line with its page, column, role (heading, entry
        /// header, bullet, contact, header/footer) and the field it fed, then layout warnings.
        #[arg(long)]
        explain: bool,
    },
    /// A parse child of the pool (started by `serve`, speaks frames on stdin and stdout).
    #[command(hide = true)]
    ParseChild {
        /// The child's budget and OS limits, as JSON.
        #[arg(long)]
        limits: String,
    },
}

impl Cli {
    /// The limits of a `parse-child` invocation, which runs before any runtime starts.
    pub fn parse_child(&self) -> Option<&str> {
        match &self.command {
            Command::ParseChild { limits } => Some(limits),
            _ => None,
        }
    }
}

#[derive(Subcommand)]
enum CreditsAction {
    /// Add credits to a user's balance.
    Grant {
        /// The user id (a token's `sub`).
        #[arg(long, value_name = "ID")]
        user: String,
        /// Credits to add (negative to take away).
        #[arg(long, allow_negative_numbers = true)]
        amount: i32,
    },
    /// Print a user's balance.
    Balance {
        /// The user id (a token's `sub`).
        #[arg(long, value_name = "ID")]
        user: String,
    },
}

fn load_config(
    cli_config: Option<PathBuf>,
    data_dir: Option<String>,
    services: Option<String>,
) -> anyhow::Result<Config> {
    let file = match cli_config {
        Some(path) => Settings::from_file(&path)?,
        None => Settings::default(),
    };
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let flags = Settings { data_dir, services, ..Settings::default() };
    Ok(file.overridden_by(Settings::from_env(&env)?).overridden_by(flags).validate()?)
}

impl Cli {
    /// The log filter when RUST_LOG is not set: a server logs its work; a one-shot command
    /// prints its answer and stays quiet unless asked (-v).
    pub fn default_log_filter(&self) -> &'static str {
        match (self.verbose, &self.command) {
            (0, Command::Serve { .. }) | (1, _) => resumax_telemetry::DEFAULT_FILTER,
            (0, _) => "error,lopdf=off",
            _ => "debug,sqlx=info,lopdf=error",
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { services } => {
            let config = load_config(cli.config, cli.data_dir, services)?;
            let node = crate::node::Node::start(config).await?;
            // Tests and scripts read these lines to find the bound ports.
            println!("http listening on {}", node.http_addr);
            println!("grpc listening on {}", node.grpc_addr);
            node.wait_for_shutdown().await
        }
        Command::Token { user, unverified, hours } => {
            let config = load_config(cli.config, cli.data_dir, None)?;
            let secret = crate::node::jwt_secret(&config)?;
            let token =
                resumax_gateway::issue_token(&secret, &user, !unverified, Duration::from_secs(hours * 3600))?;
            println!("{token}");
            Ok(())
        }
        Command::Credits { action } => {
            let config = load_config(cli.config, cli.data_dir, None)?;
            crate::node::prepare_data_dir(&config)?;
            let db = resumax_db::connect(&config.database_url).await?;
            resumax_db::migrate(&db).await?;
            let (user, balance) = match action {
                CreditsAction::Grant { user, amount } => {
                    let balance = resumax_optimization::credits::grant(&db, &user, amount).await?;
                    (user, balance)
                }
                CreditsAction::Balance { user } => {
                    let balance = resumax_optimization::credits::balance(&db, &user).await?;
                    (user, balance)
                }
            };
            println!("{user}: {balance} credits");
            Ok(())
        }
        Command::Migrate => {
            let config = load_config(cli.config, cli.data_dir, None)?;
            crate::node::prepare_data_dir(&config)?;
            let db = resumax_db::connect(&config.database_url).await?;
            resumax_db::migrate(&db).await?;
            println!("migrations applied to {}", redact_url(&config.database_url));
            Ok(())
        }
        Command::ParseChild { .. } => bail!("parse-child runs before the runtime starts"),
        Command::Parse { file, jd, json, explain } => crate::parse_cmd::run(&file, jd, json, explain),
        Command::Score { resume, jd, json, no_color } => {
            crate::score_cmd::run(crate::score_cmd::ScoreArgs { resume, jd, json, no_color }).context("score")
        }
        Command::Optimize { resume, jd, strategy, format, design, output, json, no_color } => {
            let strategy = Strategy::parse(&strategy)?;
            let format = format.as_deref().map(ExportFormat::parse).transpose()?;
            let design = ExportDesign::parse(&design)?;
            let args =
                crate::oneshot::OneShot { resume, jd, strategy, format, design, output, json, no_color };
            crate::oneshot::optimize(args).await.context("optimize")
        }
    }
}

/// A database URL without its password, for messages.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://***{}", &url[..scheme], &url[at..]),
        _ => url.to_string(),
    }
}

//! The command line of DESIGN.md section 6.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use resumax_config::{Config, Settings};

#[derive(Parser)]
#[command(name = "resumax", version, about = "Aligns a resume to a job description, truthfully")]
pub struct Cli {
    /// A TOML file with the same keys as the RESUMAX_* variables (lowercase, no prefix).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Where the embedded mode keeps its data (RESUMAX_DATA_DIR).
    #[arg(long, global = true)]
    data_dir: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run services: all of them (embedded) or a comma-separated subset.
    Serve {
        #[arg(long)]
        services: Option<String>,
    },
    /// One-shot optimization in this process, no server.
    Optimize {
        #[arg(long)]
        resume: PathBuf,
        #[arg(long)]
        jd: PathBuf,
        #[arg(long, default_value = "default")]
        strategy: String,
        /// Also render the optimized resume (all changes applied) to this format.
        #[arg(long)]
        format: Option<String>,
        /// Where to write the rendered file (default: stdout).
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Print the same object as `GET /optimize/{id}`.
        #[arg(long)]
        json: bool,
    },
    /// Score a resume against a job description in this process, no server.
    Score {
        #[arg(long)]
        resume: PathBuf,
        #[arg(long)]
        jd: PathBuf,
        /// Print `{alignmentScore, breakdown, matchReport}` as in `GET /optimize/{id}`.
        #[arg(long)]
        json: bool,
    },
    /// Print a bearer token signed with this node's key.
    Token {
        #[arg(long)]
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
        #[arg(long)]
        user: String,
        #[arg(long)]
        amount: i32,
    },
    /// Print a user's balance.
    Balance {
        #[arg(long)]
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
        Command::Score { resume, jd, json } => {
            crate::score_cmd::run(crate::score_cmd::ScoreArgs { resume, jd, json }).context("score")
        }
        Command::Optimize { resume, jd, strategy, format, output, json } => {
            let strategy = resumax_core::optimization::Strategy::parse(&strategy)?;
            let format =
                format.as_deref().map(resumax_core::optimization::ExportFormat::parse).transpose()?;
            crate::oneshot::optimize(crate::oneshot::OneShot { resume, jd, strategy, format, output, json })
                .await
                .context("optimize")
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

//! `nextoffer`: the engine on the command line.
//!
//! ```text
//! nextoffer decide --model model.json --request request.json [--state state.json]
//!                  [--recommender model.nxrc [--recommender-options options.json]]
//! nextoffer check  --model model.json
//! nextoffer merge-state a.json b.json [more.json ...]
//! nextoffer similar orders.csv [--item ID] [--top K] [--basket order|customer] [--similarity cosine]
//!                              [--save model.nxrc]
//! nextoffer rules orders.csv --min-support S --min-confidence C [--min-lift L] [--max-len N]
//! nextoffer evaluate orders.csv [--k 10] [--basket order|customer]
//! nextoffer lift events.csv
//! nextoffer insight orders.csv [--as-of DATE] [--format json|csv] [--model bgnbd|pareto|none]
//! nextoffer fit orders.csv -o model.json [--as-of DATE] [--model bgnbd|pareto]
//! ```
//! Results go to standard output as JSON; errors to standard error as one line, with exit status 1 for bad
//! input and 2 for a bad command line.

mod args;
mod insight;
mod orders;
mod recommend;

use args::Args;
use std::process::ExitCode;

const USAGE: &str = "usage:
  nextoffer decide --model MODEL.json --request REQUEST.json [--state STATE.json]
      [--recommender RECOMMENDER.nxrc [--recommender-options OPTIONS.json]]
  nextoffer check --model MODEL.json
  nextoffer merge-state STATE.json STATE.json [STATE.json ...]
  nextoffer similar ORDERS.csv [--item ID] [--top K] [--basket order|customer]
      [--similarity cosine|jaccard|lift|confidence] [--lenient] [--format json|csv] [--save MODEL.nxrc]
  nextoffer rules ORDERS.csv --min-support S --min-confidence C [--min-lift L] [--max-len N]
      [--basket order|customer] [--sort lift|confidence|support|leverage|conviction] [--lenient] [--format json|csv]
  nextoffer evaluate ORDERS.csv [--k 10] [--basket order|customer] [--lenient] [--format json|csv]
  nextoffer lift EVENTS.csv [--lenient] [--format json|csv]
  nextoffer insight ORDERS.csv [--as-of DATE] [--format json|csv] [--model bgnbd|pareto|none]
      [--lenient] [--options OPTIONS.json]
  nextoffer fit ORDERS.csv -o MODEL.json [--as-of DATE] [--model bgnbd|pareto] [--lenient]
      [--options OPTIONS.json]
  nextoffer help

Files may be '-' for standard input. Output is JSON on standard output.";

/// A failure, with the exit status it maps to.
enum Failure {
    /// The command line is wrong (exit 2).
    Usage(String),
    /// An input file is wrong (exit 1).
    Input(String),
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match run(&argv) {
        Ok(output) => write_stdout(&output),
        Err(Failure::Usage(message)) => {
            eprintln!("nextoffer: {message}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Input(message)) => {
            eprintln!("nextoffer: {message}");
            ExitCode::from(1)
        }
    }
}

/// Writes the result; a reader that stops early (`nextoffer ... | head`) is not an error, so a broken pipe exits
/// 0 quietly instead of panicking the way `println!` would.
fn write_stdout(output: &str) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{output}").and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nextoffer: cannot write the output: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(argv: &[String]) -> Result<String, Failure> {
    let (command, rest) = argv
        .split_first()
        .ok_or_else(|| Failure::Usage("no command given".to_owned()))?;
    match command.as_str() {
        "decide" => decide(Args::parse(
            rest,
            &[
                "--model",
                "--request",
                "--state",
                "--recommender",
                "--recommender-options",
            ],
            &[],
        )?),
        "check" => check(Args::parse(rest, &["--model"], &[])?),
        "merge-state" => merge_state(Args::parse(rest, &[], &[])?),
        "similar" | "rules" | "evaluate" | "lift" => recommend::run(command, rest),
        "insight" | "fit" => insight::run(command, rest),
        "help" | "--help" | "-h" => Ok(USAGE.to_owned()),
        other => Err(Failure::Usage(format!("unknown command \"{other}\""))),
    }
}

fn input_error(file: &str) -> impl Fn(nextoffer::Error) -> Failure + '_ {
    move |e| Failure::Input(format!("{file}: {e}"))
}

fn load_engine(args: &Args) -> Result<nextoffer::Engine, Failure> {
    let model_file = args.required("--model")?;
    let mut engine = nextoffer::Engine::from_json(&args::read_file(model_file)?)
        .map_err(input_error(model_file))?;
    if let Some(state_file) = args.optional("--state") {
        engine.import_state(&read_state(state_file)?);
    }
    Ok(engine)
}

fn decide(args: Args) -> Result<String, Failure> {
    let mut engine = load_engine(&args)?;
    if let Some(file) = args.optional("--recommender") {
        // The binary model written by `similar --save` (or `Recommender.save()` in JavaScript).
        let bytes =
            std::fs::read(file).map_err(|e| Failure::Input(format!("{file}: cannot read: {e}")))?;
        let options = match args.optional("--recommender-options") {
            Some(options_file) => args::read_file(options_file)?,
            None => String::new(),
        };
        engine
            .attach_recommender_json(&bytes, &options)
            .map_err(input_error(file))?;
    } else if args.optional("--recommender-options").is_some() {
        return Err(Failure::Usage(
            "--recommender-options needs --recommender".to_owned(),
        ));
    }
    let request_file = args.required("--request")?;
    engine
        .decide_json(&args::read_file(request_file)?)
        .map_err(input_error(request_file))
}

fn check(args: Args) -> Result<String, Failure> {
    let engine = load_engine(&args)?;
    let offers = engine.model().offer_count();
    Ok(format!("{{\"valid\":true,\"offers\":{offers}}}"))
}

fn read_state(file: &str) -> Result<nextoffer::LearnedState, Failure> {
    let text = args::read_file(file)?;
    let value = nextoffer::json::parse(&text)
        .map_err(|e| Failure::Input(format!("{file}: invalid JSON at {e}")))?;
    nextoffer::LearnedState::from_value(&value).map_err(|e| Failure::Input(format!("{file}: {e}")))
}

fn merge_state(args: Args) -> Result<String, Failure> {
    if args.positional.len() < 2 {
        return Err(Failure::Usage(
            "merge-state needs at least two state files".to_owned(),
        ));
    }
    let mut merged = nextoffer::LearnedState::default();
    for file in &args.positional {
        merged.merge(&read_state(file)?);
    }
    Ok(merged.to_json().to_json())
}

//! A small command-line parser: `--option value` pairs, boolean `--flag`s and positional arguments.
//! Hand-written because the CLI needs nothing more, and the crate stays free of build-time weight.

use super::Failure;

/// Parsed arguments of one command.
pub struct Args {
    options: Vec<(String, String)>,
    flags: Vec<String>,
    /// Arguments that are not options.
    pub positional: Vec<String>,
}

impl Args {
    /// Parses `argv`, accepting only the options in `with_value` and the flags in `flags`.
    pub fn parse(argv: &[String], with_value: &[&str], flags: &[&str]) -> Result<Args, Failure> {
        let mut args = Args {
            options: Vec::new(),
            flags: Vec::new(),
            positional: Vec::new(),
        };
        let mut iter = argv.iter();
        while let Some(arg) = iter.next() {
            if with_value.contains(&arg.as_str()) {
                let value = iter
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("{arg} needs a value")))?;
                if args.optional(arg).is_some() {
                    return Err(Failure::Usage(format!("{arg} given twice")));
                }
                args.options.push((arg.clone(), value.clone()));
            } else if flags.contains(&arg.as_str()) {
                args.flags.push(arg.clone());
            } else if arg.starts_with("--") {
                return Err(Failure::Usage(format!("unknown option {arg}")));
            } else {
                args.positional.push(arg.clone());
            }
        }
        Ok(args)
    }

    /// The value of an option, if given.
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of a required option.
    pub fn required(&self, name: &str) -> Result<&str, Failure> {
        self.optional(name)
            .ok_or_else(|| Failure::Usage(format!("{name} is required")))
    }

    /// Whether a flag was given.
    #[allow(dead_code)]
    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }
}

/// Reads a whole file as UTF-8 (`-` reads standard input).
pub fn read_file(path: &str) -> Result<String, Failure> {
    let result = if path == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    };
    result.map_err(|e| Failure::Input(format!("{path}: cannot read: {e}")))
}

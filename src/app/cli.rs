//! The arguments of the `paht` command's maintenance commands.
//!
//! A command that changes stored data (`retention`, `rotate-keys`, `move-files`) does nothing
//! on an argument it does not know (a mistyped `--dry-run`, a `--help`) or a `--batch` out of
//! range, rather than running as if it were not there: it shows the usage.

/// `--name VALUE` from the arguments.
pub fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// `--batch N` (1–10 000), else `default`; `None` when it is given out of range.
pub fn batch(args: &[String], default: i64) -> Option<i64> {
    match flag(args, "--batch") {
        None => Some(default),
        Some(b) => b.parse::<i64>().ok().filter(|b| (1..=10_000).contains(b)),
    }
}

/// The rows per transaction of a command that works in batches; `None` for the others.
pub fn default_batch(command: &str) -> Option<i64> {
    match command {
        "move-files" => Some(100),
        "rotate-keys" => Some(500),
        "retention" => Some(200),
        _ => None,
    }
}

/// Whether every argument after the command (`args[0]` is the program, `args[1]` the
/// command) is one it takes: a switch, or a flag followed by its value. `admin` checks its own
/// subcommands.
pub fn arguments_known(command: &str, args: &[String]) -> bool {
    let (switches, valued): (&[&str], &[&str]) = match command {
        "admin" => return true,
        "seed-demo" => (&[], &["--reports", "--seed", "--total"]),
        "move-files" | "rotate-keys" => (&[], &["--batch"]),
        "retention" => (&["--dry-run"], &["--batch"]),
        _ => (&[], &[]),
    };
    let mut rest = args.iter().skip(2);
    while let Some(a) = rest.next() {
        if switches.contains(&a.as_str()) {
            continue;
        }
        if !valued.contains(&a.as_str()) || rest.next().is_none() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        std::iter::once("paht")
            .chain(s.split_whitespace())
            .map(String::from)
            .collect()
    }

    #[test]
    fn a_destructive_command_refuses_what_it_does_not_know() {
        assert!(arguments_known("retention", &args("retention --dry-run")));
        assert!(arguments_known(
            "retention",
            &args("retention --batch 50 --dry-run")
        ));
        assert!(!arguments_known("retention", &args("retention --dryrun")));
        assert!(!arguments_known("retention", &args("retention --help")));
        assert!(!arguments_known("retention", &args("retention --batch")));
        assert!(!arguments_known("rotate-keys", &args("rotate-keys now")));
        assert!(!arguments_known("serve", &args("serve --port 80")));
        assert!(arguments_known("serve", &args("serve")));
        assert!(arguments_known(
            "seed-demo",
            &args("seed-demo --reports 10 --total 100")
        ));
    }

    #[test]
    fn a_batch_out_of_range_is_refused_not_replaced() {
        assert_eq!(batch(&args("retention"), 200), Some(200));
        assert_eq!(batch(&args("retention --batch 50"), 200), Some(50));
        assert_eq!(batch(&args("retention --batch 0"), 200), None);
        assert_eq!(batch(&args("retention --batch many"), 200), None);
    }
}

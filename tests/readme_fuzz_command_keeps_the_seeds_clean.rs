//! The README's fuzz command ran `cargo +nightly fuzz run traceparent --
//! … seeds/traceparent`: cargo-fuzz passes the arguments after `--` ahead
//! of its own corpus directory, and libFuzzer writes every input it finds
//! into the first directory it is given, so a 15-second run added 276
//! files to the committed `fuzz/seeds/traceparent/`. Each command must name
//! the git-ignored `corpus/<target>` first (created before it, as libFuzzer
//! requires), and pass libFuzzer only flags after `--`.

const README: &str = include_str!("../README.md");

#[test]
fn every_fuzz_run_in_the_readme_writes_into_the_ignored_corpus() {
    let lines: Vec<&str> = README.lines().collect();
    let runs: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("fuzz run "))
        .map(|(i, l)| (i, *l))
        .collect();
    assert!(!runs.is_empty(), "the README shows no fuzz command");
    for (at, line) in runs {
        let words: Vec<&str> = line.split_whitespace().collect();
        let run = words.iter().position(|w| *w == "run").unwrap();
        let target = words[run + 1];
        let (dirs, flags) = match words.iter().position(|w| *w == "--") {
            Some(dash) => (&words[run + 2..dash], &words[dash + 1..]),
            None => (&words[run + 2..], &words[words.len()..]),
        };
        let corpus = format!("corpus/{target}");
        assert_eq!(dirs.first().copied(), Some(corpus.as_str()), "{line}");
        assert!(flags.iter().all(|f| f.starts_with('-')), "{line}");
        let made = format!("mkdir -p {corpus}");
        assert!(
            lines[..at].iter().any(|l| l.trim() == made),
            "{line}: `{made}` does not come before it"
        );
    }
}

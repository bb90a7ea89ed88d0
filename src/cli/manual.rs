//! The manual, generated from the clap definition so it cannot drift from it: a man page per
//! command (`zitadesk man`, `zitadesk man --out-dir DIR`) and the shell completions
//! (`zitadesk completions SHELL`). `scripts/dist.sh` puts both into the Debian package; the
//! static binary carries them for whoever installs it by hand.

use std::io;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

use super::args::ManArgs;
use super::messages::{MAN_FILES, MAN_SEE_ALSO, man_dir_error, man_pages_written};
use super::{Cli, CliError};

/// `zitadesk man`: the top page on stdout, or every page into `--out-dir`.
pub fn run(args: &ManArgs) -> Result<(), CliError> {
    let Some(dir) = &args.out_dir else {
        let (_, page) = man_pages()
            .map_err(cannot_render)?
            .into_iter()
            .next()
            .ok_or_else(|| CliError::other("no man page"))?;
        return super::users::write_stdout(&String::from_utf8_lossy(&page));
    };
    let written = write_man_pages(dir).map_err(|e| CliError::other(man_dir_error(dir, &e)))?;
    eprintln!("{}", man_pages_written(written.len(), dir));
    Ok(())
}

fn cannot_render(e: io::Error) -> CliError {
    CliError::other(format!("cannot render the man page: {e}"))
}

/// Writes every page into `dir` (created if missing); returns their paths.
pub fn write_man_pages(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (name, page) in man_pages()? {
        let path = dir.join(name);
        std::fs::write(&path, page)?;
        written.push(path);
    }
    Ok(written)
}

/// One completion script, in memory (clap_complete panics when its writer fails).
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "zitadesk", &mut script);
    script
}

/// Every man page as (file name, roff): the top-level one with FILES and SEE ALSO added,
/// then one per visible subcommand, named as the top page's SUBCOMMANDS section refers to
/// them (`zitadesk-users-list(1)`).
pub fn man_pages() -> io::Result<Vec<(String, Vec<u8>)>> {
    // As clap_mangen::generate_to prepares it: built, so each subcommand knows its display
    // name (`zitadesk-users-list`), and without the implicit `help` subcommand.
    let mut top = Cli::command().disable_help_subcommand(true);
    top.build();
    let mut pages = vec![("zitadesk.1".to_string(), top_page(top.clone())?)];
    let mut pending: Vec<clap::Command> = visible_subcommands(&top);
    while let Some(cmd) = pending.pop() {
        pending.extend(visible_subcommands(&cmd));
        let page = man(cmd);
        let mut roff = Vec::new();
        page.render(&mut roff)?;
        pages.push((page.get_filename(), roff));
    }
    Ok(pages)
}

fn visible_subcommands(cmd: &clap::Command) -> Vec<clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect()
}

/// A page whose header names the whole program's version, not the subcommand's (none).
fn man(cmd: clap::Command) -> clap_mangen::Man {
    clap_mangen::Man::new(cmd)
        .source(format!("zitadesk {}", crate::build_info::VERSION))
        .manual("zitadesk manual")
}

/// The top-level page: clap_mangen's sections, with the after-help (credentials, exit codes)
/// as NOTES rather than its "EXTRA", then FILES and SEE ALSO.
fn top_page(cmd: clap::Command) -> io::Result<Vec<u8>> {
    let notes = cmd.get_after_help().map(|h| h.to_string()).unwrap_or_default();
    let page = man(cmd);
    let mut roff = Vec::new();
    page.render_title(&mut roff)?;
    page.render_name_section(&mut roff)?;
    page.render_synopsis_section(&mut roff)?;
    page.render_description_section(&mut roff)?;
    page.render_options_section(&mut roff)?;
    page.render_subcommands_section(&mut roff)?;
    roff.extend_from_slice(b".SH NOTES\n");
    for paragraph in paragraphs(&notes) {
        roff.extend_from_slice(format!(".PP\n{}\n", roff_text(&paragraph)).as_bytes());
    }
    roff.extend_from_slice(b".SH FILES\n");
    for (path, what) in MAN_FILES {
        roff.extend_from_slice(format!(".TP\n\\fI{}\\fR\n{}\n", roff_text(path), roff_text(what)).as_bytes());
    }
    roff.extend_from_slice(format!(".SH \"SEE ALSO\"\n{}\n", roff_text(MAN_SEE_ALSO)).as_bytes());
    page.render_version_section(&mut roff)?;
    Ok(roff)
}

/// The after-help's paragraphs: it is wrapped by hand for `--help`, so a line that does not
/// end a sentence goes on in the next one (man wraps to the reader's width itself).
fn paragraphs(text: &str) -> Vec<String> {
    let mut done = Vec::new();
    let mut current = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line);
        if line.ends_with('.') {
            done.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        done.push(current);
    }
    done
}

/// Plain text as a roff text line: backslashes escaped, a leading `.` or `'` (a request)
/// neutralised, hyphens as minus signs so a flag can be searched and copied.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(name: &str) -> String {
        let pages = man_pages().unwrap();
        let (_, roff) = pages.iter().find(|(n, _)| n == name).unwrap();
        String::from_utf8(roff.clone()).unwrap()
    }

    #[test]
    fn the_man_page_names_every_visible_subcommand_and_has_a_page_for_each() {
        let top = page("zitadesk.1");
        let names: Vec<String> = man_pages().unwrap().into_iter().map(|(n, _)| n).collect();
        for sub in Cli::command().get_subcommands().filter(|s| !s.is_hide_set()) {
            let reference = format!("zitadesk\\-{}(1)", sub.get_name().replace('-', "\\-"));
            assert!(
                top.contains(&reference),
                "{reference} missing from the SUBCOMMANDS section"
            );
            let file = format!("zitadesk-{}.1", sub.get_name());
            assert!(names.contains(&file), "no page {file}: {names:?}");
        }
        // The nested ones too; clap's implicit `help` gets no page.
        for file in [
            "zitadesk-users-list.1",
            "zitadesk-users-resend-email.1",
            "zitadesk-config-init.1",
        ] {
            assert!(names.contains(&file.to_string()), "no page {file}: {names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    }

    #[test]
    fn the_top_page_has_the_version_the_flags_the_exit_codes_and_the_files() {
        let top = page("zitadesk.1");
        assert!(
            top.lines().any(|l| l.starts_with(".TH zitadesk 1 ")),
            "{}",
            &top[..200]
        );
        assert!(top.contains(crate::build_info::COMMIT), "the commit is not named");
        assert!(top.contains(env!("CARGO_PKG_VERSION")));
        assert!(top.contains("\\-\\-url"), "the options are missing");
        assert!(
            top.contains("ZITADEL_URL"),
            "the environment variables are missing"
        );
        assert!(top.contains(".SH NOTES") && top.contains("Exit codes"), "{top}");
        assert!(top.contains(".SH FILES") && top.contains("config.toml") && top.contains("audit.jsonl"));
        assert!(top.contains("/usr/share/doc/zitadesk/config.example.toml"));
        // No text line may start a roff request by accident.
        for line in top.lines().filter(|l| !l.starts_with('.')) {
            assert!(!line.starts_with('\''), "{line}");
        }
    }

    #[test]
    fn a_subcommand_page_describes_its_own_arguments() {
        let list = page("zitadesk-users-list.1");
        assert!(
            list.lines().any(|l| l.starts_with(".TH zitadesk-users-list 1 ")),
            "{}",
            &list[..200]
        );
        assert!(list.contains("\\-\\-query"), "{list}");
        assert!(list.contains(crate::build_info::COMMIT));
    }

    #[test]
    fn completions_generate_for_bash_zsh_and_fish_and_know_the_subcommands() {
        let bash = String::from_utf8(completion(Shell::Bash)).unwrap();
        assert!(bash.contains("complete -F _zitadesk"), "{bash}");
        let zsh = String::from_utf8(completion(Shell::Zsh)).unwrap();
        assert!(zsh.starts_with("#compdef zitadesk"), "{}", &zsh[..40]);
        let fish = String::from_utf8(completion(Shell::Fish)).unwrap();
        assert!(fish.contains("complete -c zitadesk"), "{}", &fish[..80]);
        for script in [&bash, &zsh, &fish] {
            for sub in ["users", "resend-email", "audit", "doctor", "completions"] {
                assert!(script.contains(sub), "{sub} missing");
            }
            assert!(script.contains("--url"));
        }
    }

    #[test]
    fn write_man_pages_writes_every_page_it_renders() {
        let out = std::env::temp_dir().join(format!("zitadesk-man-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let written = write_man_pages(&out.join("man1")).unwrap();
        let mut names: Vec<String> = man_pages().unwrap().into_iter().map(|(n, _)| n).collect();
        let mut on_disk: Vec<String> = std::fs::read_dir(out.join("man1"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        on_disk.sort();
        assert_eq!(on_disk, names);
        assert_eq!(written.len(), names.len());
        let top = std::fs::read_to_string(out.join("man1/zitadesk.1")).unwrap();
        assert_eq!(top, page("zitadesk.1"));
        std::fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn the_hand_wrapped_after_help_becomes_whole_paragraphs() {
        assert_eq!(
            paragraphs("Credentials: a or b.\nExit codes: 0 ok, 3 not found,\n   4 denied.\ntail"),
            [
                "Credentials: a or b.",
                "Exit codes: 0 ok, 3 not found, 4 denied.",
                "tail"
            ]
        );
    }

    #[test]
    fn roff_text_cannot_start_a_request() {
        assert_eq!(roff_text(".SH x"), "\\&.SH x");
        assert_eq!(roff_text("'br"), "\\&'br");
        assert_eq!(roff_text("a\\b --c"), "a\\eb \\-\\-c");
    }
}

//! The `pbx365` command line. Everything but the entry point lives in [`cli`].

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}

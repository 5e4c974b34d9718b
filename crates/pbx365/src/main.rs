//! The `pbx365` command line. Everything but the entry point lives in [`pbx365::cli`].

fn main() -> std::process::ExitCode {
    pbx365::cli::main()
}

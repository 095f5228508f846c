use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = kiroku::cli::Cli::parse();
    kiroku::cli::run(cli)
}

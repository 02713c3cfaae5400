fn main() -> std::process::ExitCode {
    lrs::cli::run()
}

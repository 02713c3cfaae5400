// mimalloc: the LRS allocates and frees many small JSON nodes per request; glibc's allocator
// spent a fifth of the CPU there and fragmented across threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    lrs::cli::run()
}

//! `allot-sandbox`: see `allot::sandbox`.

fn main() {
    eprintln!("allot-sandbox: not built yet");
    std::process::exit(2);
}

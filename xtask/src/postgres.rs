//! A throw-away PostgreSQL server for the monitor's store tests: the Debian package's
//! binaries (installed with apt-get when missing), a fresh cluster in a temp dir listening
//! on 127.0.0.1 on a free port, trust auth, no fsync, stopped and deleted when dropped.
//! The server refuses to run as root, so as root it runs as the `postgres` user.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::pipeline::run_command;

/// The variable the monitor's PostgreSQL tests read.
pub const URL_VAR: &str = "TELNYX_REPUTATION_TEST_POSTGRES_URL";

/// A running server; stopped when dropped.
pub struct Server {
    bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub url: String,
}

/// Run `f` with a server's URL, stopping the server afterwards whatever `f` returned.
pub fn with_server<T>(f: impl FnOnce(&str) -> Result<T>) -> Result<T> {
    let server = start()?;
    println!(
        "    PostgreSQL at {} (data in {})",
        server.url,
        server.dir.display()
    );
    f(&server.url)
}

/// Start a fresh server.
pub fn start() -> Result<Server> {
    let bin = match find_bin() {
        Some(bin) => bin,
        None => {
            install()?;
            find_bin().ok_or(
                "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb exists",
            )?
        }
    };
    let as_postgres = is_root()?;
    let dir = std::env::temp_dir().join(format!("telnyx-reputation-pg-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if as_postgres {
        run_command(Command::new("chown").args(["postgres:postgres"]).arg(&dir))?;
    }
    let port = free_port()?;
    let server = Server {
        bin,
        dir,
        as_postgres,
        url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
    };
    let data = server.dir.join("data");
    run_command(
        server
            .tool("initdb")
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data),
    )?;
    let options = format!("-h 127.0.0.1 -p {port} -k {} -F", server.dir.display());
    run_command(
        server
            .tool("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(server.dir.join("server.log"))
            .args(["-w", "-t", "60", "start"]),
    )
    .map_err(|e| format!("{e}; see {}", server.dir.join("server.log").display()))?;
    Ok(server)
}

impl Server {
    fn tool(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-m", "fast", "-w", "stop"])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` holding `initdb`.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn install() -> Result {
    println!("    PostgreSQL is not installed: apt-get install -y postgresql");
    if !is_root()? {
        return Err("PostgreSQL is missing and installing it needs root: run `apt-get install -y postgresql`".into());
    }
    run_command(Command::new("apt-get").arg("update"))?;
    run_command(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "postgresql"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn is_root() -> Result<bool> {
    let output = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("cannot run id -u: {e}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim() == "0")
}

fn free_port() -> Result<u16> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// `cargo xtask with-postgres CMD...`: run a command with [`URL_VAR`] set to a fresh server.
pub fn run_with(root: &Path, command: &[&str]) -> Result {
    let (program, args) = command
        .split_first()
        .ok_or("usage: cargo xtask with-postgres CMD [ARGS...]")?;
    with_server(|url| {
        run_command(
            Command::new(program)
                .args(args)
                .current_dir(root)
                .env(URL_VAR, url),
        )
    })
}

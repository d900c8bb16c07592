//! One way in for every file biopage reads from a site.
//!
//! Everything under a site or a creator folder is untrusted: in an agency,
//! creators change their own folders through pull requests and CI builds
//! them holding deploy tokens. A symlink to `/proc/self/environ` named
//! `templates/index.html` must not publish that environment, a FIFO named
//! `products.toml` must not hang the build, and `/dev/zero` must not eat the
//! machine's memory. So every read goes through a [`Root`]: the real path
//! (symlinks resolved) must lie inside the root, the file must be a regular
//! file, and its size is capped before a byte is read. Walking a folder
//! (`static/`, templates, a creator's files) follows the same rule for every
//! entry. Errors name the file as the user wrote it and say why.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Size limits per kind of input. A profile is a few KB; 32 MiB leaves room
/// for a generated list of a hundred thousand links.
pub const TOML_LIMIT: u64 = 32 * 1024 * 1024;
/// Templates and stylesheets: a theme's whole CSS is a few KB.
pub const TEXT_LIMIT: u64 = 2 * 1024 * 1024;
/// A source image (a 40-megapixel JPEG is about 20 MB).
pub const IMAGE_LIMIT: u64 = 50 * 1024 * 1024;
/// A file copied from `static/`: Cloudflare Pages refuses files over 25 MiB,
/// so nothing larger could be published anyway.
pub const STATIC_LIMIT: u64 = 25 * 1024 * 1024;

/// A directory whose files may be read: its real path, and the path as the
/// user gave it (for messages).
#[derive(Debug, Clone)]
pub struct Root {
    real: PathBuf,
    shown: PathBuf,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum Refusal {
    Missing,
    /// A dangling symlink.
    Broken,
    /// The real path leaves the root.
    Outside(PathBuf),
    /// A directory, FIFO, socket or device.
    NotRegular(&'static str),
    /// Expected a directory.
    NotDir,
    TooBig {
        size: u64,
        limit: u64,
    },
    /// A symlink loop or an I/O error.
    Io(std::io::Error),
}

/// A refused input: which file (as the user names it) and why.
#[derive(Debug)]
pub struct InputError {
    pub path: PathBuf,
    pub refusal: Refusal,
}

impl InputError {
    fn new(path: &Path, refusal: Refusal) -> InputError {
        InputError {
            path: path.to_path_buf(),
            refusal,
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self.refusal, Refusal::Missing)
    }

    /// What the user can do about it.
    pub fn help(&self) -> String {
        match &self.refusal {
            Refusal::Missing => "check the path, or create the file".into(),
            Refusal::Broken => "the link points at nothing: replace it with the file itself".into(),
            Refusal::Outside(_) => {
                "biopage reads only files inside the site (a creator's only inside its own folder): copy the file in instead of linking to it".into()
            }
            Refusal::NotRegular(_) => "replace it with an ordinary file".into(),
            Refusal::NotDir => "it must be a folder".into(),
            Refusal::TooBig { limit, .. } => {
                format!("biopage reads at most {} MB from one file; make it smaller", limit / (1024 * 1024))
            }
            Refusal::Io(_) => "check the file's permissions".into(),
        }
    }

    /// Why, without the path.
    pub fn reason(&self) -> String {
        match &self.refusal {
            Refusal::Missing => "does not exist".into(),
            Refusal::Broken => "is a broken symbolic link".into(),
            Refusal::Outside(real) => format!(
                "leads outside the site directory (to {})",
                crate::diag::terminal_safe(&real.display().to_string())
            ),
            Refusal::NotRegular(kind) => format!("is {kind}, not a regular file"),
            Refusal::NotDir => "is not a folder".into(),
            Refusal::TooBig { size, limit } => format!(
                "is {} MB; the limit is {} MB",
                size.div_ceil(1024 * 1024),
                limit / (1024 * 1024)
            ),
            Refusal::Io(e) => format!("cannot be read: {e}"),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.path.display(), self.reason())
    }
}

impl std::error::Error for InputError {}

fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

impl Root {
    /// The root at `dir`, which must be an existing directory.
    pub fn open(dir: &Path) -> Result<Root, InputError> {
        let real = match dir.canonicalize() {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(InputError::new(dir, Refusal::Missing))
            }
            Err(e) => return Err(InputError::new(dir, Refusal::Io(e))),
        };
        if !real.is_dir() {
            return Err(InputError::new(dir, Refusal::NotDir));
        }
        Ok(Root {
            real,
            shown: dir.to_path_buf(),
        })
    }

    /// A root for a folder inside this one (a creator of an agency): its real
    /// path must stay inside this root too.
    pub fn sub(&self, dir: &Path) -> Result<Root, InputError> {
        let real = self.resolve(dir)?;
        if !real.is_dir() {
            return Err(InputError::new(dir, Refusal::NotDir));
        }
        Ok(Root {
            real,
            shown: dir.to_path_buf(),
        })
    }

    /// The real path of the root.
    pub fn real(&self) -> &Path {
        &self.real
    }

    /// The root as the user named it.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Whether `real` (a canonical path) lies inside the root.
    pub fn contains(&self, real: &Path) -> bool {
        real.starts_with(&self.real)
    }

    /// The real path of `path` (relative to the current directory, as the
    /// user wrote it, e.g. `site/static/x`), which must exist and lie inside.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, InputError> {
        let real = match path.canonicalize() {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let refusal = if std::fs::symlink_metadata(path).is_ok() {
                    Refusal::Broken
                } else {
                    Refusal::Missing
                };
                return Err(InputError::new(path, refusal));
            }
            Err(e) => return Err(InputError::new(path, Refusal::Io(e))),
        };
        if !self.contains(&real) {
            return Err(InputError::new(path, Refusal::Outside(real)));
        }
        Ok(real)
    }

    /// Whether `path` is a folder inside the root; `Ok(None)` when there is
    /// nothing at `path`.
    pub fn dir(&self, path: &Path) -> Result<Option<PathBuf>, InputError> {
        match self.resolve(path) {
            Ok(real) if real.is_dir() => Ok(Some(real)),
            Ok(_) => Err(InputError::new(path, Refusal::NotDir)),
            Err(e) if e.is_missing() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads a regular file inside the root, at most `limit` bytes.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
        let real = self.resolve(path)?;
        read_regular(&real, limit).map_err(|r| InputError::new(path, r))
    }

    /// [`Root::read`] as UTF-8 text; invalid UTF-8 is an I/O-style refusal
    /// (callers that locate the bad byte read bytes instead).
    pub fn read_string(&self, path: &Path, limit: u64) -> Result<String, InputError> {
        let bytes = self.read(path, limit)?;
        String::from_utf8(bytes).map_err(|_| {
            InputError::new(
                path,
                Refusal::Io(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "it is not valid UTF-8 text",
                )),
            )
        })
    }

    /// Every regular file under the folder `dir` (which must lie inside the
    /// root), as (path to read it by, name relative to `dir` with `/`),
    /// sorted by name. Symlinks are followed only where they stay inside the
    /// root; anything else (a link out, a FIFO, a device, a loop) is an error.
    pub fn files(&self, dir: &Path) -> Result<Vec<(PathBuf, String)>, InputError> {
        self.resolve(dir)?;
        let mut out = Vec::new();
        let walk = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .min_depth(1)
            .sort_by_file_name();
        for entry in walk {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let refusal = if e.loop_ancestor().is_some() {
                    Refusal::Io(std::io::Error::other("it is a symbolic link loop"))
                } else if std::fs::symlink_metadata(&path).is_ok() && !path.exists() {
                    Refusal::Broken
                } else {
                    Refusal::Io(
                        e.into_io_error()
                            .unwrap_or_else(|| std::io::Error::other("it cannot be listed")),
                    )
                };
                InputError::new(&path, refusal)
            })?;
            let path = entry.path();
            if entry.path_is_symlink() {
                // where the link leads must be inside; a directory link is
                // then walked like any folder
                self.resolve(path)?;
            }
            let ft = entry.file_type();
            if ft.is_dir() {
                continue;
            }
            if !ft.is_file() {
                return Err(InputError::new(path, Refusal::NotRegular(kind_of(&ft))));
            }
            let rel = path
                .strip_prefix(dir)
                .unwrap_or(path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((path.to_path_buf(), rel));
        }
        Ok(out)
    }
}

/// Reads a regular file of at most `limit` bytes. The file is opened without
/// blocking (a FIFO would otherwise wait forever for a writer) and checked on
/// the open handle, so what is read is what was checked.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refusal::Missing),
        Err(e) => return Err(Refusal::Io(e)),
    };
    let meta = file.metadata().map_err(Refusal::Io)?;
    if !meta.file_type().is_file() {
        return Err(Refusal::NotRegular(kind_of(&meta.file_type())));
    }
    if meta.len() > limit {
        return Err(Refusal::TooBig {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // the file may grow after the check: never read past the limit
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(Refusal::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooBig {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn site() -> (tempfile::TempDir, tempfile::TempDir, Root) {
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "token").unwrap();
        std::fs::write(site.path().join("a.toml"), "ok").unwrap();
        let root = Root::open(site.path()).unwrap();
        (site, outside, root)
    }

    #[test]
    fn files_inside_are_read() {
        let (site, _o, root) = site();
        assert_eq!(
            root.read(&site.path().join("a.toml"), 10).unwrap(),
            b"ok".to_vec()
        );
        // a link that stays inside is followed
        symlink("a.toml", site.path().join("b.toml")).unwrap();
        assert_eq!(
            root.read(&site.path().join("b.toml"), 10).unwrap(),
            b"ok".to_vec()
        );
    }

    #[test]
    fn links_out_are_refused_wherever_they_are() {
        let (site, outside, root) = site();
        symlink(outside.path().join("secret"), site.path().join("f")).unwrap();
        symlink(outside.path(), site.path().join("d")).unwrap();
        for p in [site.path().join("f"), site.path().join("d/secret")] {
            let e = root.read(&p, 100).unwrap_err();
            assert!(matches!(e.refusal, Refusal::Outside(_)), "{e}");
            assert!(e.to_string().contains("outside the site"), "{e}");
        }
        assert!(root.files(site.path()).is_err());
        symlink("/proc/self/environ", site.path().join("env")).unwrap();
        assert!(root.read(&site.path().join("env"), 1 << 20).is_err());
    }

    #[test]
    fn fifos_devices_and_big_files_are_refused_without_reading() {
        let (site, _o, root) = site();
        let fifo = site.path().join("p.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = root.read(&fifo, 100).unwrap_err();
        assert!(e.to_string().contains("a FIFO"), "{e}");
        // a device, through a link out of the site and directly
        let e = read_regular(Path::new("/dev/zero"), 100).unwrap_err();
        assert!(matches!(e, Refusal::NotRegular("a device")));
        std::fs::write(site.path().join("big"), vec![b'x'; 101]).unwrap();
        let e = root.read(&site.path().join("big"), 100).unwrap_err();
        assert!(matches!(e.refusal, Refusal::TooBig { .. }), "{e}");
        // walking refuses the FIFO too
        let e = root.files(site.path()).unwrap_err();
        assert!(e.to_string().contains("a FIFO"), "{e}");
    }

    #[test]
    fn walks_list_files_with_slash_names_and_refuse_loops() {
        let (site, _o, root) = site();
        std::fs::create_dir_all(site.path().join("s/.well-known")).unwrap();
        std::fs::write(site.path().join("s/.well-known/security.txt"), "x").unwrap();
        std::fs::write(site.path().join("s/b.txt"), "x").unwrap();
        let names: Vec<String> = root
            .files(&site.path().join("s"))
            .unwrap()
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        assert_eq!(names, [".well-known/security.txt", "b.txt"]);
        symlink(site.path().join("s"), site.path().join("s/loop")).unwrap();
        assert!(root.files(&site.path().join("s")).is_err());
    }

    #[test]
    fn a_sub_root_cannot_reach_its_siblings() {
        let (site, _o, root) = site();
        std::fs::create_dir_all(site.path().join("creators/aaa")).unwrap();
        std::fs::create_dir_all(site.path().join("creators/mei")).unwrap();
        std::fs::write(site.path().join("creators/mei/profile.toml"), "x").unwrap();
        symlink(
            "../mei/profile.toml",
            site.path().join("creators/aaa/profile.toml"),
        )
        .unwrap();
        let aaa = root.sub(&site.path().join("creators/aaa")).unwrap();
        assert!(aaa
            .read(&site.path().join("creators/aaa/profile.toml"), 10)
            .is_err());
    }
}

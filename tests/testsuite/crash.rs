//! Crash safety as a property: a build killed (SIGKILL) at any step that
//! changes the output leaves the complete old output or the complete new
//! one, and the next build removes what it left and finishes the job.
//!
//! Every such step (the exchange, each rename, each file removed, the
//! record's rename) calls biopage's fault point; `BIOPAGE_FAULT_KILL_AT=N`
//! kills the process at the N-th. The tests run N = 1, 2, … until a build
//! gets through, so every step is tried. (`scripts/crash-test.sh` does the
//! same from outside with strace's syscall fault injection.)

use crate::*;
use std::path::Path;
use std::process::Command;

/// Every file under `dir` with its bytes, sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walk(dir) {
        out.push((
            e.strip_prefix(dir).unwrap().display().to_string(),
            std::fs::read(&e).unwrap(),
        ));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for f in walk(from) {
        let dest = to.join(f.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&f, dest).unwrap();
    }
}

/// What sits beside `out` and is not a cache biopage keeps on purpose.
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.biopage-")))
        .filter(|n| {
            !n.ends_with("-images")
                && !n.ends_with("-lock")
                && !n.ends_with("-key")
                && !n.ends_with("-shadow")
                && !n.ends_with("-cache.json")
        })
        .collect()
}

fn build_killed_at(site: &Path, out: &Path, n: u64, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_biopage"));
    cmd.args([
        "build",
        site.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--date",
        "2026-11-24",
        "-q",
    ])
    .env("BIOPAGE_FAULT_KILL_AT", n.to_string());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Builds `site` (old state) into `out`, then calls `change`, then for
/// every step N kills the next build at N and checks the output.
fn every_step(site: &Path, out: &Path, change: impl FnOnce(), env: &[(&str, &str)]) -> u64 {
    let work = out.parent().unwrap();
    let cache = work.join(format!(
        ".{}.biopage-cache.json",
        out.file_name().unwrap().to_string_lossy()
    ));
    let shadow = work.join(format!(
        ".{}.biopage-shadow",
        out.file_name().unwrap().to_string_lossy()
    ));
    let run = build_to(site, out, &["-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let old = tree(out);
    let pristine = work.join("pristine");
    copy_tree(out, &pristine);
    let pristine_cache = std::fs::read(&cache).ok();
    // the previous output an agency keeps beside the live one
    let pristine_shadow = work.join("pristine-shadow");
    let had_shadow = shadow.is_dir();
    if had_shadow {
        copy_tree(&shadow, &pristine_shadow);
    }
    change();
    let clean = work.join("clean");
    let run = build_to(site, &clean, &["-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let new = tree(&clean);
    assert_ne!(old, new, "the change must change the output");
    let mut n = 1;
    loop {
        copy_tree(&pristine, out);
        if had_shadow {
            copy_tree(&pristine_shadow, &shadow);
        } else {
            let _ = std::fs::remove_dir_all(&shadow);
        }
        match &pristine_cache {
            Some(c) => std::fs::write(&cache, c).unwrap(),
            None => {
                let _ = std::fs::remove_file(&cache);
            }
        }
        let run = build_killed_at(site, out, n, env);
        let now = tree(out);
        assert!(
            now == old || now == new,
            "killed at step {n}: the output is neither the old nor the new one ({} files; old {}, new {})",
            now.len(),
            old.len(),
            new.len()
        );
        if run.code == 0 {
            break;
        }
        assert_eq!(run.code, -1, "step {n}: {}", run.stderr);
        // the next build cleans up and finishes
        let run = build_to(site, out, &["-q"]);
        assert_eq!(run.code, 0, "after a kill at step {n}: {}", run.stderr);
        assert_eq!(tree(out), new, "after a kill at step {n}");
        assert!(
            leftovers(out).is_empty(),
            "after a kill at step {n}: {:?}",
            leftovers(out)
        );
        n += 1;
    }
    assert!(leftovers(out).is_empty(), "{:?}", leftovers(out));
    n
}

#[test]
fn a_site_killed_at_any_step_keeps_the_old_or_the_new_output() {
    let f = Fixture::new(
        &format!(
            "{BASE_PROFILE}[[links]]\nid = \"a\"\ntitle = \"A\"\nurl = \"https://a.example/\"\n"
        ),
        None,
    );
    let out = f.path().join("public");
    let steps = every_step(
        f.path(),
        &out,
        || {
            let p = f.path().join("profile.toml");
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, text.replace("title = \"A\"", "title = \"B\"")).unwrap();
        },
        &[],
    );
    // the exchange and the removal of the old output's files
    assert!(steps > 10, "{steps}");
}

#[test]
fn a_site_without_an_atomic_exchange_is_restored_by_the_next_build() {
    // Systems without an atomic exchange move the old output aside, then
    // the new one in: killed in between, there is no output for a moment,
    // and the next biopage build puts the old one back before anything
    // else, even a build that fails.
    let f = Fixture::new(
        &format!(
            "{BASE_PROFILE}[[links]]\nid = \"a\"\ntitle = \"A\"\nurl = \"https://a.example/\"\n"
        ),
        None,
    );
    let out = f.path().join("public");
    let aside = f.path().join(".public.biopage-aside");
    let p = f.path().join("profile.toml");
    let good = std::fs::read_to_string(&p).unwrap();
    let changed = good.replace("title = \"A\"", "title = \"B\"");
    let run = build_to(f.path(), &out, &["-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let old = tree(&out);
    let pristine = f.path().join("pristine");
    copy_tree(&out, &pristine);
    std::fs::write(&p, &changed).unwrap();
    let no_exchange = [("BIOPAGE_FAULT_NO_EXCHANGE", "1")];
    let mut gaps = 0;
    for n in 1.. {
        copy_tree(&pristine, &out);
        let run = build_killed_at(f.path(), &out, n, &no_exchange);
        if run.code == 0 {
            break;
        }
        assert_eq!(run.code, -1, "step {n}: {}", run.stderr);
        if !out.exists() {
            gaps += 1;
            assert_eq!(tree(&aside), old, "step {n}");
            // a failing build still restores the old output first
            std::fs::write(&p, "name = ").unwrap();
            let run = build_to(f.path(), &out, &["-q"]);
            assert_eq!(run.code, 1, "{}", run.stderr);
            assert_eq!(tree(&out), old, "step {n}");
            std::fs::write(&p, &changed).unwrap();
        }
        let run = build_to(f.path(), &out, &["-q"]);
        assert_eq!(run.code, 0, "step {n}: {}", run.stderr);
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
        assert_ne!(tree(&out), old);
    }
    assert_eq!(gaps, 1);
}

fn agency(n: usize) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("agency");
    std::fs::write(
        {
            std::fs::create_dir_all(&dir).unwrap();
            dir.join("agency.toml")
        },
        "base_url = \"https://bio.example/{handle}/\"\n",
    )
    .unwrap();
    for i in 0..n {
        let h = format!("c{i:02}");
        let cdir = dir.join("creators").join(&h);
        std::fs::create_dir_all(&cdir).unwrap();
        std::fs::write(
            cdir.join("profile.toml"),
            format!("name = \"C {i}\"\nhandle = \"{h}\"\n\n[[links]]\nid = \"l\"\ntitle = \"L\"\nurl = \"https://l.example/{i}\"\n"),
        )
        .unwrap();
    }
    tmp
}

#[test]
fn an_agency_killed_at_any_step_of_an_incremental_build_keeps_the_old_or_the_new_output() {
    let tmp = agency(4);
    let dir = tmp.path().join("agency");
    let out = tmp.path().join("out");
    let steps = every_step(
        &dir,
        &out,
        || {
            // two creators change, one leaves, one arrives
            for h in ["c01", "c02"] {
                let p = dir.join("creators").join(h).join("profile.toml");
                let text = std::fs::read_to_string(&p).unwrap();
                std::fs::write(&p, text.replace("title = \"L\"", "title = \"M\"")).unwrap();
            }
            std::fs::remove_dir_all(dir.join("creators/c03")).unwrap();
            let c9 = dir.join("creators/c09");
            std::fs::create_dir_all(&c9).unwrap();
            std::fs::write(
                c9.join("profile.toml"),
                "name = \"C 9\"\nhandle = \"c09\"\n",
            )
            .unwrap();
        },
        &[],
    );
    // the exchange, keeping the old output, the record
    assert!(steps >= 3, "{steps}");
}

#[test]
fn an_agency_killed_while_updating_its_kept_output_keeps_the_old_or_the_new_output() {
    // After two builds the agency keeps its previous output beside the live
    // one and updates it in place: every step of that is tried too.
    let tmp = agency(4);
    let dir = tmp.path().join("agency");
    let out = tmp.path().join("out");
    let edit = |h: &str, from: &str, to: &str| {
        let p = dir.join("creators").join(h).join("profile.toml");
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replace(from, to)).unwrap();
    };
    assert_eq!(build_to(&dir, &out, &["-q"]).code, 0);
    edit("c00", "title = \"L\"", "title = \"K\"");
    assert_eq!(build_to(&dir, &out, &["-q"]).code, 0);
    assert!(tmp.path().join(".out.biopage-shadow").is_dir());
    let steps = every_step(
        &dir,
        &out,
        || {
            edit("c01", "title = \"L\"", "title = \"M\"");
            std::fs::remove_dir_all(dir.join("creators/c03")).unwrap();
        },
        &[],
    );
    assert!(steps > 5, "{steps}");
    // the kept output is the one before: c01 as it was
    let kept =
        std::fs::read_to_string(tmp.path().join(".out.biopage-shadow/c01/index.html")).unwrap();
    assert!(kept.contains(">L<") || kept.contains("L</"), "{kept}");
}

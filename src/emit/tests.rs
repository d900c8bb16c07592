use super::*;

fn claimed(out: &Path) -> Output {
    let site = out.parent().unwrap().join("site");
    std::fs::create_dir_all(&site).unwrap();
    claim(&site, out, &[], false).unwrap()
}

#[test]
fn commit_replaces_and_drop_discards() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let output = claimed(&out);
    let s = Staging::new(&output).unwrap();
    s.write("old.txt", b"old").unwrap();
    s.commit("01", Old::Remove).unwrap();

    let s = Staging::new(&output).unwrap();
    s.write("new.txt", b"new").unwrap();
    drop(s);
    assert!(
        out.join("old.txt").exists(),
        "a dropped staging leaves the output alone"
    );
    assert!(!out.join("new.txt").exists());

    let s = Staging::new(&output).unwrap();
    s.write("a/new.txt", b"new").unwrap();
    s.commit("02", Old::Remove).unwrap();
    assert!(!out.join("old.txt").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("a/new.txt")).unwrap(),
        "new"
    );
    assert_eq!(read_marker(&out).as_deref(), Some("02"));
    drop(output);
    let mut leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    leftovers.sort();
    assert_eq!(leftovers, [".public.biopage-lock", "public", "site"]);
}

#[test]
fn made_files_are_linked_not_copied() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("cached.webp");
    std::fs::write(&src, b"bytes").unwrap();
    let output = claimed(&tmp.path().join("public"));
    let s = Staging::new(&output).unwrap();
    s.link_or_copy(&src, "assets/a.webp").unwrap();
    assert!(s.link_or_copy(&src, "../a.webp").is_err());
    s.commit("01", Old::Remove).unwrap();
    let out = tmp.path().join("public/assets/a.webp");
    assert_eq!(std::fs::read(&out).unwrap(), b"bytes");
    assert_eq!(
        std::fs::metadata(&out).unwrap().ino(),
        std::fs::metadata(&src).unwrap().ino()
    );
}

#[test]
fn writes_cannot_escape() {
    let tmp = tempfile::tempdir().unwrap();
    let output = claimed(&tmp.path().join("public"));
    let s = Staging::new(&output).unwrap();
    assert!(s.write("../x", b"").is_err());
    assert!(s.write("/etc/x", b"").is_err());
    assert!(s.write("a/../../x", b"").is_err());
}

#[test]
fn outputs_that_are_not_biopages_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("static")).unwrap();
    let inputs = [site.join("static")];
    // the site itself, a folder holding it, an input folder or inside one
    for out in [
        site.clone(),
        tmp.path().to_path_buf(),
        site.join("static"),
        site.join("static/pub"),
    ] {
        assert!(claim(&site, &out, &inputs, true).is_err(), "{out:?}");
    }
    // a file, a device
    std::fs::write(tmp.path().join("file"), "x").unwrap();
    assert!(claim(&site, &tmp.path().join("file"), &inputs, true).is_err());
    assert!(claim(&site, Path::new("/dev/null"), &inputs, true).is_err());
    // someone else's directory, unless forced
    let theirs = tmp.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("notes.txt"), "mine").unwrap();
    let e = claim(&site, &theirs, &inputs, false).err().unwrap();
    assert!(e.to_string().contains("--force"), "{e}");
    assert!(claim(&site, &theirs, &inputs, true).is_ok());
    // empty and missing directories are fine
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    assert!(claim(&site, &tmp.path().join("empty"), &inputs, false).is_ok());
    assert!(claim(&site, &site.join("public"), &inputs, false).is_ok());
}

#[test]
fn leftovers_of_killed_builds_are_removed_and_an_aside_output_restored() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    std::fs::create_dir_all(tmp.path().join(".public.biopage-staging-abc123/x")).unwrap();
    std::fs::create_dir_all(tmp.path().join(".public.biopage-Ab12Cd.old")).unwrap();
    std::fs::create_dir_all(tmp.path().join(".public.biopage-aside")).unwrap();
    std::fs::write(tmp.path().join(".public.biopage-aside/index.html"), "old").unwrap();
    std::fs::create_dir_all(tmp.path().join(".public.biopage-images")).unwrap();
    let _o = claimed(&out);
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "old"
    );
    let mut names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".public.biopage-images",
            ".public.biopage-lock",
            "public",
            "site"
        ]
    );
}

#[test]
fn carried_folders_share_their_files() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let output = claimed(&out);
    let s = Staging::new(&output).unwrap();
    s.write("mei/index.html", b"mei").unwrap();
    s.write("mei/go/x/index.html", b"go").unwrap();
    s.commit("01", Old::Remove).unwrap();
    let s = Staging::new(&output).unwrap();
    assert_eq!(s.carry("mei").unwrap(), 2);
    s.commit("02", Old::Remove).unwrap();
    let f = out.join("mei/go/x/index.html");
    assert_eq!(std::fs::read(&f).unwrap(), b"go");
    assert_eq!(std::fs::metadata(&f).unwrap().nlink(), 1);
}

#[test]
fn a_kept_output_is_updated_in_place_without_touching_the_live_one() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let output = claimed(&out);
    let s = Staging::new(&output).unwrap();
    s.write("a/index.html", b"a1").unwrap();
    s.write("b/index.html", b"b1").unwrap();
    s.commit("01", Old::Keep).unwrap();
    // no old output yet: nothing is kept
    assert!(!shadow_path(&out).exists());
    let s = Staging::new(&output).unwrap();
    s.carry("a").unwrap();
    s.write("b/index.html", b"b2").unwrap();
    s.commit("02", Old::Keep).unwrap();
    let shadow = shadow_path(&out);
    assert_eq!(read_marker(&shadow).as_deref(), Some("01"));
    // the live a/ and the kept a/ are one file
    let (live_a, kept_a) = (out.join("a/index.html"), shadow.join("a/index.html"));
    assert_eq!(
        std::fs::metadata(&live_a).unwrap().ino(),
        std::fs::metadata(&kept_a).unwrap().ino()
    );
    // reusing the kept output: its marker goes first, and replacing a
    // file shared with the live output leaves the live one alone
    let s = Staging::reuse(&output, &shadow).unwrap();
    assert_eq!(read_marker(&shadow), None);
    s.write("a/index.html", b"a3").unwrap();
    assert_eq!(std::fs::read(&live_a).unwrap(), b"a1");
    s.carry("b").unwrap();
    s.commit("03", Old::Keep).unwrap();
    assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"a3");
    assert_eq!(std::fs::read(out.join("b/index.html")).unwrap(), b"b2");
    assert_eq!(read_marker(&out).as_deref(), Some("03"));
    assert_eq!(read_marker(&shadow).as_deref(), Some("02"));
    assert_eq!(std::fs::read(shadow.join("a/index.html")).unwrap(), b"a1");
}

#[test]
fn absolute_resolves_what_exists_and_keeps_what_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().canonicalize().unwrap();
    std::fs::create_dir(real.join("agency")).unwrap();
    assert_eq!(absolute(&tmp.path().join("agency")), real.join("agency"));
    // folders that do not exist yet, with `..` among them
    assert_eq!(
        absolute(&tmp.path().join("agency/public/../creators/x")),
        real.join("agency/creators/x")
    );
    assert_eq!(
        absolute(&tmp.path().join("new/deeper")),
        real.join("new/deeper")
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(real.join("agency"), real.join("link")).unwrap();
        assert_eq!(
            absolute(&tmp.path().join("link/public/briefs")),
            real.join("agency/public/briefs")
        );
    }
}

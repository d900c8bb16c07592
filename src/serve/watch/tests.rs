use super::*;
use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, Event, Flag, RemoveKind};
use std::time::Instant;

fn ev(kind: EventKind, paths: &[&str]) -> DebouncedEvent {
    let mut e = Event::new(kind);
    for p in paths {
        e = e.add_path(PathBuf::from(p));
    }
    DebouncedEvent::new(e, Instant::now())
}

#[test]
fn event_kinds_fold_into_ops() {
    use EventKind as K;
    let table: &[(EventKind, Option<Op>)] = &[
        (K::Create(CreateKind::File), Some(Op::Create)),
        (K::Create(CreateKind::Folder), Some(Op::Create)),
        (K::Remove(RemoveKind::File), Some(Op::Remove)),
        (K::Remove(RemoveKind::Any), Some(Op::Remove)),
        (
            K::Modify(ModifyKind::Data(DataChange::Content)),
            Some(Op::Modify),
        ),
        (
            K::Modify(ModifyKind::Data(DataChange::Any)),
            Some(Op::Modify),
        ),
        (K::Modify(ModifyKind::Any), Some(Op::Modify)),
        (
            K::Modify(ModifyKind::Name(RenameMode::From)),
            Some(Op::Remove),
        ),
        (
            K::Modify(ModifyKind::Name(RenameMode::To)),
            Some(Op::Create),
        ),
        (
            K::Modify(ModifyKind::Name(RenameMode::Both)),
            Some(Op::Create),
        ),
        (
            K::Modify(ModifyKind::Name(RenameMode::Any)),
            Some(Op::Modify),
        ),
        (
            K::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
            Some(Op::Modify),
        ),
        (
            K::Modify(ModifyKind::Metadata(MetadataKind::Any)),
            Some(Op::Modify),
        ),
        (
            K::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
            None,
        ),
        (
            K::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
            None,
        ),
        (
            K::Modify(ModifyKind::Metadata(MetadataKind::Ownership)),
            None,
        ),
        (
            K::Modify(ModifyKind::Metadata(MetadataKind::Extended)),
            None,
        ),
        (K::Access(AccessKind::Open(AccessMode::Any)), None),
        (K::Access(AccessKind::Close(AccessMode::Write)), None),
        (K::Any, Some(Op::Modify)),
        (K::Other, None),
    ];
    for (kind, want) in table {
        assert_eq!(op_of(kind), *want, "{kind:?}");
    }
}

#[test]
fn paths_map_to_parts() {
    let root = Path::new("/site");
    let table: &[(&str, Option<Part>)] = &[
        ("/site/profile.toml", Some(Part::Profile)),
        ("/site/products.toml", Some(Part::Products)),
        ("/site/images", Some(Part::Images)),
        ("/site/images/avatar.jpg", Some(Part::Images)),
        ("/site/images/deep/er/x.png", Some(Part::Images)),
        ("/site/static/favicon.ico", Some(Part::Static)),
        ("/site/static/.well-known/security.txt", Some(Part::Static)),
        ("/site/templates/page.html", Some(Part::Templates)),
        ("/site/themes/mine/theme.toml", Some(Part::Themes)),
        // an agency and its creators
        ("/site/agency.toml", Some(Part::Agency)),
        ("/site/campaigns/tet.toml", Some(Part::Agency)),
        ("/site/campaigns/tet-codes.csv", Some(Part::Agency)),
        ("/site/creators/linh/profile.toml", Some(Part::Profile)),
        ("/site/creators/linh/images/a.png", Some(Part::Images)),
        ("/site/creators/linh/.profile.toml.swp", None),
        ("/site/creators/linh/public/index.html", None),
        ("/site/creators/linh", None),
        ("/site/creators", None),
        // not read by a build
        ("/site/public/index.html", None),
        ("/site/.git/index", None),
        ("/site/README.md", None),
        ("/site/profile.toml.orig", None),
        ("/site/sub/profile.toml", None),
        ("/site", None),
        ("/elsewhere/profile.toml", None),
        // editor scratch files next to real ones
        ("/site/.profile.toml.swp", None),
        ("/site/images/.avatar.jpg.swx", None),
        ("/site/profile.toml~", None),
        ("/site/4913", None),
        ("/site/static/5036", None),
        ("/site/.#profile.toml", None),
        ("/site/#profile.toml#", None),
        ("/site/profile.toml___jb_tmp___", None),
        ("/site/images/.DS_Store", None),
    ];
    for (path, want) in table {
        assert_eq!(part_of(root, Path::new(path)), *want, "{path}");
    }
}

#[test]
fn temp_files_are_recognised() {
    let temp = [
        ".profile.toml.swp",
        ".profile.toml.swo",
        ".profile.toml.swa",
        ".profile.toml.swx",
        ".x.swf",
        "4913",
        "5036",
        "5159",
        "profile.toml~",
        ".#profile.toml",
        "#profile.toml#",
        "profile.toml___jb_tmp___",
        "profile.toml___jb_old___",
        ".products.toml.kate-swp",
        ".goutputstream-ABC123",
        "~$notes.docx",
        ".~lock.sheet.ods#",
        ".DS_Store",
        "._avatar.jpg",
        "Thumbs.db",
        "profile.toml.tmp",
        "avatar.jpg.crdownload",
        "avatar.jpg.part",
    ];
    for name in temp {
        assert!(is_temp_file(Path::new(name)), "{name} should be temporary");
    }
    let real = [
        "profile.toml",
        "products.toml",
        "avatar.jpg",
        "movie.swf",
        "swp",
        "4914",
        "5000",
        "2024",
        ".well-known",
        "security.txt",
        "a~b.png",
        "page.html",
    ];
    for name in real {
        assert!(!is_temp_file(Path::new(name)), "{name} should be real");
    }
}

#[test]
fn renames_count_at_both_ends() {
    let root = Path::new("/site");
    // An editor saving by rename: write a scratch file, rename it over the original.
    let atomic = [
        ev(
            EventKind::Create(CreateKind::File),
            &["/site/profile.toml___jb_tmp___"],
        ),
        ev(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["/site/profile.toml___jb_tmp___", "/site/profile.toml"],
        ),
    ];
    let batch = filter_events(root, &atomic);
    assert_eq!(
        batch.changes,
        vec![Change {
            part: Part::Profile,
            op: Op::Create,
            path: "/site/profile.toml".into(),
        }]
    );
    // Renaming an image away is its removal.
    let away = [ev(
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
        &["/site/images/a.jpg", "/site/images/b.jpg"],
    )];
    let ops: Vec<Op> = filter_events(root, &away)
        .changes
        .iter()
        .map(|c| c.op)
        .collect();
    assert_eq!(ops, vec![Op::Remove, Op::Create]);
}

#[test]
fn vim_save_sequence_is_only_the_real_file() {
    let root = Path::new("/site");
    let save = [
        ev(EventKind::Create(CreateKind::File), &["/site/4913"]),
        ev(EventKind::Remove(RemoveKind::File), &["/site/4913"]),
        ev(
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            &["/site/profile.toml", "/site/profile.toml~"],
        ),
        ev(EventKind::Create(CreateKind::File), &["/site/profile.toml"]),
        ev(
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            &["/site/.profile.toml.swp"],
        ),
        ev(
            EventKind::Remove(RemoveKind::File),
            &["/site/profile.toml~"],
        ),
    ];
    let batch = filter_events(root, &save);
    assert!(batch.changes.iter().all(|c| c.part == Part::Profile));
    assert_eq!(batch.changes.len(), 2, "{batch:?}");
    assert!(!batch.is_empty());
}

#[test]
fn noise_only_batches_are_empty_and_rescans_are_not() {
    let root = Path::new("/site");
    let noise = [
        ev(
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            &["/site/profile.toml"],
        ),
        ev(
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            &["/site/public/index.html"],
        ),
        ev(EventKind::Create(CreateKind::File), &["/site/.DS_Store"]),
    ];
    assert!(filter_events(root, &noise).is_empty());
    let rescan = [DebouncedEvent::new(
        Event::new(EventKind::Other).set_flag(Flag::Rescan),
        Instant::now(),
    )];
    let batch = filter_events(root, &rescan);
    assert!(batch.rescan && !batch.is_empty());
}

#[test]
fn batches_describe_their_files() {
    let root = Path::new("/site");
    let mut b = Batch::default();
    for p in [
        "profile.toml",
        "images/a.jpg",
        "images/b.jpg",
        "static/c",
        "profile.toml",
    ] {
        b.changes.push(Change {
            part: Part::Images,
            op: Op::Modify,
            path: root.join(p),
        });
    }
    assert_eq!(
        b.describe(root),
        "images/a.jpg, images/b.jpg, profile.toml, and 1 more"
    );
}

fn modify(path: &str) -> Msg {
    Msg::Events(Ok(vec![ev(
        EventKind::Modify(ModifyKind::Data(DataChange::Any)),
        &[path],
    )]))
}

#[test]
fn a_burst_of_batches_is_one_rebuild() {
    let root = Path::new("/site");
    let (tx, rx) = mpsc::channel();
    // Noise alone does not start a rebuild.
    tx.send(modify("/site/.profile.toml.swp")).unwrap();
    tx.send(modify("/site/profile.toml")).unwrap();
    tx.send(modify("/site/products.toml")).unwrap();
    tx.send(Msg::Events(Err(vec![]))).unwrap();
    tx.send(modify("/site/images/a.jpg")).unwrap();
    let sender = std::thread::spawn(move || {
        // Within the settle window of the last batch: merged too.
        std::thread::sleep(SETTLE / 4);
        tx.send(modify("/site/static/x.txt")).unwrap();
        // Well after it: a batch of its own.
        std::thread::sleep(SETTLE * 10);
        tx.send(modify("/site/profile.toml")).unwrap();
        tx.send(Msg::Stop).unwrap();
    });
    let first = next_batch(root, &rx).unwrap();
    let parts: Vec<Part> = first.changes.iter().map(|c| c.part).collect();
    assert_eq!(
        parts,
        vec![Part::Profile, Part::Products, Part::Images, Part::Static]
    );
    // Stopping wins over a pending batch: the server is going away.
    assert_eq!(next_batch(root, &rx), None);
    sender.join().unwrap();
}

#[test]
fn stragglers_of_a_burst_already_built_are_no_ops() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile.toml");
    let images = dir.path().join("images");
    std::fs::write(&profile, "a").unwrap();
    let batch = |paths: &[&Path]| Batch {
        changes: paths
            .iter()
            .map(|p| Change {
                part: Part::Profile,
                op: Op::Modify,
                path: p.to_path_buf(),
            })
            .collect(),
        rescan: false,
    };
    let mut seen = Seen::default();
    // Never built: changed.
    assert!(seen.changed(&batch(&[&profile])));
    seen.record(&batch(&[&profile]));
    // A late batch for the same, unchanged file: nothing to do.
    assert!(!seen.changed(&batch(&[&profile])));
    // Same length, same second, other bytes: changed.
    std::fs::write(&profile, "b").unwrap();
    assert!(seen.changed(&batch(&[&profile])));
    seen.record(&batch(&[&profile]));
    // Removed, then a late event for the removal: built once.
    std::fs::remove_file(&profile).unwrap();
    assert!(seen.changed(&batch(&[&profile])));
    seen.record(&batch(&[&profile]));
    assert!(!seen.changed(&batch(&[&profile])));
    // Directories and rescans always rebuild.
    std::fs::create_dir(&images).unwrap();
    seen.record(&batch(&[&images]));
    assert!(seen.changed(&batch(&[&images])));
    let rescan = Batch {
        changes: vec![],
        rescan: true,
    };
    assert!(seen.changed(&rescan));
}

#[test]
fn watcher_follows_trees_created_later() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, _rx) = std::sync::mpsc::channel();
    let mut w = SiteWatcher::new(dir.path(), None, tx).unwrap();
    assert!(w.trees.is_empty());
    std::fs::create_dir(dir.path().join("images")).unwrap();
    std::fs::create_dir(dir.path().join("public")).unwrap();
    w.refresh(&Batch::default()).unwrap();
    assert_eq!(
        w.trees.iter().cloned().collect::<Vec<_>>(),
        vec![dir.path().join("images")]
    );
    std::fs::remove_dir(dir.path().join("images")).unwrap();
    w.refresh(&Batch::default()).unwrap();
    assert!(w.trees.is_empty());
}

//! The image pipeline: sizes, formats and markup, EXIF orientation and
//! metadata, the cache, the icons and the Open Graph card, and bad sources.

use crate::*;
use image::GenericImageView as _;

const PRODUCT: &str = "[[products]]\nid = \"serum\"\ntitle = \"Serum B5\"\nurl = \"https://shop.example/serum\"\nimage = \"images/serum-b5.jpg\"\n";

fn with_avatar(avatar: &str) -> String {
    format!("{BASE_PROFILE}avatar = \"{avatar}\"\n")
}

/// The number in "(N encoded)" of a build's summary line.
fn encoded(run: &Run) -> usize {
    let at = run
        .stderr
        .find(" encoded)")
        .unwrap_or_else(|| panic!("no encode count in: {}", run.stderr));
    let start = run.stderr[..at].rfind('(').unwrap() + 1;
    run.stderr[start..at].parse().unwrap()
}

/// (URL, width descriptor) pairs of a `srcset`.
fn srcset(s: &str) -> Vec<(String, u32)> {
    s.split(',')
        .map(|part| {
            let (url, w) = part.trim().rsplit_once(' ').unwrap();
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

fn read_out(f: &Fixture, url: &str) -> Vec<u8> {
    std::fs::read(f.out().join(url.trim_start_matches('/')))
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}

#[test]
fn pictures_have_webp_and_fallback_srcsets_sizes_and_dimensions() {
    let f = Fixture::new(&with_avatar("images/avatar.jpg"), Some(PRODUCT));
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");

    // avatar: 512 px source, shown at most 132 CSS px → 132 and 264
    let webp = select_attr(&html, "picture source[type='image/webp']", "srcset");
    assert_eq!(webp.len(), 2, "{html}");
    let avatar_webp = srcset(&webp[0]);
    assert_eq!(
        avatar_webp.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
        vec![132, 264]
    );
    let img = |attr| select_attr(&html, "picture img.avatar", attr);
    assert_eq!(img("width"), vec!["132"]);
    assert_eq!(img("height"), vec!["132"]);
    assert_eq!(img("fetchpriority"), vec!["high"]);
    assert_eq!(img("sizes"), vec!["112px"]);
    assert_eq!(
        select_attr(&html, "picture source[type='image/webp']", "sizes")[0],
        "112px"
    );
    let fallback = srcset(&img("srcset")[0]);
    assert_eq!(fallback.len(), 2);
    assert_eq!(img("src")[0], fallback[0].0);

    // every file is what its name and descriptor say, and exists
    for ((url, w), format) in avatar_webp
        .iter()
        .map(|x| (x, image::ImageFormat::WebP))
        .chain(fallback.iter().map(|x| (x, image::ImageFormat::Jpeg)))
    {
        assert!(url.starts_with("/assets/avatar-"), "{url}");
        let bytes = read_out(&f, url);
        assert_eq!(image::guess_format(&bytes).unwrap(), format, "{url}");
        if format == image::ImageFormat::WebP {
            assert_eq!(&bytes[..4], b"RIFF");
            assert_eq!(&bytes[8..12], b"WEBP");
            // lossy (VP8), not the lossless VP8L
            assert_eq!(&bytes[12..16], b"VP8 ", "{url}");
        }
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!(decoded.dimensions(), (*w, *w), "{url}");
    }

    // product: 600 px source, shown at most 360 → 360 and 600 (no upscaling)
    let product = srcset(&webp[1]);
    assert_eq!(
        product.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
        vec![360, 600]
    );
    let card = |attr| select_attr(&html, ".card picture img", attr);
    assert_eq!(card("width"), vec!["360"]);
    assert_eq!(card("height"), vec!["360"]);
    assert_ne!(
        card("loading"),
        vec!["lazy"],
        "the first products load at once"
    );
    assert!(card("sizes")[0].contains("208px"), "{:?}", card("sizes"));
    for (url, w) in product.iter().chain(srcset(&card("srcset")[0]).iter()) {
        let decoded = image::load_from_memory(&read_out(&f, url)).unwrap();
        assert_eq!(decoded.dimensions(), (*w, *w), "{url}");
    }
    // names are fingerprinted: one fingerprint per source
    let fp = |u: &str| u.split('.').nth(1).unwrap().to_string();
    assert_eq!(fp(&product[0].0), fp(&product[1].0));
    assert_ne!(fp(&product[0].0), fp(&avatar_webp[0].0));
    assert_eq!(fp(&product[0].0).len(), 10);
}

#[test]
fn every_theme_shows_pictures() {
    for theme in ["default", "minimal", "shop", "bold"] {
        let f = Fixture::new(
            &format!("{}theme = \"{theme}\"\n", with_avatar("images/avatar.jpg")),
            Some(PRODUCT),
        );
        let run = f.build(&[]);
        assert_eq!(run.code, 0, "{theme}: {}", run.stderr);
        let html = f.read("index.html");
        assert_eq!(
            select_attr(&html, "picture > source[type='image/webp']", "srcset").len(),
            2,
            "{theme}"
        );
        for img in ["picture img.avatar", ".card picture img"] {
            for attr in ["srcset", "sizes", "width", "height"] {
                assert_eq!(
                    select_attr(&html, img, attr).len(),
                    1,
                    "{theme} {img} {attr}"
                );
            }
        }
    }
}

/// A JPEG whose stored pixels are 64×32, left half red and right half
/// blue, with EXIF orientation 6 ("turn 90° clockwise to show") and GPS
/// data, like a phone photo.
fn rotated_jpeg_with_gps() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 32, |x, _| {
        if x < 32 {
            image::Rgb([230, 0, 0])
        } else {
            image::Rgb([0, 0, 230])
        }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
        .encode_image(&img)
        .unwrap();

    // TIFF, big-endian: IFD0 {Orientation = 6, GPS IFD pointer},
    // GPS IFD {GPSLatitudeRef = "N", GPSMapDatum = "SECRET-HANOI-21.0285"}
    let datum = b"SECRET-HANOI-21.0285\0";
    let mut t: Vec<u8> = b"MM\0\x2a".to_vec();
    t.extend(8u32.to_be_bytes());
    t.extend(2u16.to_be_bytes());
    t.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    let gps_ifd: u32 = 8 + 2 + 2 * 12 + 4;
    t.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    t.extend(gps_ifd.to_be_bytes());
    t.extend(0u32.to_be_bytes());
    let datum_at: u32 = gps_ifd + 2 + 2 * 12 + 4;
    t.extend(2u16.to_be_bytes());
    t.extend([0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    t.extend([0x00, 0x12, 0, 2]);
    t.extend((datum.len() as u32).to_be_bytes());
    t.extend(datum_at.to_be_bytes());
    t.extend(0u32.to_be_bytes());
    t.extend(datum);

    let mut app1 = vec![0xFF, 0xE1];
    app1.extend(((2 + 6 + t.len()) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(t);
    let mut out = jpeg[..2].to_vec();
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn exif_orientation_is_applied_and_metadata_is_stripped() {
    let f = Fixture::new(&with_avatar("images/phone.jpg"), None);
    let src = rotated_jpeg_with_gps();
    // the fixture really carries what a phone writes
    let decoder = image::ImageReader::new(std::io::Cursor::new(&src))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    let mut decoder = decoder;
    use image::ImageDecoder as _;
    assert_eq!(
        decoder.orientation().unwrap(),
        image::metadata::Orientation::Rotate90
    );
    assert!(contains(&src, b"SECRET-HANOI"));
    std::fs::write(f.path().join("images/phone.jpg"), &src).unwrap();

    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    let urls: Vec<String> = srcset(&select_attr(&html, "img.avatar", "srcset")[0])
        .into_iter()
        .chain(srcset(
            &select_attr(&html, "source[type='image/webp']", "srcset")[0],
        ))
        .map(|(u, _)| u)
        .collect();
    assert_eq!(urls.len(), 2, "a 32 px square makes one size per format");
    for url in &urls {
        let out = image::load_from_memory(&read_out(&f, url))
            .unwrap()
            .to_rgb8();
        // turned: the red half is on top. Unturned, the centre square's
        // top right and bottom left would be blue and red.
        assert_eq!(out.dimensions(), (32, 32));
        let [r, _, b] = out.get_pixel(22, 3).0;
        assert!(r > 150 && b < 100, "{url}: top right is {:?}", (r, b));
        let [r, _, b] = out.get_pixel(10, 28).0;
        assert!(b > 150 && r < 100, "{url}: bottom left is {:?}", (r, b));
    }
    // no EXIF, no GPS in anything made from it
    let mut made = vec![
        "favicon.ico".to_string(),
        "apple-touch-icon.png".to_string(),
    ];
    made.extend(urls.iter().map(|u| u.trim_start_matches('/').to_string()));
    let og = select_attr(&html, "meta[property='og:image']", "content");
    made.push(
        og[0]
            .trim_start_matches("https://linh.example/")
            .to_string(),
    );
    for rel in made {
        let bytes = read_out(&f, &rel);
        assert!(!contains(&bytes, b"Exif"), "{rel} has EXIF");
        assert!(!contains(&bytes, b"MM\0\x2a"), "{rel} has a TIFF block");
        assert!(!contains(&bytes, b"SECRET-HANOI"), "{rel} leaks GPS");
    }
}

#[test]
fn a_second_build_encodes_nothing_and_writes_the_same_files() {
    let f = Fixture::new(&with_avatar("images/avatar.jpg"), Some(PRODUCT));
    let first = f.build(&[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    // avatar 2 sizes × 2 formats, product the same, favicon, touch icon, card
    assert_eq!(encoded(&first), 11, "{}", first.stderr);
    let cache = f.path().join(".public.biopage-images");
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 11);
    let before = std::fs::read(f.out().join("favicon.ico")).unwrap();

    let second = f.build(&[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(encoded(&second), 0, "{}", second.stderr);
    assert_eq!(std::fs::read(f.out().join("favicon.ico")).unwrap(), before);

    // a changed product image is encoded again; the avatar is not
    let other = std::fs::read(repo().join("example-site/images/toner.jpg")).unwrap();
    std::fs::write(f.path().join("images/serum-b5.jpg"), other).unwrap();
    let third = f.build(&[]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert_eq!(encoded(&third), 4, "{}", third.stderr);
    // and the old product's files left the cache
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 11);
}

/// An agency in `tmp/agency` whose creators (handle, example-site picture)
/// each sell [`PRODUCT`] with that picture as its image.
fn agency_selling(tmp: &Path, creators: &[(&str, &str)]) -> PathBuf {
    let dir = tmp.join("agency");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("agency.toml"),
        "base_url = \"https://bio.example/{handle}/\"\nlanguage = \"vi\"\n",
    )
    .unwrap();
    for (h, picture) in creators {
        let c = dir.join("creators").join(h);
        std::fs::create_dir_all(c.join("images")).unwrap();
        std::fs::write(
            c.join("profile.toml"),
            format!("name = \"{h}\"\nhandle = \"{h}\"\n"),
        )
        .unwrap();
        std::fs::write(c.join("products.toml"), PRODUCT).unwrap();
        let bytes = std::fs::read(repo().join("example-site/images").join(picture)).unwrap();
        std::fs::write(c.join("images/serum-b5.jpg"), bytes).unwrap();
    }
    dir
}

#[test]
fn an_agency_encodes_a_shared_image_once() {
    let tmp = tempfile::tempdir().unwrap();
    let handles = ["anh", "bao", "chi", "dung", "em", "giang"];
    let creators: Vec<(&str, &str)> = handles.iter().map(|h| (*h, "serum-b5.jpg")).collect();
    let dir = agency_selling(tmp.path(), &creators);
    let out = tmp.path().join("public");
    let run = build_to(&dir, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // the product's 4 files once; a touch icon and a card per creator
    assert_eq!(encoded(&run), 4 + 2 * handles.len(), "{}", run.stderr);
    for h in handles {
        let html = std::fs::read_to_string(out.join(h).join("index.html")).unwrap();
        let src = select_attr(&html, ".card img", "src");
        assert!(
            src[0].starts_with(&format!("/{h}/assets/serum-b5-360.")),
            "{src:?}"
        );
        assert!(out.join(h).join(&src[0][h.len() + 2..]).is_file());
    }
    assert!(tmp.path().join(".public.biopage-images").is_dir());
}

#[test]
fn an_agency_build_drops_cached_images_no_creator_uses_any_more() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = agency_selling(tmp.path(), &[("anh", "serum-b5.jpg"), ("bao", "toner.jpg")]);
    let out = tmp.path().join("public");
    let cache = tmp.path().join(".public.biopage-images");
    let listing = || -> std::collections::BTreeSet<String> {
        std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let first = build_to(&dir, &out, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = listing();

    // anh's picture changes: only anh is rebuilt, and bao's files stay cached
    // although this build never asked for them
    let other = std::fs::read(repo().join("example-site/images/mascara.jpg")).unwrap();
    std::fs::write(dir.join("creators/anh/images/serum-b5.jpg"), other).unwrap();
    let second = build_to(&dir, &out, &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(second.stderr.contains("1 rendered"), "{}", second.stderr);
    assert_eq!(encoded(&second), 4, "{}", second.stderr);
    // anh's old files are still what the previous output (kept beside the
    // live one for the next build) shows; one build later they leave
    assert_eq!(listing().len(), before.len() + 4);
    let third = build_to(&dir, &out, &[]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    let after = listing();
    assert_eq!(after.len(), before.len(), "{before:?} then {after:?}");
    let gone: Vec<_> = before.difference(&after).collect();
    assert_eq!(
        gone.len(),
        4,
        "anh's old product files leave the cache: {gone:?}"
    );
    // everything still cached is what the output shows
    #[cfg(unix)]
    for name in &after {
        use std::os::unix::fs::MetadataExt as _;
        let links = std::fs::metadata(cache.join(name)).unwrap().nlink();
        assert!(links > 1, "{name} is cached but no page uses it");
    }
    // and a build of one creator leaves the others' cached files alone
    let only = build_to(&dir, &out, &["--only", "anh"]);
    assert_eq!(only.code, 0, "{}", only.stderr);
    assert_eq!(listing(), after);
}

#[test]
fn products_below_the_first_screen_load_lazily_and_share_one_encode() {
    let mut products = String::new();
    for i in 0..6 {
        products.push_str(&PRODUCT.replace("id = \"serum\"", &format!("id = \"p{i}\"")));
    }
    let f = Fixture::new(BASE_PROFILE, Some(&products));
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // one source: 2 sizes × 2 formats, plus the touch icon and the card
    assert_eq!(encoded(&run), 6, "{}", run.stderr);
    let html = f.read("index.html");
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse(".card picture img").unwrap();
    let loading: Vec<Option<&str>> = doc
        .select(&sel)
        .map(|e| e.value().attr("loading"))
        .collect();
    assert_eq!(loading.len(), 6);
    assert!(
        loading[..4].iter().all(|l| *l != Some("lazy")),
        "{loading:?}"
    );
    assert_eq!(&loading[4..], &[Some("lazy"), Some("lazy")]);
}

#[test]
fn icons_and_the_open_graph_card() {
    let f = Fixture::new(&with_avatar("images/avatar.jpg"), None);
    assert_eq!(f.build(&[]).code, 0);
    let html = f.read("index.html");
    assert_eq!(
        select_attr(&html, "link[rel=icon]", "href"),
        vec!["/favicon.ico"]
    );
    assert_eq!(
        select_attr(&html, "link[rel=apple-touch-icon]", "href"),
        vec!["/apple-touch-icon.png"]
    );
    let ico = std::fs::read(f.out().join("favicon.ico")).unwrap();
    assert_eq!(&ico[..6], &[0, 0, 1, 0, 2, 0], "an ICO with two images");
    let sizes: Vec<u8> = vec![ico[6], ico[22]];
    assert_eq!(sizes, vec![32, 48]);
    let touch = image::open(f.out().join("apple-touch-icon.png")).unwrap();
    assert_eq!(touch.dimensions(), (180, 180));
    assert!(
        !touch.color().has_alpha(),
        "iOS shows transparency as black"
    );

    let og = select_attr(&html, "meta[property='og:image']", "content");
    assert_eq!(og.len(), 1);
    assert!(
        og[0].starts_with("https://linh.example/assets/og.") && og[0].ends_with(".png"),
        "{og:?}"
    );
    assert_eq!(
        select_attr(&html, "meta[name='twitter:image']", "content"),
        og
    );
    assert_eq!(
        select_attr(&html, "meta[name='twitter:card']", "content"),
        vec!["summary_large_image"]
    );
    assert_eq!(
        select_attr(&html, "meta[property='og:image:width']", "content"),
        vec!["1200"]
    );
    assert_eq!(
        select_attr(&html, "meta[property='og:image:height']", "content"),
        vec!["630"]
    );
    let card_bytes = read_out(&f, og[0].trim_start_matches("https://linh.example/"));
    assert_eq!(
        image::guess_format(&card_bytes).unwrap(),
        image::ImageFormat::Png
    );
    let card = image::load_from_memory(&card_bytes).unwrap();
    assert_eq!(card.dimensions(), (1200, 630));
}

#[test]
fn without_an_avatar_the_letter_icons_and_a_card_of_the_name() {
    // a name the bundled font cannot draw: the card shows the handle
    let f = Fixture::new(&BASE_PROFILE.replace("Linh Nguyễn", "小美"), None);
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    assert_eq!(
        select_attr(&html, "link[rel=icon]", "href"),
        vec!["/favicon.svg"]
    );
    assert!(!f.out().join("favicon.ico").exists());
    let touch = image::open(f.out().join("apple-touch-icon.png")).unwrap();
    assert_eq!(touch.dimensions(), (180, 180));
    let og = select_attr(&html, "meta[property='og:image']", "content");
    let card = image::load_from_memory(&read_out(
        &f,
        og[0].trim_start_matches("https://linh.example/"),
    ))
    .unwrap();
    assert_eq!(card.dimensions(), (1200, 630));
}

#[test]
fn small_sources_are_not_upscaled_and_transparency_falls_back_to_png() {
    let f = Fixture::new(&with_avatar("images/logo.png"), None);
    let logo = image::RgbaImage::from_fn(100, 80, |x, _| image::Rgba([0, 100, 200, (x * 2) as u8]));
    logo.save(f.path().join("images/logo.png")).unwrap();
    let run = f.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = f.read("index.html");
    assert_eq!(select_attr(&html, "img.avatar", "width"), vec!["80"]);
    let fallback = srcset(&select_attr(&html, "img.avatar", "srcset")[0]);
    assert_eq!(fallback.len(), 1);
    assert!(fallback[0].0.ends_with(".png"), "{fallback:?}");
    let out = image::load_from_memory(&read_out(&f, &fallback[0].0)).unwrap();
    assert_eq!(out.dimensions(), (80, 80));
    assert!(out.color().has_alpha());
    let webp = srcset(&select_attr(&html, "source", "srcset")[0]);
    let out = image::load_from_memory(&read_out(&f, &webp[0].0)).unwrap();
    assert!(out.color().has_alpha(), "WebP keeps the alpha channel");
}

fn build_fails(f: &Fixture) -> Run {
    let run = f.build(&[]);
    assert!(
        run.code == 1 && !run.stderr.contains("panicked"),
        "expected a clean failure: {} {}",
        run.code,
        run.stderr
    );
    assert!(!f.out().exists(), "a failed build writes nothing");
    run
}

#[test]
fn a_file_that_is_not_an_image() {
    let f = Fixture::new(&with_avatar("images/notes.jpg"), None);
    std::fs::write(f.path().join("images/notes.jpg"), "just some notes").unwrap();
    let run = build_fails(&f);
    assert!(run.stderr.contains("profile.toml:6:10"), "{}", run.stderr);
    assert!(
        run.stderr.contains("\"images/notes.jpg\" is not an image"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("JPEG, PNG, WebP or GIF"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_truncated_image() {
    for (name, keep) in [("cut.jpg", 60), ("cut.png", 50)] {
        let f = Fixture::new(&with_avatar(&format!("images/{name}")), None);
        let bytes = if name.ends_with(".png") {
            let mut png = Vec::new();
            image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(300, 300, |x, y| {
                image::Rgb([(x * 7) as u8, (y * 3) as u8, (x ^ y) as u8])
            }))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
            png
        } else {
            std::fs::read(repo().join("example-site/images/avatar.jpg")).unwrap()
        };
        let cut = &bytes[..bytes.len() * keep / 100];
        std::fs::write(f.path().join("images").join(name), cut).unwrap();
        let run = build_fails(&f);
        assert!(
            run.stderr.contains("profile.toml:6:10"),
            "{name}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("the image \"images/{name}\"")),
            "{name}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("cut short") || run.stderr.contains("damaged"),
            "{name}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("save it again"),
            "{name}: {}",
            run.stderr
        );
    }
}

/// A PNG header (with a correct checksum) for an image of `w`×`h`.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut crc = flate2::Crc::new();
    crc.update(&ihdr);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc.sum().to_be_bytes());
    for (kind, data) in [
        (&b"IDAT"[..], vec![0x78, 0x9c, 0x03, 0, 0, 0, 0, 1]),
        (b"IEND", vec![]),
    ] {
        let mut chunk = kind.to_vec();
        chunk.extend(&data);
        let mut crc = flate2::Crc::new();
        crc.update(&chunk);
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(&chunk);
        png.extend(crc.sum().to_be_bytes());
    }
    png
}

#[test]
fn an_enormous_image() {
    let f = Fixture::new(&with_avatar("images/huge.png"), None);
    // 8000×6000: under the per-side limit, over 40 megapixels
    std::fs::write(f.path().join("images/huge.png"), png_header(8000, 6000)).unwrap();
    let run = build_fails(&f);
    assert!(run.stderr.contains("profile.toml:6:10"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("\"images/huge.png\" is 8000×6000 pixels (48 megapixels)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("at most 40 megapixels"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_product_image_names_products_toml() {
    let products = PRODUCT.replace("serum-b5.jpg", "broken.jpg");
    let f = Fixture::new(BASE_PROFILE, Some(&products));
    let bytes = std::fs::read(repo().join("example-site/images/serum-b5.jpg")).unwrap();
    std::fs::write(
        f.path().join("images/broken.jpg"),
        &bytes[..bytes.len() / 2],
    )
    .unwrap();
    let run = build_fails(&f);
    assert!(run.stderr.contains("products.toml:5:9"), "{}", run.stderr);
    assert!(run.stderr.contains("images/broken.jpg"), "{}", run.stderr);
}

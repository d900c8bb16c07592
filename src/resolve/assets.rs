//! The images of one creator: which files the image pipeline must make
//! (sizes, formats, icons, the sharing card), and how templates show them.
//! Pure: names come from content hashes (see `images::plan`).

use super::items::Prepared;
use super::{ImageCopy, Img};
use crate::images;
use crate::model::*;

/// The creator's images: what to make, the avatar as shown, the card's name.
pub(super) struct Assets {
    pub images: Vec<ImageCopy>,
    pub avatar: Option<Img>,
    pub og_out: String,
}

pub(super) fn plan(site: &Site, base_url: &str, prepared: &[Prepared]) -> Assets {
    let handle = &site.handle.value;
    let root = crate::text::root_path(base_url);
    let avatar = site
        .avatar
        .as_ref()
        .map(|a| image_out(a, images::Kind::Avatar, &site.name.value, &root));
    let mut images: Vec<ImageCopy> = Vec::new();
    let mut add = |src: Option<&ImageInput>, make: images::Make, out: String| {
        if !images.iter().any(|c| c.out == out) {
            images.push(ImageCopy {
                src: src.cloned(),
                make,
                out,
            });
        }
    };
    let mut add_image = |i: &ImageInput, kind: images::Kind| {
        for side in images::sides(kind.css_width(), i.width.min(i.height)) {
            for format in [images::Format::WebP, images::fallback(i)] {
                add(
                    Some(i),
                    images::Make::Square { side, format },
                    images::square_name(i, side, format),
                );
            }
        }
    };
    if let Some(a) = &site.avatar {
        add_image(a, images::Kind::Avatar);
    }
    for p in prepared.iter().filter(|p| p.visible) {
        if let Some(i) = &p.item.image {
            add_image(i, images::Kind::Product);
        }
    }
    // Icons and the sharing card, from the avatar (or the initial) and name.
    let og_out = images::og_name(site.avatar.as_ref(), &site.name.value, handle);
    if let Some(a) = &site.avatar {
        add(Some(a), images::Make::Favicon, "favicon.ico".into());
    }
    add(
        site.avatar.as_ref(),
        images::Make::TouchIcon {
            letter: images::initial(&site.name.value, handle),
        },
        "apple-touch-icon.png".into(),
    );
    add(
        site.avatar.as_ref(),
        images::Make::OgCard {
            name: site.name.value.clone(),
            handle: handle.clone(),
        },
        og_out.clone(),
    );

    Assets {
        images,
        avatar,
        og_out,
    }
}

/// What a template needs to show an image: the names [`images`] will make,
/// as `srcset`s with their widths, from the site root `root`.
pub(super) fn image_out(i: &ImageInput, kind: images::Kind, alt: &str, root: &str) -> Img {
    let sides = images::sides(kind.css_width(), i.width.min(i.height));
    let fallback = images::fallback(i);
    let srcset = |format| {
        sides
            .iter()
            .map(|s| format!("{root}{} {s}w", images::square_name(i, *s, format)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Img {
        src: images::square_name(i, sides[0], fallback),
        width: sides[0],
        height: sides[0],
        alt: alt.to_string(),
        srcset: srcset(fallback),
        webp_srcset: srcset(images::Format::WebP),
        large: images::square_name(i, sides[sides.len() - 1], fallback),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn without_images_a_creator_still_gets_icons_and_a_card() {
        let r = resolve(BASE);
        let outs: Vec<&str> = r.images.iter().map(|i| i.out.as_str()).collect();
        assert!(outs.contains(&"apple-touch-icon.png"), "{outs:?}");
        assert!(outs
            .iter()
            .any(|o| o.starts_with("assets/og.") && o.ends_with(".png")));
        // no avatar: no favicon.ico (the letter favicon.svg is written instead)
        assert!(!outs.contains(&"favicon.ico"));
        assert!(r.pages[0]
            .og_image
            .as_deref()
            .is_some_and(|o| o.starts_with("https://linh.example/assets/og.")));
    }
}

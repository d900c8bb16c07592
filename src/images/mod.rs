//! The image pipeline: avatars and product images resized to the sizes the
//! themes show them at (1x and 2x), re-encoded to WebP with a JPEG or PNG
//! fallback, and the icons and Open Graph card drawn from the avatar.
//!
//! Two halves. The planning half ([`plan`]) is pure and runs in `resolve`:
//! output names are fingerprints of the source's content hash and the
//! parameters, so the HTML can name every file before a pixel is decoded.
//! The making half ([`Images`], in `make`, with the drawing of the sharing
//! card in `card` and of a campaign brief's poster in `poster`) runs when a
//! build writes: it decodes each source once,
//! makes what is missing and keeps it in a cache directory beside the
//! output, keyed by content hash and parameters. An unchanged image is never
//! encoded twice: not by two creators of one build (a once-per-key map
//! shared by the rayon workers) and not by the next build (the cache
//! directory).
//!
//! Re-encoding drops all metadata (EXIF, GPS, XMP, ICC): the encoders write
//! pixels only. EXIF orientation is applied first.
//!
//! Why WebP and not AVIF: libwebp (the `webp` crate, C compiled by `cc`) adds
//! seconds to a build of biopage and encodes a 720 px image in milliseconds;
//! the AVIF encoders (rav1e through `ravif`) add minutes of compile time and
//! are 10 to 100 times slower per image, for files only ~20% smaller at these
//! sizes, where every browser a page targets decodes WebP. The `image`
//! crate's own WebP encoder is lossless only, four to ten times larger.

mod card;
mod deflate;
mod fastpng;
mod glyphs;
mod make;
pub mod plan;
mod poster;

pub use card::og_card;
pub use make::{cache_dir, decode, encode, ico, png_fast, Images};
pub use plan::*;
pub use poster::{poster, PosterText, POSTER_HEIGHT, POSTER_WIDTH};

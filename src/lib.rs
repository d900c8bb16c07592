//! biopage: a creator's TOML profile and products become a static
//! link-in-bio page whose every outbound link is tagged for attribution.
//!
//! The pipeline (see DESIGN.md): [`load`] → [`resolve`] → [`render`] → [`emit`].

pub mod agency;
pub mod analytics;
pub mod campaign;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod diag;
pub mod emit;
pub mod fault;
pub mod files;
pub mod hash;
pub mod hosts;
pub mod i18n;
pub mod icons;
pub mod images;
pub mod incremental;
pub mod input;
pub mod load;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod networks;
pub mod online;
pub mod pipeline;
pub mod qr;
pub mod render;
pub mod report;
pub mod resolve;
pub mod serve;
pub mod style;
pub mod text;
pub mod themes;
pub mod tracking;

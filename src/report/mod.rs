//! `biopage report`: closes the loop from tagged link to sale.
//!
//! The identifiers biopage puts into every tagged URL and click event
//! (creator, channel, link) are the join keys. The report rebuilds every
//! creator's links in memory (hidden ones too), reads networks' conversion
//! exports and analytics exports as streams, attributes each row by exact
//! match of what the network echoes back, and aggregates per creator,
//! channel, link and day. I/O stays at the edges (`run`, the readers and
//! writers); attribution and aggregation are pure.

pub mod config;
pub mod date;
pub mod keys;
pub mod money;

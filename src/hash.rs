//! Content hashes (a leaf: it imports nothing of biopage's).

/// The whole SHA-256 of a file, hex: what the image cache is keyed by, where
/// a collision would show one creator's picture on another's page.
pub fn full_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A short, stable content hash for fingerprinted file names.
pub fn short_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest[..5].iter().map(|b| format!("{b:02x}")).collect()
}

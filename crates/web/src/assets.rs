//! The static files the pages load, embedded in the binary: no CDN and no files to deploy.
//!
//! Each asset is addressed by a URL that carries a hash of its bytes (`/assets/app.js?v=…`), so
//! browsers may keep it forever and a new binary's assets are fetched fresh. The same hash is
//! the `ETag`.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// One embedded file.
pub struct Asset {
    /// The name under `/assets/`.
    pub name: &'static str,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The bytes.
    pub bytes: &'static [u8],
    /// The same bytes gzip-compressed, for large vendored files shipped that way.
    pub gzip: Option<&'static [u8]>,
}

impl Asset {
    /// A strong `ETag` (quoted) derived from the bytes.
    pub fn etag(&self) -> &'static str {
        &hashes()[self.index()].1
    }

    /// The URL pages link: the path plus a version query that changes with the bytes.
    pub fn url(&self) -> String {
        format!("/assets/{}?v={}", self.name, &hashes()[self.index()].0)
    }

    fn index(&self) -> usize {
        ASSETS
            .iter()
            .position(|a| a.name == self.name)
            .unwrap_or_default()
    }
}

/// The page script.
pub const APP_JS: Asset = Asset {
    name: "app.js",
    content_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("../assets/app.js"),
    gzip: None,
};

/// The page style sheet (light and dark).
pub const APP_CSS: Asset = Asset {
    name: "app.css",
    content_type: "text/css; charset=utf-8",
    bytes: include_bytes!("../assets/app.css"),
    gzip: None,
};

/// RapiDoc, the interactive OpenAPI reference (vendored from npm by `web/vendor.sh`).
pub const RAPIDOC_JS: Asset = Asset {
    name: "rapidoc-min.js",
    content_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("../assets/vendor/rapidoc-min.js"),
    gzip: Some(include_bytes!("../assets/vendor/rapidoc-min.js.gz")),
};

/// RapiDoc's licence, served next to it.
pub const RAPIDOC_LICENSE: Asset = Asset {
    name: "rapidoc-LICENSE.txt",
    content_type: "text/plain; charset=utf-8",
    bytes: include_bytes!("../assets/vendor/rapidoc-LICENSE.txt"),
    gzip: None,
};

/// The icon.
pub const FAVICON: Asset = Asset {
    name: "favicon.svg",
    content_type: "image/svg+xml",
    bytes: include_bytes!("../assets/favicon.svg"),
    gzip: None,
};

/// Every asset, in one list.
pub const ASSETS: [Asset; 5] = [APP_JS, APP_CSS, RAPIDOC_JS, RAPIDOC_LICENSE, FAVICON];

/// The asset served as `/assets/{name}`.
pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// Per asset: a short hex version and the quoted ETag, computed once.
fn hashes() -> &'static [(String, String)] {
    static HASHES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    HASHES.get_or_init(|| {
        ASSETS
            .iter()
            .map(|asset| {
                let digest = Sha256::digest(asset.bytes);
                let hex = orquestra_idl::hex::encode(&digest[..8]);
                let etag = format!("\"{hex}\"");
                (hex[..12].to_string(), etag)
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_found_by_name_with_its_own_version() {
        for asset in &ASSETS {
            let found = find(asset.name).map(|a| a.name);
            assert_eq!(found, Some(asset.name));
            assert!(asset
                .url()
                .starts_with(&format!("/assets/{}?v=", asset.name)));
        }
        assert_ne!(APP_JS.etag(), APP_CSS.etag());
        assert!(find("../Cargo.toml").is_none());
    }

    #[test]
    fn the_gzip_copy_is_the_same_file() {
        // The first bytes of a gzip member, and its trailer's size field (mod 2^32).
        let gz = RAPIDOC_JS.gzip.unwrap_or_default();
        assert_eq!(&gz[..2], &[0x1f, 0x8b]);
        let size = gz[gz.len() - 4..]
            .iter()
            .rev()
            .fold(0usize, |n, b| (n << 8) | usize::from(*b));
        assert_eq!(size, RAPIDOC_JS.bytes.len());
    }
}

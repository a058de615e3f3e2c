//! Arbitrary text through `FilterOptions::parse_patch_path`: no panic; every accepted path
//! prints to text that parses back to the same path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit_filter::FilterOptions;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = FilterOptions::lenient();
    let Ok(path) = options.parse_patch_path(text) else {
        return;
    };
    let printed = path.to_string();
    let reparsed = options
        .parse_patch_path(&printed)
        .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which fails: {e}"));
    assert_eq!(reparsed, path, "{text:?} -> {printed:?}");
    assert_eq!(reparsed.to_string(), printed);
});

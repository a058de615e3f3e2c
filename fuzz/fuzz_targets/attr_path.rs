//! Arbitrary text through `FilterOptions::parse_attr_path` and `parse_attr_path_list`: no
//! panic; an accepted path prints back to exactly the text it came from (attribute paths have
//! no optional spaces or case changes in the printer); accepted lists print and re-parse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit_filter::FilterOptions;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = FilterOptions::strict();
    if let Ok(path) = options.parse_attr_path(text) {
        assert_eq!(path.to_string(), text);
        assert_eq!(options.parse_attr_path(&path.to_string()).unwrap(), path);
    }
    if let Ok(list) = options.parse_attr_path_list(text) {
        let printed: Vec<String> = list.iter().map(ToString::to_string).collect();
        let reparsed = options.parse_attr_path_list(&printed.join(",")).unwrap();
        assert_eq!(reparsed, list);
    }
});

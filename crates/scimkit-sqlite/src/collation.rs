//! The `scim_fold` collation: string order of case-folded text, as the evaluator folds it.

use std::cmp::Ordering;

/// The collation's name, as used in `COLLATE scim_fold`.
pub(crate) const FOLD: &str = "scim_fold";

/// Compares the Unicode lower-case mappings of `a` and `b` by code point: exactly how
/// [`scimkit_filter::Matcher`] and [`scimkit_filter::Sorter`] compare strings that are not
/// caseExact (`str::to_lowercase`, no locale). SQLite's own `NOCASE` folds ASCII only.
/// ASCII text takes an allocation-free path.
pub(crate) fn fold_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        let a = a.bytes().map(|c| c.to_ascii_lowercase());
        return a.cmp(b.bytes().map(|c| c.to_ascii_lowercase()));
    }
    a.to_lowercase().cmp(&b.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_like_the_evaluator() {
        assert_eq!(fold_cmp("ADA", "ada"), Ordering::Equal);
        assert_eq!(fold_cmp("Zoë", "ZOË"), Ordering::Equal);
        assert_eq!(fold_cmp("\u{212A}elvin", "kelvin"), Ordering::Equal);
        assert_eq!(fold_cmp("a", "B"), Ordering::Less);
        assert_eq!(fold_cmp("ab", "A"), Ordering::Greater);
        assert_eq!(fold_cmp("é", "f"), Ordering::Greater, "code point order");
    }
}

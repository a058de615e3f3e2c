//! The keys of one PATCH value object, checked for two that write one place.
//!
//! A path-less `add` / `replace` (RFC 7644 §3.5.2.1, §3.5.2.3) writes each key of its value
//! in turn, so two keys on one target, or on overlapping targets (`name` and
//! `name.givenName`, an extension object and one of its attributes, one filter twice), would
//! silently keep only the later write. Names are case-insensitive (RFC 7643 §2.1), so
//! `title` and `TITLE` are one target. Such a value is refused, naming both keys, as a
//! resource with one attribute given twice is. Keys on disjoint targets (`name.givenName`
//! and `name.familyName`; `emails[type eq "work"].value` and `emails[type eq "home"].value`)
//! are fine.

use scimkit_schema::ScimError;

use crate::target::Target;

/// The targets written so far by one value object, each as a path of canonical parts with
/// the key as sent.
#[derive(Default)]
pub(crate) struct KeysSeen {
    seen: Vec<(Vec<String>, String)>,
}

impl KeysSeen {
    /// Records that `key` writes `target`.
    ///
    /// # Errors
    /// 400 `invalidSyntax` when an earlier key writes the same place, or a place inside or
    /// around it, naming both keys.
    pub(crate) fn claim(&mut self, target: &Target<'_>, key: &str) -> Result<(), ScimError> {
        self.claim_path(path_of(target), key)
    }

    /// [`claim`](Self::claim) for a path of canonical parts (an extension's attribute
    /// written from inside the extension's object: `[urn, name]`).
    pub(crate) fn claim_path(&mut self, path: Vec<String>, key: &str) -> Result<(), ScimError> {
        if let Some((_, first)) = self.seen.iter().find(|(other, _)| overlap(other, &path)) {
            return Err(ScimError::invalid_syntax(format!(
                "value keys {first:?} and {key:?} both write {}; each attribute may be given \
                 once (names are case-insensitive, RFC 7643 §2.1)",
                path.join(".").replace(".[", "[")
            )));
        }
        self.seen.push((path, key.to_owned()));
        Ok(())
    }
}

/// Whether one path is the other or inside it.
fn overlap(a: &[String], b: &[String]) -> bool {
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// The canonical parts of what `target` writes: the extension URN for extension attributes,
/// the attribute, a filter (printed, ASCII-lowercased: `type eq "work"` and
/// `TYPE EQ "WORK"` count as one, erring toward refusing), the sub-attribute.
fn path_of(target: &Target<'_>) -> Vec<String> {
    match target {
        Target::Extension(schema) => vec![schema.id.to_ascii_lowercase()],
        Target::Unknown(name) => vec![name.to_ascii_lowercase()],
        Target::Attr(attr) => {
            let mut path = Vec::new();
            if let Some(urn) = attr.extension_key() {
                path.push(urn.to_ascii_lowercase());
            }
            path.push(attr.attribute.name.clone());
            path.extend(attr.sub_attribute.map(|sub| sub.name.clone()));
            path
        }
        Target::Filtered(filtered) => {
            let mut path = Vec::new();
            if let Some(urn) = filtered.attr.extension_key() {
                path.push(urn.to_ascii_lowercase());
            }
            path.push(filtered.attr.attribute.name.clone());
            path.push(format!(
                "[{}]",
                filtered.filter.to_string().to_ascii_lowercase()
            ));
            path.extend(filtered.sub.map(|sub| sub.name.clone()));
            path
        }
    }
}

#[cfg(test)]
mod tests {
    use super::overlap;

    fn path(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|p| (*p).to_owned()).collect()
    }

    #[test]
    fn a_path_overlaps_itself_and_what_is_inside_it() {
        let name = path(&["name"]);
        let given = path(&["name", "givenName"]);
        let family = path(&["name", "familyName"]);
        assert!(overlap(&name, &name));
        assert!(overlap(&name, &given) && overlap(&given, &name));
        assert!(!overlap(&given, &family));
        let work = path(&["emails", "[type eq \"work\"]", "value"]);
        let home = path(&["emails", "[type eq \"home\"]", "value"]);
        assert!(!overlap(&work, &home));
        assert!(overlap(&path(&["emails"]), &work));
    }
}

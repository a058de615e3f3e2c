//! Attribute locations for error details, built on the stack and formatted only on error.

use std::fmt;

/// Where a value sits in a resource: `emails[1].value`,
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Loc<'a> {
    /// The resource itself.
    Root,
    /// An extension object, by URN.
    Extension(&'a str),
    /// An attribute or sub-attribute under its parent.
    Attr(&'a Loc<'a>, &'a str),
    /// An element of a multi-valued attribute (0-based).
    Index(&'a Loc<'a>, usize),
}

impl fmt::Display for Loc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loc::Root => Ok(()),
            Loc::Extension(urn) => f.write_str(urn),
            Loc::Attr(Loc::Root, name) => f.write_str(name),
            Loc::Attr(parent @ Loc::Extension(_), name) => write!(f, "{parent}:{name}"),
            Loc::Attr(parent, name) => write!(f, "{parent}.{name}"),
            Loc::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_paths_in_attribute_notation() {
        let emails = Loc::Attr(&Loc::Root, "emails");
        let first = Loc::Index(&emails, 1);
        assert_eq!(Loc::Attr(&first, "value").to_string(), "emails[1].value");
        let ext = Loc::Extension("urn:x:Ext");
        let manager = Loc::Attr(&ext, "manager");
        assert_eq!(
            Loc::Attr(&manager, "value").to_string(),
            "urn:x:Ext:manager.value"
        );
    }
}

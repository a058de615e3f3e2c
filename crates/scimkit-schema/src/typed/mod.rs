//! Typed structs for the RFC 7643 core resources (User, Group, the enterprise extension and
//! their complex attributes), with lossless conversion to and from the generic resource (a
//! `serde_json::Value` object).
//!
//! Losslessness: every struct keeps the attributes it does not name in `extra` (flattened,
//! so they are written back where they were), and every optional attribute is a
//! [`Field`], which keeps "absent", `null` and "set" apart. Key order may change.

mod address;
mod enterprise;
mod field;
mod group;
mod meta;
mod multi_value;
mod name;
mod resource_ref;
mod user;

pub use address::Address;
pub use enterprise::{EnterpriseUser, Manager};
pub use field::Field;
pub use group::Group;
pub use meta::Meta;
pub use multi_value::{
    Email, Entitlement, Im, MultiValue, PhoneNumber, Photo, Role, X509Certificate,
};
pub use name::Name;
pub use resource_ref::{GroupMembership, Member, ResourceRef};
pub use user::User;

use serde_json::Value;

use crate::error::ScimError;

macro_rules! generic_conversions {
    ($type:ident, $what:literal) => {
        impl $type {
            #[doc = concat!("Reads a ", $what, " from the generic resource (a JSON object).")]
            ///
            /// # Errors
            /// 400 `invalidValue` when the value is not an object or an attribute this struct
            /// names has the wrong JSON type; the detail names it.
            pub fn from_value(value: Value) -> Result<$type, ScimError> {
                serde_json::from_value(value).map_err(|e| {
                    ScimError::invalid_value(format!(concat!("not a valid ", $what, ": {}"), e))
                })
            }

            #[doc = concat!("Writes the ", $what, " as the generic resource (a JSON object).")]
            pub fn to_value(&self) -> Value {
                serde_json::to_value(self)
                    .expect("typed resources have string keys and always serialize")
            }
        }

        impl TryFrom<Value> for $type {
            type Error = ScimError;
            fn try_from(value: Value) -> Result<$type, ScimError> {
                $type::from_value(value)
            }
        }

        impl From<&$type> for Value {
            fn from(resource: &$type) -> Value {
                resource.to_value()
            }
        }
    };
}

generic_conversions!(User, "User");
generic_conversions!(Group, "Group");
generic_conversions!(EnterpriseUser, "enterprise User extension");

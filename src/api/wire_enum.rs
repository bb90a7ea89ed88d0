//! ZITADEL enums on the wire: emitted as their proto names, accepted as names or numbers
//! (grpc-gateway accepts both), and unknown values fall back to the `UNSPECIFIED` member so
//! that a newer server with a new enum value never breaks decoding.

/// Defines a wire enum. The first member must be the `UNSPECIFIED` (zero) one.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $first:ident = ($first_num:literal, $first_str:literal),
            $( $variant:ident = ($num:literal, $str:literal) ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            #[default]
            $first,
            $( $variant ),*
        }

        impl $name {
            /// Every member, in proto order.
            pub const ALL: &'static [$name] = &[$name::$first, $( $name::$variant ),*];

            /// The proto name, as ZITADEL writes it in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $name::$first => $first_str,
                    $( $name::$variant => $str ),*
                }
            }

            /// The proto number.
            pub fn number(self) -> i32 {
                match self {
                    $name::$first => $first_num,
                    $( $name::$variant => $num ),*
                }
            }

            /// Looks a member up by proto name; `None` for an unknown name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $first_str => Some($name::$first),
                    $( $str => Some($name::$variant), )*
                    _ => None,
                }
            }

            /// Looks a member up by proto number; `None` for an unknown number.
            pub fn from_number(n: i64) -> Option<Self> {
                match n {
                    $first_num => Some($name::$first),
                    $( $num => Some($name::$variant), )*
                    _ => None,
                }
            }

            /// True for the zero member, which ZITADEL leaves out of its JSON.
            pub fn is_unspecified(&self) -> bool {
                *self == $name::$first
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = serde_json::Value::deserialize(d)?;
                Ok(match &v {
                    serde_json::Value::String(s) => Self::from_name(s).unwrap_or_default(),
                    serde_json::Value::Number(n) => n
                        .as_i64()
                        .and_then(Self::from_number)
                        .unwrap_or_default(),
                    serde_json::Value::Null => Self::default(),
                    _ => {
                        return Err(serde::de::Error::custom(concat!(
                            "expected a name or number for ",
                            stringify!($name)
                        )))
                    }
                })
            }
        }
    };
}

pub(crate) use wire_enum;

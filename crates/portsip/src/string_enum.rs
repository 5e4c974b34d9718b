//! String enums of the PortSIP API that survive values this client does not know yet.
//!
//! PortSIP adds enum values between releases; a response carrying one must still parse, and a
//! value read from the PBX must be written back unchanged. Every enum generated here therefore
//! has an `Other(String)` variant holding the wire text verbatim.

/// Declares `pub enum Name { Variant = "WIRE", … }` plus `Other(String)`, with `as_str`,
/// `Display`, `From<&str>` and string (de)serialization.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this version of the client does not know, kept verbatim; it is sent
            /// back exactly as received.
            Other(String),
        }

        impl $name {
            /// The value as PortSIP writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(raw) => raw,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(raw: &str) -> Self {
                match raw {
                    $( $wire => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(raw.as_ref()))
            }
        }
    };
}

pub(crate) use string_enum;

#[cfg(test)]
mod tests {
    string_enum! {
        /// Test enum.
        pub enum Colour {
            /// Red.
            Red = "RED",
            /// Dark blue.
            DarkBlue = "DARK_BLUE",
        }
    }

    #[test]
    fn known_values_map_to_variants_both_ways() -> Result<(), serde_json::Error> {
        let parsed: Vec<Colour> = serde_json::from_str(r#"["RED","DARK_BLUE"]"#)?;
        assert_eq!(parsed, vec![Colour::Red, Colour::DarkBlue]);
        assert_eq!(serde_json::to_string(&parsed)?, r#"["RED","DARK_BLUE"]"#);
        Ok(())
    }

    #[test]
    fn unknown_values_are_kept_verbatim_and_sent_back_unchanged() -> Result<(), serde_json::Error> {
        let parsed: Colour = serde_json::from_str(r#""ULTRAVIOLET""#)?;
        assert_eq!(parsed, Colour::Other("ULTRAVIOLET".to_owned()));
        assert_eq!(serde_json::to_string(&parsed)?, r#""ULTRAVIOLET""#);
        assert_eq!(parsed.to_string(), "ULTRAVIOLET");
        Ok(())
    }

    #[test]
    fn matching_is_exact_as_on_the_wire() {
        assert_eq!(Colour::from("red"), Colour::Other("red".to_owned()));
    }
}

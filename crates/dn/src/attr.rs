//! Attribute types: the short names MQ shows, their OIDs, and which SSLPEER may filter on.

/// A DN attribute type MQ names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AttrType {
    /// The short name MQ shows (`CN`, `OU`, `E`, ...).
    pub name: &'static str,
    /// The dotted OID.
    pub oid: &'static str,
    /// Other names accepted when parsing (`ST`: `SP`, `S`; `E`: `MAIL`, `EMAILADDRESS`).
    pub aliases: &'static [&'static str],
    /// Whether an SSLPEER filter may name it.
    pub filterable: bool,
    /// Whether a DN may hold it more than once with significant order (OU, DC).
    pub repeatable: bool,
}

const fn t(
    name: &'static str,
    oid: &'static str,
    aliases: &'static [&'static str],
    filterable: bool,
    repeatable: bool,
) -> AttrType {
    AttrType { name, oid, aliases, filterable, repeatable }
}

/// Every attribute type with a name, in no particular order.
#[rustfmt::skip]
pub static ATTRIBUTES: &[AttrType] = &[
    t("CN", "2.5.4.3", &["COMMONNAME"], true, false),
    t("SN", "2.5.4.4", &["SURNAME"], false, false),
    t("SERIALNUMBER", "2.5.4.5", &[], true, false),
    t("C", "2.5.4.6", &["COUNTRYNAME"], true, false),
    t("L", "2.5.4.7", &["LOCALITYNAME"], true, false),
    t("ST", "2.5.4.8", &["SP", "S", "STATEORPROVINCENAME"], true, false),
    t("STREET", "2.5.4.9", &["STREETADDRESS"], true, false),
    t("O", "2.5.4.10", &["ORGANIZATIONNAME"], true, false),
    t("OU", "2.5.4.11", &["ORGANIZATIONALUNITNAME"], true, true),
    t("T", "2.5.4.12", &["TITLE"], true, false),
    t("PC", "2.5.4.17", &["POSTALCODE"], true, false),
    t("GN", "2.5.4.42", &["GIVENNAME"], false, false),
    t("DNQ", "2.5.4.46", &["DNQUALIFIER"], true, false),
    t("UID", "0.9.2342.19200300.100.1.1", &["USERID"], true, false),
    t("DC", "0.9.2342.19200300.100.1.25", &["DOMAINCOMPONENT"], true, true),
    t("E", "1.2.840.113549.1.9.1", &["MAIL", "EMAIL", "EMAILADDRESS"], true, false),
    t("UNSTRUCTUREDNAME", "1.2.840.113549.1.9.2", &[], true, false),
    t("UNSTRUCTUREDADDRESS", "1.2.840.113549.1.9.8", &[], true, false),
];

/// Looks up a type by name or alias, ignoring case.
pub fn by_name(name: &str) -> Option<&'static AttrType> {
    ATTRIBUTES
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name) || a.aliases.iter().any(|x| x.eq_ignore_ascii_case(name)))
}

/// Looks up a type by dotted OID.
pub fn by_oid(oid: &str) -> Option<&'static AttrType> {
    ATTRIBUTES.iter().find(|a| a.oid == oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms() {
        for n in ["ST", "SP", "S", "st"] {
            assert_eq!(by_name(n).unwrap().name, "ST");
        }
        assert_eq!(by_name("MAIL").unwrap().name, "E");
        assert_eq!(by_name("userid").unwrap().name, "UID");
        assert_eq!(by_oid("2.5.4.11").unwrap().name, "OU");
        assert!(by_name("X").is_none());
    }

    #[test]
    fn only_mq_filterable_attributes_are_marked() {
        let filterable: Vec<_> = ATTRIBUTES.iter().filter(|a| a.filterable).map(|a| a.name).collect();
        assert_eq!(filterable.len(), 16);
        assert!(!filterable.contains(&"GN") && !filterable.contains(&"SN"));
    }
}

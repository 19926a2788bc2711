//! RFC 4514 strings of X.509 names (the subjects and issuers people and the server see),
//! written exactly as `x509-cert`'s `Display` writes them, but from a table of the attribute
//! types a name holds instead of `const-oid`'s database of every known OID: the database and its
//! search were about a sixth of the crypto chunk. The table is `const-oid`'s shortest names of
//! the attribute arcs (X.520 `2.5.4`, PKCS #9, RFC 4524, Microsoft's jurisdiction attributes);
//! a test checks it against the database, so the strings stay the ones already stored.
use std::fmt::Write as _;

use der::Tagged as _;
use der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;

/// (OID, name) of the attribute types that may appear in a name.
pub(crate) const ATTRIBUTE_NAMES: &[(&str, &str)] = &[
    ("0.9.2342.19200300.100.1.1", "UID"),
    ("0.9.2342.19200300.100.1.2", "TEXTENCODEDORADDRESS"),
    ("0.9.2342.19200300.100.1.3", "MAIL"),
    ("0.9.2342.19200300.100.1.4", "INFO"),
    ("0.9.2342.19200300.100.1.5", "DRINK"),
    ("0.9.2342.19200300.100.1.6", "ROOMNUMBER"),
    ("0.9.2342.19200300.100.1.7", "PHOTO"),
    ("0.9.2342.19200300.100.1.8", "USERCLASS"),
    ("0.9.2342.19200300.100.1.9", "HOST"),
    ("0.9.2342.19200300.100.1.10", "MANAGER"),
    ("0.9.2342.19200300.100.1.11", "DOCUMENTIDENTIFIER"),
    ("0.9.2342.19200300.100.1.12", "DOCUMENTTITLE"),
    ("0.9.2342.19200300.100.1.13", "DOCUMENTVERSION"),
    ("0.9.2342.19200300.100.1.14", "DOCUMENTAUTHOR"),
    ("0.9.2342.19200300.100.1.15", "DOCUMENTLOCATION"),
    ("0.9.2342.19200300.100.1.20", "HOMEPHONE"),
    ("0.9.2342.19200300.100.1.21", "SECRETARY"),
    ("0.9.2342.19200300.100.1.22", "OTHERMAILBOX"),
    ("0.9.2342.19200300.100.1.23", "LASTMODIFIEDTIME"),
    ("0.9.2342.19200300.100.1.24", "LASTMODIFIEDBY"),
    ("0.9.2342.19200300.100.1.25", "DC"),
    ("0.9.2342.19200300.100.1.26", "ARECORD"),
    ("0.9.2342.19200300.100.1.27", "MDRECORD"),
    ("0.9.2342.19200300.100.1.28", "MXRECORD"),
    ("0.9.2342.19200300.100.1.29", "NSRECORD"),
    ("0.9.2342.19200300.100.1.30", "SOARECORD"),
    ("0.9.2342.19200300.100.1.31", "CNAMERECORD"),
    ("0.9.2342.19200300.100.1.37", "ASSOCIATEDDOMAIN"),
    ("0.9.2342.19200300.100.1.38", "ASSOCIATEDNAME"),
    ("0.9.2342.19200300.100.1.39", "HOMEPOSTALADDRESS"),
    ("0.9.2342.19200300.100.1.40", "PERSONALTITLE"),
    ("0.9.2342.19200300.100.1.41", "MOBILE"),
    ("0.9.2342.19200300.100.1.42", "PAGER"),
    ("0.9.2342.19200300.100.1.43", "CO"),
    ("0.9.2342.19200300.100.1.44", "UNIQUEIDENTIFIER"),
    ("0.9.2342.19200300.100.1.45", "ORGANIZATIONALSTATUS"),
    ("0.9.2342.19200300.100.1.46", "JANETMAILBOX"),
    ("0.9.2342.19200300.100.1.47", "MAILPREFERENCEOPTION"),
    ("0.9.2342.19200300.100.1.48", "BUILDINGNAME"),
    ("0.9.2342.19200300.100.1.49", "DSAQUALITY"),
    ("0.9.2342.19200300.100.1.50", "SINGLELEVELQUALITY"),
    ("0.9.2342.19200300.100.1.51", "SUBTREEMINIMUMQUALITY"),
    ("0.9.2342.19200300.100.1.52", "SUBTREEMAXIMUMQUALITY"),
    ("0.9.2342.19200300.100.1.53", "PERSONALSIGNATURE"),
    ("0.9.2342.19200300.100.1.54", "DITREDIRECT"),
    ("0.9.2342.19200300.100.1.55", "AUDIO"),
    ("0.9.2342.19200300.100.1.56", "DOCUMENTPUBLISHER"),
    ("0.9.2342.19200300.100.1.60", "JPEGPHOTO"),
    ("1.2.840.113549.1.9.0", "PKCS-9-MO"),
    ("1.2.840.113549.1.9.1", "EMAIL"),
    ("1.2.840.113549.1.9.2", "PKCS-9-AT-UNSTRUCTUREDNAME"),
    ("1.2.840.113549.1.9.3", "ID-CONTENTTYPE"),
    ("1.2.840.113549.1.9.4", "ID-MESSAGEDIGEST"),
    ("1.2.840.113549.1.9.5", "ID-SIGNINGTIME"),
    ("1.2.840.113549.1.9.6", "ID-COUNTERSIGNATURE"),
    ("1.2.840.113549.1.9.7", "PKCS-9-AT-CHALLENGEPASSWORD"),
    ("1.2.840.113549.1.9.8", "PKCS-9-AT-UNSTRUCTUREDADDRESS"),
    (
        "1.2.840.113549.1.9.9",
        "PKCS-9-AT-EXTENDEDCERTIFICATEATTRIBUTES",
    ),
    ("1.2.840.113549.1.9.10", "PKCS-9-AT-ISSUERANDSERIALNUMBER"),
    ("1.2.840.113549.1.9.11", "PKCS-9-AT-PASSWORDCHECK"),
    ("1.2.840.113549.1.9.12", "PKCS-9-AT-PUBLICKEY"),
    ("1.2.840.113549.1.9.13", "PKCS-9-AT-SIGNINGDESCRIPTION"),
    ("1.2.840.113549.1.9.14", "ID-EXTENSIONREQ"),
    ("1.2.840.113549.1.9.15", "SMIMECAPABILITIES"),
    ("1.2.840.113549.1.9.16", "SMIME"),
    ("1.2.840.113549.1.9.20", "PKCS-9-AT-FRIENDLYNAME"),
    ("1.2.840.113549.1.9.21", "PKCS-9-AT-LOCALKEYID"),
    ("1.2.840.113549.1.9.22", "CERTTYPES"),
    ("1.2.840.113549.1.9.23", "CRLTYPES"),
    ("1.2.840.113549.1.9.24", "PKCS-9-OC"),
    ("1.2.840.113549.1.9.25", "PKCS-9-AT"),
    ("1.2.840.113549.1.9.26", "PKCS-9-SX"),
    ("1.2.840.113549.1.9.27", "PKCS-9-MR"),
    ("1.2.840.113549.1.9.52", "ID-AA-CMSALGORITHMPROTECT"),
    ("2.5.4.0", "OBJECTCLASS"),
    ("2.5.4.1", "ALIASEDOBJECTNAME"),
    ("2.5.4.2", "KNOWLEDGEINFORMATION"),
    ("2.5.4.3", "CN"),
    ("2.5.4.4", "SN"),
    ("2.5.4.5", "SERIALNUMBER"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.9", "STREET"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.12", "TITLE"),
    ("2.5.4.13", "DESCRIPTION"),
    ("2.5.4.14", "SEARCHGUIDE"),
    ("2.5.4.15", "BUSINESSCATEGORY"),
    ("2.5.4.16", "POSTALADDRESS"),
    ("2.5.4.17", "POSTALCODE"),
    ("2.5.4.18", "POSTOFFICEBOX"),
    ("2.5.4.19", "PHYSICALDELIVERYOFFICENAME"),
    ("2.5.4.20", "TELEPHONENUMBER"),
    ("2.5.4.21", "TELEXNUMBER"),
    ("2.5.4.22", "TELETEXTERMINALIDENTIFIER"),
    ("2.5.4.23", "FACSIMILETELEPHONENUMBER"),
    ("2.5.4.24", "X121ADDRESS"),
    ("2.5.4.25", "INTERNATIONALISDNNUMBER"),
    ("2.5.4.26", "REGISTEREDADDRESS"),
    ("2.5.4.27", "DESTINATIONINDICATOR"),
    ("2.5.4.28", "PREFERREDDELIVERYMETHOD"),
    ("2.5.4.29", "PRESENTATIONADDRESS"),
    ("2.5.4.30", "SUPPORTEDAPPLICATIONCONTEXT"),
    ("2.5.4.31", "MEMBER"),
    ("2.5.4.32", "OWNER"),
    ("2.5.4.33", "ROLEOCCUPANT"),
    ("2.5.4.34", "SEEALSO"),
    ("2.5.4.35", "USERPASSWORD"),
    ("2.5.4.36", "USERCERTIFICATE"),
    ("2.5.4.37", "CACERTIFICATE"),
    ("2.5.4.38", "AUTHORITYREVOCATIONLIST"),
    ("2.5.4.39", "CERTIFICATEREVOCATIONLIST"),
    ("2.5.4.40", "CROSSCERTIFICATEPAIR"),
    ("2.5.4.41", "NAME"),
    ("2.5.4.42", "GN"),
    ("2.5.4.43", "INITIALS"),
    ("2.5.4.44", "GENERATIONQUALIFIER"),
    ("2.5.4.45", "X500UNIQUEIDENTIFIER"),
    ("2.5.4.46", "DNQUALIFIER"),
    ("2.5.4.47", "ENHANCEDSEARCHGUIDE"),
    ("2.5.4.48", "PROTOCOLINFORMATION"),
    ("2.5.4.49", "DISTINGUISHEDNAME"),
    ("2.5.4.50", "UNIQUEMEMBER"),
    ("2.5.4.51", "HOUSEIDENTIFIER"),
    ("2.5.4.52", "SUPPORTEDALGORITHMS"),
    ("2.5.4.53", "DELTAREVOCATIONLIST"),
    ("2.5.4.54", "DMDNAME"),
    ("2.5.4.65", "PSEUDONYM"),
    ("2.5.4.72", "ID-AT-ROLE"),
];

/// The name of an attribute type: its OID's entry in [`ATTRIBUTE_NAMES`].
fn attribute_name(oid: &str) -> Option<&'static str> {
    ATTRIBUTE_NAMES
        .iter()
        .find(|(o, _)| *o == oid)
        .map(|(_, name)| *name)
}

/// `CN=…,OU=…,O=…` of `name` (its last RDN first, RFC 4514 § 2.1).
pub fn name_to_string(name: &Name) -> String {
    let mut out = String::new();
    let rdns: Vec<_> = name.iter_rdn().collect();
    for (i, rdn) in rdns.into_iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.as_ref().iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            write_attribute(&mut out, atv);
        }
    }
    out
}

fn write_attribute(out: &mut String, atv: &AttributeTypeAndValue) {
    use der::Tag;
    let value = &atv.value;
    let text = match value.tag() {
        Tag::PrintableString => PrintableStringRef::try_from(value).ok().map(|s| s.as_str()),
        Tag::Utf8String => Utf8StringRef::try_from(value).ok().map(|s| s.as_str()),
        Tag::Ia5String => Ia5StringRef::try_from(value).ok().map(|s| s.as_str()),
        Tag::TeletexString => TeletexStringRef::try_from(value).ok().map(|s| s.as_str()),
        _ => None,
    };
    let oid = atv.oid.to_string();
    match (attribute_name(&oid), text) {
        (Some(key), Some(text)) => {
            out.push_str(key);
            out.push('=');
            let mut chars = text.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                match c {
                    '#' if i == 0 => out.push_str("\\#"),
                    ' ' if i == 0 || chars.peek().is_none() => out.push_str("\\ "),
                    '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                        out.push('\\');
                        out.push(c);
                    }
                    '\x00'..='\x1f' | '\x7f' => {
                        let _ = write!(out, "\\{:02x}", c as u8);
                    }
                    _ => out.push(c),
                }
            }
        }
        // Unknown types and values that are not strings: the OID and the value's DER in hex.
        _ => {
            out.push_str(&oid);
            out.push_str("=#");
            let der = der::Encode::to_der(value).unwrap_or_default();
            out.push_str(&crate::cert::hex(&der));
        }
    }
}

#[cfg(test)]
mod tests {
    use der::{Decode as _, Encode as _};
    use x509_cert::name::Name;

    use super::{ATTRIBUTE_NAMES, name_to_string};
    use crate::der_out::tlv;

    const ARCS: [&str; 4] = [
        "2.5.4",
        "1.2.840.113549.1.9",
        "0.9.2342.19200300.100.1",
        "1.3.6.1.4.1.311.60.2.1",
    ];

    /// A name of RDNs, each a list of (OID, value TLV).
    fn name(rdns: &[&[(&str, Vec<u8>)]]) -> Name {
        let mut seq = Vec::new();
        for rdn in rdns {
            let mut set = Vec::new();
            for (oid, value) in *rdn {
                let oid = der::asn1::ObjectIdentifier::new(oid)
                    .expect("oid")
                    .to_der()
                    .expect("der");
                set.extend(tlv(0x30, &[oid, value.clone()].concat()));
            }
            seq.extend(tlv(0x31, &set));
        }
        Name::from_der(&tlv(0x30, &seq)).expect("name")
    }

    /// `x509-cert`'s string of the same name (with `const-oid`'s database).
    fn reference(name: &Name) -> String {
        name.to_string()
    }

    #[test]
    fn the_table_is_the_databases_shortest_names_of_the_attribute_arcs() {
        use const_oid::db::DB;
        let mut found = 0;
        for arc in ARCS {
            for n in 0..=200 {
                let oid = format!("{arc}.{n}");
                let parsed = der::asn1::ObjectIdentifier::new(&oid).expect("oid");
                let shortest = DB
                    .find_names_for_oid(parsed)
                    .fold(None::<&str>, |best, m| match best {
                        Some(b) if m.len() >= b.len() => Some(b),
                        _ => Some(m),
                    })
                    .map(str::to_ascii_uppercase);
                let ours = ATTRIBUTE_NAMES
                    .iter()
                    .find(|(o, _)| *o == oid)
                    .map(|(_, n)| (*n).to_owned());
                assert_eq!(ours, shortest, "{oid}");
                // And the whole string, escaping included, as x509-cert writes it.
                let value = tlv(0x0C, "#a, b+c\"<;>\\ \u{1}ä ".as_bytes());
                let name = name(&[&[(&oid, value)]]);
                assert_eq!(name_to_string(&name), reference(&name), "{oid}");
                found += usize::from(ours.is_some());
            }
        }
        assert_eq!(found, ATTRIBUTE_NAMES.len(), "every entry lies in the arcs");
    }

    #[test]
    fn names_of_several_rdns_string_types_and_non_strings() {
        let printable = |s: &str| tlv(0x13, s.as_bytes());
        let utf8 = |s: &str| tlv(0x0C, s.as_bytes());
        let ia5 = |s: &str| tlv(0x16, s.as_bytes());
        let name = name(&[
            &[("2.5.4.6", printable("DE"))],
            &[("2.5.4.10", utf8("ITSG TrustCenter (Demo)"))],
            &[
                ("2.5.4.5", printable("42")),
                ("2.5.4.11", utf8("IK109905003")),
            ],
            &[("1.2.840.113549.1.9.1", ia5("a@b.de"))],
            // organizationIdentifier: not in the table, shown as OID and DER.
            &[("2.5.4.97", utf8("VATDE-123"))],
            // A value that is no string.
            &[("2.5.4.3", tlv(0x02, &[1, 0]))],
            &[("2.5.4.3", utf8("Datenannahmestelle Nordrhein"))],
        ]);
        let ours = name_to_string(&name);
        assert_eq!(ours, reference(&name));
        assert_eq!(
            ours,
            "CN=Datenannahmestelle Nordrhein,2.5.4.3=#02020100,2.5.4.97=#0c095641544445\
             2d313233,EMAIL=a@b.de,SERIALNUMBER=42+OU=IK109905003,O=ITSG TrustCenter (Demo),C=DE"
        );
        let empty = Name::from_der(&tlv(0x30, &[])).expect("empty");
        assert_eq!(name_to_string(&empty), "");
    }
}

//! German wording that depends on a count or a grammatical gender, in one place for the server
//! and the SPA ("1 Sekunde", "2 Sekunden"; "ein 9-stelliges Institutionskennzeichen").

/// `n` with the singular or plural noun phrase: `count(1, "offene Anforderung", "offene
/// Anforderungen")` → "1 offene Anforderung".
pub fn count(n: u64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

/// The singular or the plural form alone (for verbs and words after the number).
pub fn pick<'a>(n: u64, singular: &'a str, plural: &'a str) -> &'a str {
    if n == 1 { singular } else { plural }
}

/// Grammatical gender of a German noun, for articles and adjective endings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Feminine,
    Masculine,
    Neuter,
}

impl Gender {
    /// Indefinite article in the accusative ("eine", "einen", "ein").
    pub fn indefinite_accusative(self) -> &'static str {
        match self {
            Gender::Feminine => "eine",
            Gender::Masculine => "einen",
            Gender::Neuter => "ein",
        }
    }

    /// Ending of an adjective after the indefinite article in the accusative ("9-stellige",
    /// "9-stelligen", "9-stelliges").
    pub fn adjective_ending_accusative(self) -> &'static str {
        match self {
            Gender::Feminine => "e",
            Gender::Masculine => "en",
            Gender::Neuter => "es",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(1, "Sekunde", "Sekunden"), "1 Sekunde");
        assert_eq!(count(0, "Sekunde", "Sekunden"), "0 Sekunden");
        assert_eq!(count(30, "Sekunde", "Sekunden"), "30 Sekunden");
        assert_eq!(
            count(1, "offene Anforderung", "offene Anforderungen"),
            "1 offene Anforderung"
        );
        assert_eq!(pick(1, "läuft", "laufen"), "läuft");
        assert_eq!(pick(2, "läuft", "laufen"), "laufen");
    }

    #[test]
    fn articles_follow_the_gender() {
        assert_eq!(Gender::Neuter.indefinite_accusative(), "ein");
        assert_eq!(Gender::Feminine.adjective_ending_accusative(), "e");
        assert_eq!(Gender::Neuter.adjective_ending_accusative(), "es");
    }
}

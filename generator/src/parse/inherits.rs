//! Where the docs state a type's base in prose: "Inherits from [x](x.md)." at the
//! start of a paragraph or inside it, "This resource type inherits from [x]",
//! "This type will inherit from [x]", "… inherits the properties from [x]",
//! "The **drive** resource is derived from [baseItem]", "It is derived from
//! microsoft.graph.x", "… derives from [x]"; and a Properties row noted
//! "Inherited from [x]". The reverse wordings ("types inherit from this type",
//! "is inherited by [x]") name derived types, not a base, and are not read here.

use super::blocks::Inline;
use super::cells::{clean_word, link_stem};
use super::TypeRef;

/// Verb phrases whose subject is the page's own type (singular, so "other types
/// inherit from this one" does not match), each followed by the base.
const STATED: &[&str] = &[
    "inherits all the properties from",
    "inherits all properties from",
    "inherits the properties from",
    "inherits properties from",
    "inherits from",
    "will inherit from",
    "is derived from",
    "derives from",
];

/// Words after the phrase that point back instead of naming a type.
const NOT_A_TYPE: &[&str] = &["this", "here", "that", "it", "the", "a", "an", "base"];

/// Words before the phrase that make another type its subject ("[x], which will
/// inherit from this type").
const OTHER_SUBJECT: &[&str] = &["which", "that", "they", "who"];

/// Words between the phrase and a link that still name the link as the base
/// ("Inherits from base class [x]").
const LEAD_WORDS: usize = 3;

/// The base a paragraph states for the page's type, if it states one.
pub fn stated_base(text: &Inline, line: u32) -> Option<TypeRef> {
    let lower = text.text.to_ascii_lowercase();
    STATED
        .iter()
        .filter_map(|p| find_word(&lower, p).map(|at| (at, p.len())))
        .filter(|&(at, _)| {
            let before = lower[..at].split_whitespace().next_back().unwrap_or("");
            !OTHER_SUBJECT.contains(&before.trim_matches(|c: char| !c.is_alphanumeric()))
        })
        .min()
        .and_then(|(at, len)| named_at(text, at + len, line))
}

/// The type a property row's description says it is inherited from.
pub fn inherited_from(desc: &Inline, line: u32) -> Option<TypeRef> {
    let lower = desc.text.to_ascii_lowercase();
    let at = find_word(&lower, "inherited from")?;
    named_at(desc, at + "inherited from".len(), line)
}

/// Byte offset of `phrase` in `lower` where it starts a word.
fn find_word(lower: &str, phrase: &str) -> Option<usize> {
    lower
        .match_indices(phrase)
        .map(|(i, _)| i)
        .find(|&i| !matches!(lower[..i].chars().next_back(), Some(c) if c.is_alphanumeric()))
}

/// The type named at byte `at` of the text: a link whose label starts within the
/// next few words, else the bare word there (`Inherits from directoryObject.`).
fn named_at(text: &Inline, at: usize, line: u32) -> Option<TypeRef> {
    let rest = text.text.get(at..)?;
    let sentence = rest.split(". ").next().unwrap_or(rest);
    let linked = text.links.iter().find_map(|l| {
        let label = l.label.trim_matches(['*', '`', ' ']);
        let pos = sentence.find(label).filter(|_| !label.is_empty())?;
        let words_before = sentence[..pos].split_whitespace().count();
        (words_before <= LEAD_WORDS).then(|| (clean_word(label), link_stem(&l.dest)))
    });
    let (name, link) = match linked {
        Some((name, link)) if !name.is_empty() => (name, link),
        _ => (
            clean_word(rest.trim_start().trim_start_matches(['*', '`', '['])),
            None,
        ),
    };
    if name.is_empty() || NOT_A_TYPE.contains(&name.to_ascii_lowercase().as_str()) {
        return None;
    }
    Some(TypeRef {
        name,
        link,
        collection: false,
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::super::blocks::Link;
    use super::*;

    fn inline(text: &str, links: &[(&str, &str)]) -> Inline {
        Inline {
            text: text.into(),
            links: links
                .iter()
                .map(|(l, d)| Link {
                    label: (*l).into(),
                    dest: (*d).into(),
                })
                .collect(),
            ..Inline::default()
        }
    }

    fn base(text: &str, links: &[(&str, &str)]) -> Option<(String, Option<String>)> {
        stated_base(&inline(text, links), 1).map(|r| (r.name, r.link))
    }

    #[test]
    fn every_wording_of_a_stated_base() {
        let dobj = [("directoryObject", "directoryobject.md")];
        let want = Some((
            "directoryObject".to_string(),
            Some("directoryobject".to_string()),
        ));
        assert_eq!(base("Inherits from directoryObject.", &dobj), want);
        assert_eq!(
            base(
                "Represents a user account. Inherits from directoryObject.",
                &dobj
            ),
            want
        );
        assert_eq!(
            base("This resource type inherits from directoryObject.", &dobj),
            want
        );
        assert_eq!(
            base("This type will inherit from directoryObject.", &dobj),
            want
        );
        assert_eq!(
            base(
                "The x resource inherits the properties from directoryObject, and more.",
                &dobj
            ),
            want
        );
        let item = [("baseItem", "baseitem.md")];
        assert_eq!(
            base("The drive resource is derived from baseItem and inherits properties from that resource.", &item),
            Some(("baseItem".into(), Some("baseitem".into())))
        );
        let flow = [("identityUserFlow", "identityuserflow.md")];
        assert_eq!(
            base("Inherits from base class identityUserFlow.", &flow),
            Some(("identityUserFlow".into(), Some("identityuserflow".into())))
        );
        assert_eq!(
            base(
                "A rule. It is derived from microsoft.graph.policyRule.",
                &[]
            ),
            Some(("microsoft.graph.policyRule".into(), None))
        );
    }

    #[test]
    fn reverse_wordings_name_no_base() {
        assert_eq!(base("The a and b types inherit from this type.", &[]), None);
        assert_eq!(
            base("An abstract type that is inherited by a and b.", &[]),
            None
        );
        assert_eq!(
            base("A base type for policy types to inherit from.", &[]),
            None
        );
        assert_eq!(base("Policies inherit from here.", &[]), None);
        assert_eq!(
            base("A singleton that inherits from base policy type.", &[]),
            None
        );
        let other = [("openIdConnectProvider", "openidconnectprovider.md")];
        assert_eq!(
            base(
                "It is an openIdConnectProvider, which will inherit from identityProvider.",
                &other
            ),
            None
        );
        assert_eq!(base("Nothing about bases.", &[]), None);
    }

    #[test]
    fn a_row_note_names_the_declaring_type() {
        let d = inline("The id. Inherited from entity.", &[("entity", "entity.md")]);
        let r = inherited_from(&d, 7).expect("a type");
        assert_eq!(
            (r.name.as_str(), r.link.as_deref(), r.line),
            ("entity", Some("entity"), 7)
        );
    }
}

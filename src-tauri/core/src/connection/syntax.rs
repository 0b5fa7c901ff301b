//! Small lexical helpers shared by the parser and the validator: quoting user text safely in
//! messages, HTTP header tokens, near-miss key suggestions, URL facts.

use url::{Host, Url};

/// Longest excerpt of user text a message quotes (a 1 MB name must not make a 1 MB message).
const SHOW_MAX_CHARS: usize = 60;

/// User text for a message: in backticks, cut to a readable length, with invisible or
/// direction-changing characters spelt out (`\u{202e}`) so the message shows what is really there.
pub fn show(text: &str) -> String {
    let mut out = String::from("`");
    for (count, c) in text.chars().enumerate() {
        if count == SHOW_MAX_CHARS {
            out.push('…');
            break;
        }
        if is_hidden_char(c) {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}

/// Control characters, bidirectional overrides/isolates and zero-width characters: they make
/// two different strings look the same.
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// RFC 7230 `tchar`: what a header field name may contain.
pub fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Why `name` is not a header token, for a message; `None` when it is one.
pub fn header_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".to_string());
    }
    let bad = name.chars().find(|c| !is_tchar(*c))?;
    let what = match bad {
        ' ' | '\t' => "a space".to_string(),
        ':' => "a colon (write the name without `:`)".to_string(),
        c if is_hidden_char(c) => format!("the invisible character U+{:04X}", c as u32),
        c if !c.is_ascii() => format!("the non-ASCII character `{c}`"),
        c => format!("`{c}`"),
    };
    Some(format!(
        "contains {what}; header names may only use letters, digits and !#$%&'*+-.^_`|~"
    ))
}

/// Why `value` cannot be sent as a header value; `None` when it can.
pub fn header_value_problem(value: &str) -> Option<&'static str> {
    if value.contains(['\r', '\n']) {
        Some("contains a line break (CR or LF), which would split the HTTP header")
    } else if value.contains('\0') {
        Some("contains a NUL character")
    } else if value.chars().any(|c| c.is_control() && c != '\t') {
        Some("contains a control character")
    } else {
        None
    }
}

/// How a key relates to the keys a shape knows.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyMatch<'k> {
    /// Exactly a known key.
    Exact,
    /// A known key in another case.
    WrongCase(&'k str),
    /// Close to a known key (edit distance, ignoring case).
    Misspelt(&'k str),
    Unknown,
}

/// Compares `key` with `known` keys: exact, other case, or a near miss.
pub fn match_key<'k>(key: &str, known: &[&'k str]) -> KeyMatch<'k> {
    if known.contains(&key) {
        return KeyMatch::Exact;
    }
    if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        return KeyMatch::WrongCase(k);
    }
    let lower = key.to_lowercase();
    known
        .iter()
        .filter_map(|k| {
            let budget = if k.len() >= 8 { 2 } else { 1 };
            let d = edit_distance(&lower, &k.to_lowercase(), budget)?;
            Some((d, *k))
        })
        .min_by_key(|(d, _)| *d)
        .map_or(KeyMatch::Unknown, |(_, k)| KeyMatch::Misspelt(k))
}

/// Edit distance (Levenshtein, with a swap of two neighbours counting as one edit) when it is
/// at most `budget`, else `None`. Cheap on long input: a length difference beyond the budget is
/// rejected before any work.
pub fn edit_distance(a: &str, b: &str, budget: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().take(256).collect();
    let b: Vec<char> = b.chars().take(256).collect();
    if a.len().abs_diff(b.len()) > budget {
        return None;
    }
    // d[i][j]: distance between a[..i] and b[..j].
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    let distance = d[a.len()][b.len()];
    (distance <= budget).then_some(distance)
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A loopback host: `localhost` (and `*.localhost`), 127.0.0.0/8, `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => {
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            domain == "localhost" || domain.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `scheme://host[:port]` with the port only when it is not the scheme's default.
pub fn origin(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// Same scheme, host and effective port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host() == b.host()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// `scheme://` at the start: the text is an absolute URL, not a path.
pub fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// Text that is obviously not a secret: a `<placeholder>`, a mask, a template reference.
pub fn looks_like_placeholder(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with('<') && v.ends_with('>'))
        || (!v.is_empty() && v.chars().all(|c| matches!(c, '*' | '•' | '●' | 'x' | 'X')))
        || (v.starts_with("${") && v.ends_with('}'))
        || (v.starts_with("{{") && v.ends_with("}}"))
        || (v.starts_with("[parameters(") && v.ends_with(")]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_quotes_truncates_and_spells_out_hidden_characters() {
        assert_eq!(show("abc"), "`abc`");
        assert_eq!(show("a\u{202e}b\0"), "`a\\u{202e}b\\u{0000}`");
        let long = "x".repeat(1_000_000);
        assert_eq!(show(&long).chars().count(), SHOW_MAX_CHARS + 3);
    }

    #[test]
    fn key_matching() {
        let known = [
            "listModelsEndpoint",
            "getModelEndpoint",
            "deploymentProvider",
        ];
        assert_eq!(match_key("getModelEndpoint", &known), KeyMatch::Exact);
        assert_eq!(
            match_key("listmodelsendpoint", &known),
            KeyMatch::WrongCase("listModelsEndpoint")
        );
        assert_eq!(
            match_key("listModelEndpoint", &known),
            KeyMatch::Misspelt("listModelsEndpoint")
        );
        assert_eq!(match_key("colour", &known), KeyMatch::Unknown);
        assert_eq!(match_key(&"y".repeat(1_000_000), &known), KeyMatch::Unknown);
    }

    #[test]
    fn edit_distance_respects_budget() {
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        assert_eq!(edit_distance("", "", 0), Some(0));
        assert_eq!(edit_distance("modle", "model", 1), Some(1));
    }

    #[test]
    fn header_tokens() {
        assert!(header_name_problem("X-Client-App").is_none());
        assert!(header_name_problem("X Client").is_some());
        assert!(header_name_problem("").is_some());
        assert!(header_name_problem("Ключ").is_some());
        assert!(header_name_problem("a:b").unwrap().contains("colon"));
        assert!(header_value_problem("a\r\nb").is_some());
        assert!(header_value_problem("a\tb").is_none());
    }

    #[test]
    fn guids_and_placeholders() {
        assert!(is_guid("00000000-0000-0000-0000-000000000000"));
        assert!(is_guid("8f9A0c1e-1111-2222-3333-444455556666"));
        assert!(!is_guid("0oa1b2c3d4EXAMPLE"));
        assert!(looks_like_placeholder("<APIM subscription key>"));
        assert!(looks_like_placeholder("********"));
        assert!(!looks_like_placeholder("sk-123"));
    }

    #[test]
    fn loopback_and_origin() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(is_loopback(&u("http://localhost:8080/x")));
        assert!(is_loopback(&u("http://127.3.4.5/")));
        assert!(is_loopback(&u("http://[::1]:9000/")));
        assert!(!is_loopback(&u("http://10.0.0.1/")));
        assert!(same_origin(
            &u("https://a.com/x"),
            &u("https://a.com:443/y")
        ));
        assert!(!same_origin(
            &u("https://a.com/x"),
            &u("https://a.com:8443/y")
        ));
        assert_eq!(origin(&u("https://a.com:8443/x?y")), "https://a.com:8443");
        assert!(has_scheme("https://a"));
        assert!(!has_scheme("/v1/models"));
        assert!(!has_scheme("v1/models?x=https://a"));
    }
}

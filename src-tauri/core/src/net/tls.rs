//! The one TLS trust store and the plain-words names of TLS failures.
//!
//! reqwest and the probe are given the same [`ClientConfig`], so a probe that passes means the
//! request's handshake will too. Verification is always on: there is no other verifier here.

use std::sync::{Arc, OnceLock};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::{self, PemObject};
use rustls::{AlertDescription, CertificateError, ClientConfig, RootCertStore};

use super::NetError;

/// The OS roots, loaded once: reading the system store can take a noticeable moment (the
/// macOS keychain especially) and it does not change while the app runs.
fn os_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let loaded = rustls_native_certs::load_native_certs();
        for error in &loaded.errors {
            tracing::warn!(%error, "some OS root certificates could not be loaded");
        }
        loaded.certs
    })
}

/// Builds the client config: OS roots plus each labelled PEM bundle, ALPN h2 then http/1.1.
pub(crate) fn client_config(extra_ca_pem: &[(String, String)]) -> Result<ClientConfig, NetError> {
    let mut roots = RootCertStore::empty();
    let (_added, ignored) = roots.add_parsable_certificates(os_roots().iter().cloned());
    if ignored > 0 {
        tracing::debug!(ignored, "OS root certificates rustls could not use");
    }
    for (label, pem) in extra_ca_pem {
        add_bundle(&mut roots, label, pem)?;
    }

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| NetError::CaBundle(format!("the TLS settings could not be built: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Adds every certificate of one bundle, or says what is wrong with it.
fn add_bundle(roots: &mut RootCertStore, label: &str, pem: &str) -> Result<(), NetError> {
    let problem = |what: String| NetError::CaBundle(format!("CA bundle {label} {what}"));
    let mut count = 0usize;
    for (index, item) in CertificateDer::pem_slice_iter(pem.as_bytes()).enumerate() {
        let certificate = item.map_err(|e| problem(pem_problem(&e)))?;
        roots.add(certificate).map_err(|e| {
            problem(format!(
                "has a CERTIFICATE block (#{}) that is not a usable X.509 certificate: {e}",
                index + 1
            ))
        })?;
        count += 1;
    }
    if count == 0 {
        let hint = if pem.contains("-----BEGIN") {
            "it has other PEM blocks (a key?); a CA bundle holds `-----BEGIN CERTIFICATE-----` blocks"
        } else {
            "is it PEM? A DER file (.cer/.crt in binary) converts with `openssl x509 -inform der -in ca.cer -out ca.pem`"
        };
        return Err(problem(format!("contains no CERTIFICATE block: {hint}")));
    }
    Ok(())
}

fn pem_problem(error: &pem::Error) -> String {
    match error {
        pem::Error::MissingSectionEnd { .. } => {
            "is malformed: a block is not closed (missing its `-----END ...-----` line)".to_owned()
        }
        pem::Error::IllegalSectionStart { .. } => {
            "is malformed: a `-----BEGIN` line is not valid".to_owned()
        }
        pem::Error::Base64Decode(_) => {
            "is malformed: a CERTIFICATE block is not valid base64 (truncated or edited?)"
                .to_owned()
        }
        other => format!("could not be read: {other}"),
    }
}

/// Names a TLS failure in plain words. `host` is the name the certificate was checked for.
pub(crate) fn explain_tls_error(error: &rustls::Error, host: &str) -> String {
    match error {
        rustls::Error::InvalidCertificate(certificate) => explain_certificate(certificate, host),
        rustls::Error::InvalidMessage(_)
        | rustls::Error::PeerSentOversizedRecord
        | rustls::Error::InappropriateMessage { .. } => not_tls(host),
        rustls::Error::NoCertificatesPresented => {
            format!("the server at {host} presented no certificate")
        }
        rustls::Error::AlertReceived(alert) => explain_alert(*alert, host),
        rustls::Error::PeerIncompatible(detail) => format!(
            "the server at {host} and this app have no TLS settings in common ({detail:?}): the \
             server may only offer TLS 1.0/1.1 or old ciphers"
        ),
        rustls::Error::PeerMisbehaved(detail) => {
            format!("the server at {host} broke the TLS protocol ({detail:?})")
        }
        rustls::Error::DecryptError => format!(
            "the TLS connection to {host} could not be decrypted (a middlebox may be altering traffic)"
        ),
        rustls::Error::NoApplicationProtocol => {
            format!("the server at {host} accepts neither HTTP/2 nor HTTP/1.1 over TLS")
        }
        other => format!("TLS with {host} failed: {other}"),
    }
}

/// The words for a handshake that met plain HTTP (or some other protocol).
pub(crate) fn not_tls(host: &str) -> String {
    format!(
        "the server at {host} did not answer TLS — is the port plain HTTP? Use http:// or the TLS port"
    )
}

fn explain_certificate(error: &CertificateError, host: &str) -> String {
    match error {
        CertificateError::UnknownIssuer => format!(
            "the certificate of {host} is signed by a CA this machine does not trust (self-signed \
             or private CA): add the CA bundle (PEM) in Settings → Network or on the connection"
        ),
        CertificateError::NotValidForName => format!("the certificate is not valid for {host}"),
        CertificateError::NotValidForNameContext { presented, .. } if !presented.is_empty() => {
            let names: Vec<&str> = presented.iter().map(|name| presented_name(name)).collect();
            format!(
                "the certificate is not valid for {host} (it is for {})",
                names.join(", ")
            )
        }
        CertificateError::NotValidForNameContext { .. } => {
            format!("the certificate is not valid for {host}")
        }
        CertificateError::Expired => format!("the certificate of {host} has expired"),
        CertificateError::ExpiredContext { not_after, .. } => format!(
            "the certificate of {host} has expired (on {})",
            date(not_after.as_secs())
        ),
        CertificateError::NotValidYet => {
            format!("the certificate of {host} is not valid yet (check this machine's clock)")
        }
        CertificateError::NotValidYetContext { not_before, .. } => format!(
            "the certificate of {host} is not valid yet: it starts on {} (check this machine's clock)",
            date(not_before.as_secs())
        ),
        CertificateError::Revoked => format!("the certificate of {host} has been revoked"),
        CertificateError::BadSignature => format!(
            "the certificate of {host} has a signature that does not verify (corrupted, or not \
             issued by the CA it names)"
        ),
        CertificateError::BadEncoding => {
            format!("the certificate of {host} is malformed")
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            format!("the certificate of {host} is not meant for TLS servers (extended key usage)")
        }
        other => format!("the certificate of {host} was rejected: {other}"),
    }
}

/// webpki shows the certificate's names as `DnsName("a.example")`, `IpAddress(10.0.0.1)`;
/// the user wants just the name.
fn presented_name(shown: &str) -> &str {
    ["DnsName(", "IpAddress(", "UniformResourceIdentifier("]
        .into_iter()
        .find_map(|prefix| shown.strip_prefix(prefix)?.strip_suffix(')'))
        .map_or(shown, |inner| inner.trim_matches('"'))
}

fn explain_alert(alert: AlertDescription, host: &str) -> String {
    match alert {
        AlertDescription::HandshakeFailure | AlertDescription::InsufficientSecurity => format!(
            "the server at {host} refused the TLS handshake: no TLS version or cipher in common, \
             or it wants a client certificate"
        ),
        AlertDescription::ProtocolVersion => {
            format!("the server at {host} does not speak TLS 1.2 or 1.3")
        }
        AlertDescription::UnrecognisedName => {
            format!("the server does not serve the name {host} (SNI): check the host name")
        }
        AlertDescription::CertificateRequired
        | AlertDescription::BadCertificate
        | AlertDescription::NoCertificate => format!(
            "the server at {host} requires a client certificate (mutual TLS), which is not sent"
        ),
        AlertDescription::AccessDenied => format!("the server at {host} denied access during TLS"),
        other => format!("the server at {host} aborted the TLS handshake (alert {other:?})"),
    }
}

/// `YYYY-MM-DD` for a Unix time (UTC), without a date crate.
fn date(unix_seconds: u64) -> String {
    // Howard Hinnant's civil-from-days.
    let days = i64::try_from(unix_seconds / 86_400).unwrap_or(0) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
pub(super) fn date_for_tests(unix_seconds: u64) -> String {
    date(unix_seconds)
}

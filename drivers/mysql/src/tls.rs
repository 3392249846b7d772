//! TLS from the URL's `ssl-mode` (and `ssl-ca`), as the `mysql` client spells them.

use mysql::SslOpts;
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::DbError;
use std::path::PathBuf;

/// How a URL asks for TLS (`ssl-mode`, as the `mysql` client spells it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TlsMode {
    /// No TLS.
    Disabled,
    /// TLS if the server offers it, unverified; plain otherwise (the default).
    Preferred,
    /// TLS, unverified.
    Required,
    /// TLS with a certificate signed by a trusted CA, whatever its host name.
    VerifyCa,
    /// TLS with a trusted certificate for the host connected to.
    VerifyIdentity,
}

impl TlsMode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TlsMode::Disabled => "disabled",
            TlsMode::Preferred => "preferred",
            TlsMode::Required => "required",
            TlsMode::VerifyCa => "verify_ca",
            TlsMode::VerifyIdentity => "verify_identity",
        }
    }
}

pub(crate) fn tls_mode(url: &DatabaseUrl) -> Result<TlsMode, DbError> {
    let Some(value) = ["ssl-mode", "ssl_mode", "sslmode"]
        .iter()
        .find_map(|key| url.query_param(key))
    else {
        return Ok(TlsMode::Preferred);
    };
    Ok(match value.to_ascii_lowercase().replace('-', "_").as_str() {
        "disabled" | "disable" => TlsMode::Disabled,
        "preferred" | "prefer" => TlsMode::Preferred,
        "required" | "require" => TlsMode::Required,
        "verify_ca" => TlsMode::VerifyCa,
        "verify_identity" | "verify_full" => TlsMode::VerifyIdentity,
        _ => {
            return Err(DbError::new(format!(
                "ssl-mode in {} is `{value}`; expected disabled, preferred, required, verify_ca or verify_identity",
                url.redacted()
            )))
        }
    })
}

/// The TLS options of `mode`; `ssl-ca=PATH` names the CA certificate to trust (else the
/// well-known roots).
pub(crate) fn ssl_opts(url: &DatabaseUrl, mode: TlsMode) -> Option<SslOpts> {
    let unverified = matches!(mode, TlsMode::Preferred | TlsMode::Required);
    let opts = SslOpts::default()
        .with_danger_accept_invalid_certs(unverified)
        .with_danger_skip_domain_validation(unverified || mode == TlsMode::VerifyCa)
        .with_root_cert_path(
            ["ssl-ca", "ssl_ca", "sslrootcert"]
                .iter()
                .find_map(|key| url.query_param(key))
                .map(PathBuf::from),
        );
    (mode != TlsMode::Disabled).then_some(opts)
}

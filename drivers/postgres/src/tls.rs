//! TLS for PostgreSQL connections, with rustls, following libpq's `sslmode`:
//!
//! - `disable`: plain TCP;
//! - `prefer` (the default, as in libpq): TLS when the server offers it, else plain TCP;
//! - `require`: TLS or no connection. As in libpq, the certificate is not verified (the
//!   connection is encrypted, the server not authenticated) unless `sslrootcert` is given;
//! - `verify-full`: TLS with the server's certificate verified against `sslrootcert` (a PEM
//!   file) or the Mozilla roots, and its name against the host.
//!
//! `verify-ca` (a chain check without the host name) is refused with a pointer to
//! `verify-full`, rather than quietly checking more or less than asked.

use postgres::config::SslMode;
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::DbError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// What the URL asks for: the client's SSL mode and the TLS connector to use.
pub(crate) struct Tls {
    pub(crate) mode: SslMode,
    pub(crate) connector: MakeRustlsConnect,
}

/// The TLS settings of `url` (`sslmode`, `sslrootcert`).
pub(crate) fn from_url(url: &DatabaseUrl) -> Result<Tls, DbError> {
    let root_cert = url.query_param("sslrootcert");
    let (mode, verify) = match url.query_param("sslmode").unwrap_or("prefer") {
        "disable" => (SslMode::Disable, false),
        "allow" | "prefer" => (SslMode::Prefer, root_cert.is_some()),
        "require" => (SslMode::Require, root_cert.is_some()),
        "verify-full" => (SslMode::Require, true),
        "verify-ca" => {
            return Err(DbError::new(format!(
                "sslmode=verify-ca in {} is not supported: use sslmode=verify-full, which also \
                 checks the server's name, or sslmode=require",
                url.redacted()
            )))
        }
        other => {
            return Err(DbError::new(format!(
                "sslmode=`{other}` in {} is not one of disable, allow, prefer, require, \
                 verify-full",
                url.redacted()
            )))
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| DbError::new(format!("cannot set up TLS: {e}")))?;
    let config = if verify {
        builder
            .with_root_certificates(root_store(root_cert, url)?)
            .with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider)))
            .with_no_client_auth()
    };
    Ok(Tls {
        mode,
        connector: MakeRustlsConnect::new(config),
    })
}

/// The certificates of `sslrootcert`, or the Mozilla roots.
fn root_store(path: Option<&str>, url: &DatabaseUrl) -> Result<RootCertStore, DbError> {
    let mut store = RootCertStore::empty();
    let Some(path) = path else {
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        return Ok(store);
    };
    let unreadable = |e: &dyn std::fmt::Display| {
        DbError::new(format!(
            "cannot read sslrootcert `{path}` (in {}): {e}",
            url.redacted()
        ))
    };
    for certificate in CertificateDer::pem_file_iter(path).map_err(|e| unreadable(&e))? {
        store
            .add(certificate.map_err(|e| unreadable(&e))?)
            .map_err(|e| unreadable(&e))?;
    }
    if store.is_empty() {
        return Err(unreadable(&"it holds no PEM certificate"));
    }
    Ok(store)
}

/// libpq's `require` without a root certificate: the handshake's signatures are checked,
/// the certificate chain and name are not.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

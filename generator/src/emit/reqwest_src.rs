//! A [`Transport`] over reqwest with rustls (cargo feature `reqwest`), for the
//! tokio runtime.
//!
//! This file is written by docbind and is the same in every generated crate.

use super::{BoxFuture, Transport};
use crate::runtime::BoxError;
use std::time::Duration;

/// Sends requests with a `reqwest::Client` that follows no redirects (the client
/// does, deciding what goes along) and speaks TLS through rustls.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: ::reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with reqwest's defaults, but no redirects: [`ReqwestTransport::builder`], built.
    pub fn new() -> Result<Self, BoxError> {
        Ok(ReqwestTransport::from_client(
            ReqwestTransport::builder().build()?,
        ))
    }

    /// A `reqwest::ClientBuilder` that follows no redirects, to configure further
    /// (proxies, timeouts) and give to [`ReqwestTransport::from_client`]. Installs
    /// rustls' `ring` crypto provider as the process default when none is
    /// installed yet (reqwest's TLS needs one).
    pub fn builder() -> ::reqwest::ClientBuilder {
        if ::rustls::crypto::CryptoProvider::get_default().is_none() {
            // Another thread may have installed one meanwhile: either is fine.
            let _ = ::rustls::crypto::ring::default_provider().install_default();
        }
        ::reqwest::Client::builder().redirect(::reqwest::redirect::Policy::none())
    }

    /// A transport over a client configured elsewhere. It should follow no
    /// redirects (`reqwest::redirect::Policy::none()`, as
    /// [`ReqwestTransport::builder`] sets): one it follows itself keeps the
    /// request's headers as reqwest decides.
    pub fn from_client(client: ::reqwest::Client) -> Self {
        ReqwestTransport { client }
    }
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: ::http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<::http::Response<Vec<u8>>, BoxError>> {
        Box::pin(async move {
            let request = ::reqwest::Request::try_from(request)?;
            let response = self.client.execute(request).await?;
            let mut builder = ::http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = builder.headers_mut() {
                headers.extend(response.headers().clone());
            }
            let body = response.bytes().await?.to_vec();
            Ok(builder.body(body)?)
        })
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(::tokio::time::sleep(duration))
    }
}

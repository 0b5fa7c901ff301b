//! The checks a request passes before a gateway route answers, in APIM's order: API version
//! (part of matching the API), subscription key, then the credentials.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::{GatewayAuth, GatewayConfig, GatewayStyle};
use crate::dialect::{apim_error, openai_error};
use crate::server::query_param;

const APIM_MISSING_KEY: &str = "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.";
const APIM_INVALID_KEY: &str = "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.";
const APIM_INVALID_TOKEN: &str = "Unauthorized. Access token is missing or invalid.";

/// Middleware on every gateway route.
pub(super) async fn gate(
    State(config): State<Arc<GatewayConfig>>,
    request: Request,
    next: Next,
) -> Response {
    let query = request.uri().query().unwrap_or_default();
    if let Some(required) = &config.required_api_version
        && query_param(query, "api-version").as_deref() != Some(required.as_str())
    {
        return super::routes::not_found(
            config.style,
            request.method().as_str(),
            request.uri().path(),
        );
    }
    if let Some(required) = &config.required_subscription_key {
        let presented = request
            .headers()
            .get("ocp-apim-subscription-key")
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
            .or_else(|| query_param(query, "subscription-key"));
        match presented {
            None => return apim_error(StatusCode::UNAUTHORIZED, APIM_MISSING_KEY),
            Some(key) if key != *required => {
                return apim_error(StatusCode::UNAUTHORIZED, APIM_INVALID_KEY);
            }
            Some(_) => {}
        }
    }
    match check(&config.auth, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(denial) => deny(config.style, &config.auth, denial),
    }
}

/// Why credentials were refused; the presented value is kept (masked later) for the message.
enum Denial {
    Missing,
    Invalid(String),
}

fn check(auth: &GatewayAuth, headers: &HeaderMap) -> Result<(), Denial> {
    match auth {
        GatewayAuth::None => Ok(()),
        GatewayAuth::ApiKey {
            header,
            format,
            key,
        } => {
            // HeaderMap lookups ignore the case of the name; the value must match exactly.
            let presented = headers.get(header.as_str()).ok_or(Denial::Missing)?;
            let expected = format.replace("{api_key}", key);
            if presented.as_bytes() == expected.as_bytes() {
                Ok(())
            } else {
                Err(Denial::Invalid(
                    String::from_utf8_lossy(presented.as_bytes()).into_owned(),
                ))
            }
        }
        GatewayAuth::Bearer { token } => {
            let presented = bearer_token(headers).ok_or(Denial::Missing)?;
            if presented == token {
                Ok(())
            } else {
                Err(Denial::Invalid(presented.to_string()))
            }
        }
        GatewayAuth::OAuth2 { issuer } => {
            let presented = bearer_token(headers).ok_or(Denial::Missing)?;
            if issuer.accepts(presented) {
                Ok(())
            } else {
                Err(Denial::Invalid(presented.to_string()))
            }
        }
    }
}

/// The token of `Authorization: Bearer <token>` (the scheme is case-insensitive, RFC 7235).
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A key as error messages show it: the ends only.
fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

fn deny(style: GatewayStyle, auth: &GatewayAuth, denial: Denial) -> Response {
    let token_auth = matches!(
        auth,
        GatewayAuth::Bearer { .. } | GatewayAuth::OAuth2 { .. }
    );
    let mut response = match (style, token_auth, &denial) {
        (GatewayStyle::AzureOpenAi, true, _) => {
            apim_error(StatusCode::UNAUTHORIZED, APIM_INVALID_TOKEN)
        }
        (GatewayStyle::AzureOpenAi, false, Denial::Missing) => {
            apim_error(StatusCode::UNAUTHORIZED, APIM_MISSING_KEY)
        }
        (GatewayStyle::AzureOpenAi, false, Denial::Invalid(_)) => {
            apim_error(StatusCode::UNAUTHORIZED, APIM_INVALID_KEY)
        }
        (GatewayStyle::OpenAi, true, Denial::Missing) => openai_unauthorized(
            "Missing bearer authentication in header. Send 'Authorization: Bearer <access token>'.",
        ),
        (GatewayStyle::OpenAi, true, Denial::Invalid(_)) => {
            openai_unauthorized("Invalid or expired access token.")
        }
        (GatewayStyle::OpenAi, false, Denial::Missing) => {
            let header = match auth {
                GatewayAuth::ApiKey { header, .. } => header.as_str(),
                _ => "Authorization",
            };
            openai_unauthorized(&format!(
                "You didn't provide an API key. You need to provide your API key in the '{header}' header."
            ))
        }
        (GatewayStyle::OpenAi, false, Denial::Invalid(presented)) => openai_unauthorized(&format!(
            "Incorrect API key provided: {}. You can find your API key in your gateway's portal.",
            mask(presented)
        )),
    };
    if token_auth {
        let challenge = match denial {
            Denial::Missing => "Bearer",
            Denial::Invalid(_) => "Bearer error=\"invalid_token\"",
        };
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
    }
    response
}

fn openai_unauthorized(message: &str) -> Response {
    openai_error(
        StatusCode::UNAUTHORIZED,
        message,
        "invalid_request_error",
        None,
        Some("invalid_api_key"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_the_ends() {
        assert_eq!(mask("sk-1234567890abcd"), "sk-**********abcd");
        assert_eq!(mask("short"), "*****");
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer abc"),
        );
        assert_eq!(bearer_token(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
    }
}

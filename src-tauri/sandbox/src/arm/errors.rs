//! ARM's error answers: status, `{"error":{"code","message"}}` and the codes and wording Azure
//! uses. Where a code or message is known from Azure's answers it is copied; where it is
//! inferred the constructor says `[I]`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::dialect::azure_error;

/// Where ARM sends clients for a token (in `WWW-Authenticate`).
const AUTHORIZATION_URI: &str = "https://login.windows.net/";

pub(super) type ArmResult<T> = Result<T, ArmError>;

/// An error answer on its way out.
#[derive(Debug)]
pub(super) struct ArmError {
    status: StatusCode,
    code: &'static str,
    message: String,
    www_authenticate: Option<String>,
    allow: Option<String>,
}

impl ArmError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            www_authenticate: None,
            allow: None,
        }
    }

    fn unauthorized(code: &'static str, message: &str, description: &str) -> Self {
        let mut error = Self::new(StatusCode::UNAUTHORIZED, code, message);
        error.www_authenticate = Some(format!(
            "Bearer authorization_uri=\"{AUTHORIZATION_URI}\", error=\"invalid_token\", error_description=\"{description}\""
        ));
        error
    }

    pub(super) fn into_response(self) -> Response {
        let mut response = azure_error(self.status, self.code, &self.message);
        let headers = response.headers_mut();
        if let Some(value) = self
            .www_authenticate
            .and_then(|v| HeaderValue::from_str(&v).ok())
        {
            headers.insert(header::WWW_AUTHENTICATE, value);
        }
        if let Some(value) = self.allow.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(header::ALLOW, value);
        }
        response
    }

    /// No `Authorization` header.
    pub(super) fn missing_authorization() -> Self {
        Self::unauthorized(
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
            "The authentication failed because of missing 'Authorization' header.",
        )
    }

    /// An `Authorization` header that is not `Bearer <token>` [I: wording].
    pub(super) fn malformed_authorization() -> Self {
        Self::unauthorized(
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is provided in an invalid format.",
            "The authentication failed because of the 'Authorization' header is in an invalid format.",
        )
    }

    /// A bearer token ARM does not accept.
    pub(super) fn invalid_token() -> Self {
        Self::unauthorized(
            "InvalidAuthenticationToken",
            "The access token is invalid.",
            "The access token is invalid.",
        )
    }

    pub(super) fn missing_api_version() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    }

    /// A Microsoft.Resources route (subscriptions, resource groups) with an unknown version, or
    /// any route with a version that is not a date.
    pub(super) fn invalid_api_version(version: &str, supported: &[&str]) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{version}' is invalid. The supported versions are '{}'. The supported locations are ''.",
                supported.join(",")
            ),
        )
    }

    /// A resource-provider route with a version the provider did not register for the type.
    pub(super) fn no_registered_provider(
        location: &str,
        version: &str,
        resource_type: &str,
        supported: &[&str],
        locations: &[String],
    ) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "NoRegisteredProviderFound",
            format!(
                "No registered resource provider found for location '{location}' and API version '{version}' for type '{resource_type}'. The supported api-versions are '{}'. The supported locations are '{}'.",
                supported.join(", "),
                locations.join(", ")
            ),
        )
    }

    pub(super) fn invalid_subscription_id(id: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidSubscriptionId",
            format!("The provided subscription identifier '{id}' is malformed or invalid."),
        )
    }

    pub(super) fn subscription_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "SubscriptionNotFound",
            format!("The subscription '{id}' could not be found."),
        )
    }

    pub(super) fn resource_group_not_found(name: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "ResourceGroupNotFound",
            format!("Resource group '{name}' could not be found."),
        )
    }

    /// A tracked resource (account, project) that does not exist; `resource` is
    /// `Microsoft.CognitiveServices/accounts/{a}[/projects/{p}]`.
    pub(super) fn resource_not_found(resource: &str, resource_group: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!(
                "The Resource '{resource}' under resource group '{resource_group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
            ),
        )
    }

    /// A child resource asked for under a parent that does not exist; `action` is `read`,
    /// `write` or `delete`, `child_type` e.g. `accounts/projects/connections`.
    pub(super) fn parent_not_found(action: &str, child_type: &str, parent_id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "ParentResourceNotFound",
            format!(
                "Failed to perform '{action}' on resource(s) of type '{child_type}', because the parent resource '{parent_id}' could not be found."
            ),
        )
    }

    /// A deployment or connection the resource provider does not have. The deployment wording is
    /// the provider's; connections are assumed to answer the same way [I].
    pub(super) fn child_not_found(resource_id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("Specified resource '{resource_id}' cannot be found."),
        )
    }

    /// A connection name outside the spec's pattern [I: code].
    pub(super) fn invalid_connection_name(name: &str, pattern: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidResourceName",
            format!(
                "The connection name '{name}' is invalid. It must match the pattern '{pattern}': 3 to 33 letters, digits, '_' or '-', starting with a letter or digit."
            ),
        )
    }

    /// A body that is not a JSON object.
    pub(super) fn invalid_content(detail: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: '{detail}'."),
        )
    }

    /// A body that breaks the schema; `path` is the JSON path of the offending value, e.g.
    /// `properties.metadata.models` [I: code].
    pub(super) fn validation(path: &str, problem: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "ValidationError",
            format!("Invalid value for '{path}': {problem}"),
        )
    }

    /// A query parameter of the wrong type (e.g. `includeAll=yes`) [I: code].
    pub(super) fn invalid_query(name: &str, problem: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidQueryParameterValue",
            format!("Invalid value for query parameter '{name}': {problem}"),
        )
    }

    /// A `$skipToken` this list did not hand out [I: code].
    pub(super) fn invalid_skip_token(token: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidSkipToken",
            format!(
                "The skip token '{token}' is invalid for this request. Follow the nextLink of the previous page as it is."
            ),
        )
    }

    /// A method the resource does not serve (wording as ARM relays it from providers).
    pub(super) fn method_not_allowed(method: &str, path: &str, allowed: &[&str]) -> Self {
        let mut error = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("The HTTP method '{method}' is not supported on the resource '{path}'."),
        );
        error.allow = Some(allowed.join(", "));
        error
    }

    /// A resource type under `Microsoft.CognitiveServices` the emulator does not serve.
    pub(super) fn invalid_resource_type(resource_type: &str, version: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            format!(
                "The resource type '{resource_type}' could not be found in the namespace 'Microsoft.CognitiveServices' for api version '{version}'."
            ),
        )
    }

    /// A provider namespace other than `Microsoft.CognitiveServices` [I: code].
    pub(super) fn invalid_namespace(namespace: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "InvalidResourceNamespace",
            format!("The resource namespace '{namespace}' is invalid."),
        )
    }

    /// A path ARM does not serve at all.
    pub(super) fn no_route(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("The requested path {method} {path} is not served here."),
        )
    }
}

//! Model discovery bodies in both provider shapes (byo-gateway.md §4.3): OpenAI's model list
//! (`data[]` of `{"id","object":"model",...}`) and the ARM-Deployment-like `value[]` that
//! `deploymentProvider: "AzureOpenAI"` expects.

use serde_json::{Value, json};

use super::Deployment;

/// A fixed `created` timestamp: discovery answers are the same on every run.
const MODELS_CREATED: u64 = 1_715_367_049;

/// Which provider's shape a discovery answer takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    OpenAi,
    AzureOpenAi,
}

pub(super) fn list(shape: Shape, deployments: &[Deployment]) -> Value {
    match shape {
        Shape::OpenAi => json!({
            "object": "list",
            "data": deployments.iter().map(openai_model).collect::<Vec<_>>(),
        }),
        Shape::AzureOpenAi => json!({
            "value": deployments.iter().map(arm_deployment).collect::<Vec<_>>(),
        }),
    }
}

pub(super) fn single(shape: Shape, deployment: &Deployment) -> Value {
    match shape {
        Shape::OpenAi => openai_model(deployment),
        Shape::AzureOpenAi => arm_deployment(deployment),
    }
}

/// OpenAI's model object; `id` is the name calls use.
fn openai_model(deployment: &Deployment) -> Value {
    json!({
        "id": deployment.name,
        "object": "model",
        "created": MODELS_CREATED,
        "owned_by": "system",
    })
}

/// ARM's `Deployment`, as the APIM guide's discovery policies return it.
fn arm_deployment(deployment: &Deployment) -> Value {
    json!({
        "id": format!(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sandbox/providers/Microsoft.CognitiveServices/accounts/sandbox/deployments/{}",
            deployment.name
        ),
        "type": "Microsoft.CognitiveServices/accounts/deployments",
        "name": deployment.name,
        "sku": { "name": "GlobalStandard", "capacity": 10 },
        "properties": {
            "model": {
                "format": deployment.format,
                "name": deployment.model_name,
                "version": deployment.model_version,
            },
            "provisioningState": "Succeeded",
        },
    })
}

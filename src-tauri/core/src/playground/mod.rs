//! The agent playground: a conversation with a prompt agent whose model is
//! `<connection>/<deployment>`, run in Foundry (an agent version and a conversation created
//! for the test, deleted when it ends) or locally (the app plays the Agent Service and calls
//! the gateway itself, [`crate::agent_service::local`]). Each turn is recorded in
//! [`history`] with its tool calls, usage, timings and the trace run of its exchanges.

pub mod history;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use crate::agent_service::local::{
    LocalAgent, LocalDefinition, LocalError, MAX_TOOL_ROUNDS, ToolCall, function_call_output,
    function_calls,
};
use crate::agent_service::model::trace_record;
use crate::agent_service::{CredentialInputs, MODEL_FORM, RunError, sample_tool};
use crate::checks::runs::{new_run_id, now_ms};
use crate::connection::Connection;
use crate::foundry::{
    AgentReference, CreateAgentVersion, FoundryClient, FoundryError, Item, PromptAgentDefinition,
    ResponseRequest, Tool,
};
use crate::net::{Exchange, HttpClient};
use crate::oauth2::TokenClient;
use crate::trace::{Redactor, TraceExchange};
pub use history::{
    Cleanup, ConversationRecord, ConversationState, ConversationSummary, FoundryResources, History,
    HistoryError,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum PlaygroundMode {
    /// The app plays the Agent Service and calls the gateway itself.
    Local,
    /// The agent runs in the Foundry project (the sandbox's emulation, or Azure).
    Foundry,
}

impl PlaygroundMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Foundry => "foundry",
        }
    }

    pub fn parse(text: &str) -> Self {
        if text == "foundry" {
            Self::Foundry
        } else {
            Self::Local
        }
    }
}

/// The agent being tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PlaygroundSettings {
    pub deployment: String,
    pub instructions: String,
    /// Offer the sample function tool (`get_weather`).
    pub sample_tool: bool,
    pub temperature: Option<f64>,
}

impl PlaygroundSettings {
    /// The settings with the deployment trimmed, or the field that is wrong (`deployment`,
    /// `temperature`) and what to do.
    pub fn checked(&self) -> Result<Self, (&'static str, &'static str)> {
        let mut settings = self.clone();
        settings.deployment = settings.deployment.trim().to_string();
        if settings.deployment.is_empty() || settings.deployment.contains('/') {
            return Err((
                "deployment",
                "Pick the deployment to use: the part after the slash in `<connection-name>/<deployment-name>`.",
            ));
        }
        if let Some(t) = settings.temperature
            && !(0.0..=2.0).contains(&t)
        {
            return Err(("temperature", "The temperature is between 0 and 2."));
        }
        Ok(settings)
    }
}

/// The output the user gives a function call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolOutput {
    pub call_id: String,
    pub output: String,
}

/// What a turn answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum TurnInput {
    Message {
        text: String,
    },
    /// The outputs of the last turn's function calls.
    ToolOutputs {
        outputs: Vec<ToolOutput>,
    },
}

/// A function call of the model, as a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolCallView {
    pub call_id: String,
    pub name: String,
    /// JSON text, as the model wrote it.
    pub arguments: String,
    /// A made-up output for the sample tool, to keep or type over.
    pub suggested_output: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TurnUsage {
    pub input_tokens: u32,
    pub output_tokens: u32,
    pub total_tokens: u32,
}

/// Why a turn failed: the service's (or gateway's) words and what to change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TurnError {
    /// `model_not_found`, `DeploymentNotFound`, `PermissionDenied`, `gateway_error`, …
    pub code: String,
    pub message: String,
    pub fix: String,
}

/// One turn, as shown and stored. Holds no secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TurnRecord {
    pub input: TurnInput,
    pub reply: String,
    pub tool_calls: Vec<ToolCallView>,
    pub usage: Option<TurnUsage>,
    pub latency_ms: u32,
    /// When the first text arrived (streamed runs).
    pub first_token_ms: Option<u32>,
    /// `resp_…` in Foundry.
    pub response_id: Option<String>,
    /// The trace run holding this turn's exchanges.
    pub trace_run_id: String,
    pub error: Option<TurnError>,
    pub started_at_ms: u64,
}

/// What a session runs on.
enum Runner {
    Local(Box<LocalAgent>),
    Foundry(Box<FoundryRun>),
}

struct FoundryRun {
    client: FoundryClient,
    agent: AgentReference,
    conversation_id: String,
}

/// Exchanges seen during a turn, with the run they belong to.
#[derive(Clone, Default)]
struct Recorder {
    run_id: Arc<Mutex<String>>,
    records: Arc<Mutex<Vec<TraceExchange>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Recorder {
    fn push(&self, record: TraceExchange) {
        lock(&self.records).push(record);
    }

    fn gateway(&self, label: &str, exchange: &Exchange, redactor: &Redactor) {
        let run_id = lock(&self.run_id).clone();
        self.push(trace_record(&run_id, label, exchange, redactor));
    }

    /// A fresh run for the next turn; the exchanges of the last one.
    fn next_run(&self) -> (String, Vec<TraceExchange>) {
        let run_id = new_run_id();
        *lock(&self.run_id) = run_id.clone();
        (run_id, std::mem::take(&mut *lock(&self.records)))
    }

    fn take(&self) -> Vec<TraceExchange> {
        std::mem::take(&mut *lock(&self.records))
    }
}

/// What a local session runs against: the connection (as its draft or file has it), the
/// credential inputs the app holds for it, and the client and token cache to call with.
pub struct LocalStart<'a> {
    pub connection_name: &'a str,
    pub connection: Connection,
    pub inputs: CredentialInputs,
    pub http: HttpClient,
    pub tokens: &'a TokenClient,
}

/// A session that did not start: why, and the exchanges its start made (an OAuth2 token,
/// discovery), redacted, under `run_id`.
#[derive(Debug)]
pub struct StartFailure {
    pub error: TurnError,
    pub run_id: String,
    pub exchanges: Vec<TraceExchange>,
}

/// A prompt answered to the end: its turns, each function call with the output it was
/// given, and the failure that stopped it, if one did.
#[derive(Debug, Default)]
pub struct PromptRun {
    pub turns: Vec<TurnRecord>,
    pub tool_calls: Vec<ToolCall>,
    /// Every turn's exchanges, redacted, under each turn's run.
    pub traces: Vec<TraceExchange>,
    pub failure: Option<TurnError>,
}

impl PromptRun {
    /// The agent's last words.
    pub fn reply(&self) -> &str {
        self.turns.last().map(|t| t.reply.as_str()).unwrap_or("")
    }

    /// Tokens over all turns.
    pub fn usage(&self) -> TurnUsage {
        let mut sum = TurnUsage::default();
        for usage in self.turns.iter().filter_map(|t| t.usage) {
            sum.input_tokens += usage.input_tokens;
            sum.output_tokens += usage.output_tokens;
            sum.total_tokens += usage.total_tokens;
        }
        sum
    }
}

/// One open conversation.
pub struct Session {
    pub id: String,
    pub mode: PlaygroundMode,
    /// `<connection>/<deployment>`.
    pub model: String,
    pub settings: PlaygroundSettings,
    runner: Runner,
    recorder: Recorder,
}

/// The agent's function tools, in the Responses shape.
fn tools(settings: &PlaygroundSettings) -> Vec<Value> {
    if settings.sample_tool {
        vec![sample_tool::definition()]
    } else {
        Vec::new()
    }
}

/// A fresh conversation id (the history's, not Foundry's).
pub fn new_conversation_id() -> String {
    format!("conv-{}", uuid::Uuid::new_v4())
}

/// A name for the test agent: `gs-test-` and 12 random hex digits (well under 63 characters).
pub fn test_agent_name() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("gs-test-{}", &id[..12])
}

impl Session {
    /// A local session over a started [`LocalAgent`]; `started` are the exchanges its start
    /// made (token, discovery), recorded under the first turn's run.
    pub fn local(
        id: String,
        settings: PlaygroundSettings,
        agent: LocalAgent,
        started: Vec<(String, Exchange)>,
    ) -> Self {
        let recorder = Recorder::default();
        let (_, _) = recorder.next_run();
        for (label, exchange) in &started {
            recorder.gateway(label, exchange, &agent.model().redactor);
        }
        Self {
            id,
            mode: PlaygroundMode::Local,
            model: format!(
                "{}/{}",
                agent.model().connection_name,
                agent.model().deployment
            ),
            settings,
            runner: Runner::Local(Box::new(agent)),
            recorder,
        }
    }

    /// Starts a local session as the Agent Service starts a run: the credential (an OAuth2
    /// token when the connection needs one), then the deployment looked up. `prior` are the
    /// items of a conversation continued from history, checked as the service checks input.
    pub async fn start_local(
        id: String,
        settings: PlaygroundSettings,
        start: LocalStart<'_>,
        prior: &[Value],
    ) -> Result<Self, StartFailure> {
        // Known before the start, so a failed start's exchanges are redacted too.
        let mut redactor = Redactor::new();
        for secret in [&start.inputs.secret, &start.inputs.managed_identity_token]
            .into_iter()
            .flatten()
        {
            redactor.add_secret(secret);
        }
        let definition = LocalDefinition {
            instructions: Some(settings.instructions.clone()),
            tools: tools(&settings),
            temperature: settings.temperature,
        };
        let mut started: Vec<(String, Exchange)> = Vec::new();
        let agent = LocalAgent::start(
            start.http,
            start.tokens,
            start.connection_name,
            &settings.deployment,
            start.connection,
            start.inputs,
            definition,
            &mut |label: &str, exchange: &Exchange| {
                started.push((label.to_string(), exchange.clone()));
            },
        )
        .await;
        let failed = |error: TurnError, redactor: &Redactor| {
            let run_id = new_run_id();
            let exchanges = started
                .iter()
                .map(|(label, exchange)| trace_record(&run_id, label, exchange, redactor))
                .collect();
            StartFailure {
                error,
                run_id,
                exchanges,
            }
        };
        let mut agent = match agent {
            Ok(agent) => agent,
            Err(run) => return Err(failed(local_error(&run.into()), &redactor)),
        };
        if !prior.is_empty()
            && let Err(e) = agent.preload(prior)
        {
            let error = local_error(&e);
            let error = TurnError {
                code: error.code,
                message: format!("The conversation cannot be continued: {}", error.message),
                fix: "Start a new conversation instead.".into(),
            };
            return Err(failed(error, &agent.model().redactor));
        }
        Ok(Self::local(id, settings, agent, started))
    }

    /// Says `prompt`, then answers each function call with `answer(name, arguments)` and goes
    /// on until the agent replies in words. A call `answer` has no output for, or more than
    /// [`MAX_TOOL_ROUNDS`] rounds of calls, ends the run with a failure saying so.
    pub async fn run_prompt(
        &mut self,
        prompt: &str,
        answer: &(dyn Fn(&str, &str) -> Option<String> + Sync),
    ) -> PromptRun {
        let mut run = PromptRun::default();
        let mut input = TurnInput::Message {
            text: prompt.to_string(),
        };
        for round in 0..=MAX_TOOL_ROUNDS {
            // Nobody watches the text arrive: the reply is read from the record.
            let (deltas, _unwatched) = tokio::sync::mpsc::unbounded_channel();
            let (record, exchanges) = self.turn(input, deltas).await;
            run.traces.extend(exchanges);
            let calls = record.tool_calls.clone();
            run.failure = record.error.clone();
            run.turns.push(record);
            if run.failure.is_some() || calls.is_empty() {
                return run;
            }
            if round == MAX_TOOL_ROUNDS {
                break;
            }
            let mut outputs = Vec::new();
            for call in calls {
                let Some(output) = answer(&call.name, &call.arguments) else {
                    run.failure = Some(TurnError {
                        code: "invalid_request".into(),
                        message: format!(
                            "The model called the function `{}`, which has no output here.",
                            call.name
                        ),
                        fix: format!(
                            "Offer only tools whose output can be given (the sample tool `{}`).",
                            sample_tool::NAME
                        ),
                    });
                    return run;
                };
                outputs.push(ToolOutput {
                    call_id: call.call_id.clone(),
                    output: output.clone(),
                });
                run.tool_calls.push(ToolCall {
                    call_id: call.call_id,
                    name: call.name,
                    arguments: call.arguments,
                    output,
                });
            }
            input = TurnInput::ToolOutputs { outputs };
        }
        run.failure = Some(TurnError {
            code: "invalid_request".into(),
            message: format!(
                "The model kept calling functions ({MAX_TOOL_ROUNDS} rounds) without answering."
            ),
            fix: "Change the instructions so the agent answers once it has the tool's output."
                .into(),
        });
        run
    }

    /// Creates the test agent version (model `<connection>/<deployment>`) and a conversation
    /// in the project of `client`. What was created is returned as soon as it exists, so a
    /// failure half-way still leaves something to clean up.
    pub async fn foundry(
        id: String,
        settings: PlaygroundSettings,
        connection_name: &str,
        client: FoundryClient,
        prior: &[Value],
        created: &mut Option<FoundryResources>,
    ) -> Result<Self, FoundryError> {
        let recorder = Recorder::default();
        recorder.next_run();
        let client = {
            let recorder = recorder.clone();
            client.with_observer(Arc::new(
                move |seen: &crate::foundry::ObservedExchange<'_>| {
                    let run_id = lock(&recorder.run_id).clone();
                    recorder.push(seen.record(&run_id));
                },
            ))
        };
        let model = format!("{connection_name}/{}", settings.deployment);
        let name = test_agent_name();
        let mut definition = PromptAgentDefinition::new(&model, &settings.instructions);
        definition.temperature = settings.temperature;
        definition.tools = tools(&settings).into_iter().map(Tool::Other).collect();
        let mut metadata = std::collections::BTreeMap::new();
        metadata.insert("createdBy".to_string(), "gateway-studio".to_string());
        metadata.insert("conversation".to_string(), id.clone());
        let mut resources = FoundryResources {
            project_endpoint: client.endpoint().to_string(),
            agent_name: name.clone(),
            agent_version: None,
            conversation_id: None,
        };
        // Recorded before the call: a version created by a request whose answer is lost is
        // still found by its name.
        *created = Some(resources.clone());
        let version = client
            .create_agent_version(
                &name,
                &CreateAgentVersion {
                    definition,
                    description: Some("Gateway Studio playground test agent".into()),
                    metadata,
                },
            )
            .await?;
        resources.agent_version = Some(version.version.clone());
        *created = Some(resources.clone());
        // A conversation takes at most 20 items per request: the rest follow in batches.
        let mut batches = prior.chunks(crate::foundry::MAX_CONVERSATION_ITEMS);
        let conversation = client
            .create_conversation(batches.next().unwrap_or_default())
            .await?;
        resources.conversation_id = Some(conversation.id.clone());
        *created = Some(resources);
        for batch in batches {
            client
                .add_conversation_items(&conversation.id, batch)
                .await?;
        }
        Ok(Self {
            id,
            mode: PlaygroundMode::Foundry,
            model,
            settings,
            runner: Runner::Foundry(Box::new(FoundryRun {
                client,
                agent: AgentReference {
                    name,
                    version: Some(version.version),
                },
                conversation_id: conversation.id,
            })),
            recorder,
        })
    }

    /// Runs one turn. Text goes to `deltas` as it arrives. The record is the turn as stored;
    /// the exchanges are its trace (redacted), to be stored under `record.trace_run_id`.
    pub async fn turn(
        &mut self,
        input: TurnInput,
        deltas: UnboundedSender<String>,
    ) -> (TurnRecord, Vec<TraceExchange>) {
        let started_at_ms = now_ms();
        let started = Instant::now();
        let trace_run_id = lock(&self.recorder.run_id).clone();
        let outcome = match &mut self.runner {
            Runner::Local(agent) => local_turn(agent, &input, &self.recorder, &deltas).await,
            Runner::Foundry(run) => {
                foundry_turn(
                    &run.client,
                    &run.agent,
                    &run.conversation_id,
                    &input,
                    &deltas,
                )
                .await
            }
        };
        let latency_ms = started.elapsed().as_millis().min(u32::MAX as u128) as u32;
        let sample = self.settings.sample_tool;
        let record = match outcome {
            Ok(done) => TurnRecord {
                input,
                reply: done.reply,
                tool_calls: done
                    .calls
                    .into_iter()
                    .map(|(call_id, name, arguments)| ToolCallView {
                        suggested_output: (sample && name == sample_tool::NAME)
                            .then(|| sample_tool::auto_output(&arguments)),
                        call_id,
                        name,
                        arguments,
                    })
                    .collect(),
                usage: done.usage,
                latency_ms,
                first_token_ms: done.first_token_ms,
                response_id: done.response_id,
                trace_run_id: trace_run_id.clone(),
                error: None,
                started_at_ms,
            },
            Err(error) => TurnRecord {
                input,
                reply: String::new(),
                tool_calls: Vec::new(),
                usage: None,
                latency_ms,
                first_token_ms: None,
                response_id: None,
                trace_run_id: trace_run_id.clone(),
                error: Some(error),
                started_at_ms,
            },
        };
        let (_, exchanges) = self.recorder.next_run();
        (record, exchanges)
    }

    /// What the session created in Foundry, to delete when it ends.
    pub fn foundry_resources(&self) -> Option<FoundryResources> {
        match &self.runner {
            Runner::Foundry(run) => Some(FoundryResources {
                project_endpoint: run.client.endpoint().to_string(),
                agent_name: run.agent.name.clone(),
                agent_version: run.agent.version.clone(),
                conversation_id: Some(run.conversation_id.clone()),
            }),
            Runner::Local(_) => None,
        }
    }

    /// Deletes what the session created in Foundry (nothing for local ones). The exchanges
    /// are the cleanup's trace.
    pub async fn end(&mut self) -> (Result<(), String>, Vec<TraceExchange>) {
        let result = match &self.runner {
            Runner::Foundry(run) => match self.foundry_resources() {
                Some(resources) => clean_up(&run.client, &resources).await,
                None => Ok(()),
            },
            Runner::Local(_) => Ok(()),
        };
        (result, self.recorder.take())
    }
}

/// Deletes the conversation and the test agent (all its versions). Already gone is fine.
pub async fn clean_up(client: &FoundryClient, resources: &FoundryResources) -> Result<(), String> {
    let mut problems = Vec::new();
    if let Some(id) = &resources.conversation_id
        && let Err(e) = client.delete_conversation(id).await
        && e.status() != Some(404)
    {
        problems.push(format!("conversation {id}: {e}"));
    }
    if let Err(e) = client.delete_agent(&resources.agent_name).await
        && e.status() != Some(404)
    {
        problems.push(format!("agent {}: {e}", resources.agent_name));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

struct TurnDone {
    reply: String,
    calls: Vec<(String, String, String)>,
    usage: Option<TurnUsage>,
    first_token_ms: Option<u32>,
    response_id: Option<String>,
}

fn usage_of(value: &Value) -> TurnUsage {
    let count = |key: &str| value.get(key).and_then(Value::as_u64).unwrap_or(0) as u32;
    TurnUsage {
        input_tokens: count("input_tokens"),
        output_tokens: count("output_tokens"),
        total_tokens: count("total_tokens"),
    }
}

fn input_items(input: &TurnInput) -> Vec<Value> {
    match input {
        TurnInput::Message { text } => vec![crate::agent_service::items::user_message(text)],
        TurnInput::ToolOutputs { outputs } => outputs
            .iter()
            .map(|o| function_call_output(&o.call_id, &o.output))
            .collect(),
    }
}

async fn local_turn(
    agent: &mut LocalAgent,
    input: &TurnInput,
    recorder: &Recorder,
    deltas: &UnboundedSender<String>,
) -> Result<TurnDone, TurnError> {
    let mut seen: Vec<(String, Exchange)> = Vec::new();
    let result = agent
        .respond(
            input_items(input),
            &mut |label: &str, exchange: &Exchange| {
                seen.push((label.to_string(), exchange.clone()));
            },
        )
        .await;
    for (label, exchange) in &seen {
        recorder.gateway(label, exchange, &agent.model().redactor);
    }
    let turn = result.map_err(|e| local_error(&e))?;
    let reply = crate::agent_service::local::reply_text(&turn.output);
    // The gateway is called without streaming, as the service does [?]: the text comes whole.
    if !reply.is_empty() {
        let _ = deltas.send(reply.clone());
    }
    Ok(TurnDone {
        calls: function_calls(&turn.output),
        usage: Some(usage_of(&turn.usage)),
        first_token_ms: None,
        response_id: None,
        reply,
    })
}

async fn foundry_turn(
    client: &FoundryClient,
    agent: &AgentReference,
    conversation_id: &str,
    input: &TurnInput,
    deltas: &UnboundedSender<String>,
) -> Result<TurnDone, TurnError> {
    let request = ResponseRequest {
        agent_reference: agent.clone(),
        conversation: Some(conversation_id.to_string()),
        input: Value::Array(input_items(input)),
        previous_response_id: None,
    };
    let streamed = client
        .create_response_live(&request, deltas.clone())
        .await
        .map_err(|e| foundry_error(&e))?;
    let response = &streamed.response;
    let mut reply = String::new();
    let mut calls = Vec::new();
    for item in &response.output {
        match item {
            Item::Message(message) if message.role == "assistant" => {
                if !reply.is_empty() {
                    reply.push('\n');
                }
                reply.push_str(&message.text);
            }
            Item::FunctionCall(call) => calls.push((
                call.call_id.clone(),
                call.name.clone(),
                call.arguments.clone(),
            )),
            _ => {}
        }
    }
    Ok(TurnDone {
        reply,
        calls,
        usage: response.usage.map(|u| TurnUsage {
            input_tokens: u.input_tokens as u32,
            output_tokens: u.output_tokens as u32,
            total_tokens: u.total_tokens as u32,
        }),
        first_token_ms: streamed.first_delta_ms().map(|ms| ms as u32),
        response_id: Some(response.id.clone()),
    })
}

/// A local failure in the words the service would use, with the fix.
pub fn local_error(error: &LocalError) -> TurnError {
    match error {
        LocalError::Input { message, param } => TurnError {
            code: "invalid_request".into(),
            message: format!("{message} ({param})"),
            fix: "Answer every function call of the last turn, then send again.".into(),
        },
        LocalError::Run(run) => TurnError {
            code: run.code().into(),
            message: run.message().to_string(),
            fix: run_fix(run),
        },
    }
}

fn run_fix(run: &RunError) -> String {
    match run {
        RunError::ModelNotFound(_) => format!(
            "Write the agent's model as {MODEL_FORM}: the connection's name, a slash, the deployment."
        ),
        RunError::DeploymentNotFound(_) => "Use a deployment the connection lists (its static models, or one its gateway's discovery knows). Only prompt agents can use gateway models.".into(),
        RunError::Gateway(_) => "The gateway behind the connection failed: open the turn's trace to see what it answered, or run the checks on the connection.".into(),
    }
}

/// A Foundry failure with the hint the client gives (model form, role, prompt agents only).
pub fn foundry_error(error: &FoundryError) -> TurnError {
    TurnError {
        code: error
            .service_code()
            .map(str::to_string)
            .unwrap_or_else(|| error.code().to_string()),
        message: error.to_string(),
        fix: error.hint(),
    }
}

/// The items of stored turns, to continue a conversation in a new session: each answered
/// turn's input, the assistant's reply and its function calls. Failed turns are left out, as
/// the service leaves them out of a conversation.
pub fn replay_items(turns: &[TurnRecord]) -> Vec<Value> {
    let mut items = Vec::new();
    for turn in turns.iter().filter(|t| t.error.is_none()) {
        items.extend(input_items(&turn.input));
        if !turn.reply.is_empty() {
            items.push(serde_json::json!({
                "type": "message",
                "role": "assistant",
                "content": turn.reply,
            }));
        }
        for call in &turn.tool_calls {
            items.push(serde_json::json!({
                "type": "function_call",
                "call_id": call.call_id,
                "name": call.name,
                "arguments": call.arguments,
            }));
        }
    }
    // A conversation cannot end on calls nobody answered: those are dropped with their turn's
    // reply left in place.
    let answered: std::collections::BTreeSet<String> = items
        .iter()
        .filter(|i| i["type"] == "function_call_output")
        .filter_map(|i| i["call_id"].as_str().map(str::to_string))
        .collect();
    items.retain(|i| {
        i["type"] != "function_call" || i["call_id"].as_str().is_some_and(|c| answered.contains(c))
    });
    items
}

#[cfg(test)]
mod tests;

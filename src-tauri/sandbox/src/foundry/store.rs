//! What the data plane remembers: agents and their versions, conversations and responses,
//! each kept per project (compared case-insensitively, like the project names themselves).

use serde_json::Value;

#[derive(Default)]
pub(super) struct Store {
    /// Creation counter: orders lists even when `created_at` (seconds) ties.
    seq: u64,
    pub(super) agents: Vec<Agent>,
    pub(super) conversations: Vec<Conversation>,
    pub(super) responses: Vec<StoredResponse>,
}

pub(super) struct Agent {
    pub(super) project: String,
    pub(super) name: String,
    /// Version numbers are never reused, even after a version is deleted [I].
    pub(super) next_version: u64,
    pub(super) versions: Vec<AgentVersion>,
}

pub(super) struct AgentVersion {
    pub(super) version: String,
    pub(super) seq: u64,
    /// The `AgentVersionDetails` answer.
    pub(super) details: Value,
}

pub(super) struct Conversation {
    pub(super) project: String,
    pub(super) id: String,
    pub(super) created_at: u64,
    pub(super) metadata: Value,
    /// Items in the order they were added (each has an `id`).
    pub(super) items: Vec<Value>,
}

pub(super) struct StoredResponse {
    pub(super) project: String,
    pub(super) id: String,
    /// The response object as last answered.
    pub(super) body: Value,
    /// Every item the run saw, its output included: what a follow-up with
    /// `previous_response_id` continues from.
    pub(super) context: Vec<Value>,
}

fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl Store {
    pub(super) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Agent names are compared exactly [I].
    pub(super) fn agent(&self, project: &str, name: &str) -> Option<&Agent> {
        self.agents
            .iter()
            .find(|a| same(&a.project, project) && a.name == name)
    }

    pub(super) fn agent_mut(&mut self, project: &str, name: &str) -> Option<&mut Agent> {
        self.agents
            .iter_mut()
            .find(|a| same(&a.project, project) && a.name == name)
    }

    pub(super) fn remove_agent(&mut self, project: &str, name: &str) -> bool {
        let before = self.agents.len();
        self.agents
            .retain(|a| !(same(&a.project, project) && a.name == name));
        self.agents.len() != before
    }

    pub(super) fn conversation(&self, project: &str, id: &str) -> Option<&Conversation> {
        self.conversations
            .iter()
            .find(|c| same(&c.project, project) && c.id == id)
    }

    pub(super) fn conversation_mut(
        &mut self,
        project: &str,
        id: &str,
    ) -> Option<&mut Conversation> {
        self.conversations
            .iter_mut()
            .find(|c| same(&c.project, project) && c.id == id)
    }

    pub(super) fn response(&self, project: &str, id: &str) -> Option<&StoredResponse> {
        self.responses
            .iter()
            .find(|r| same(&r.project, project) && r.id == id)
    }

    /// Stores `response`, replacing one with the same id.
    pub(super) fn put_response(&mut self, response: StoredResponse) {
        match self.responses.iter_mut().find(|r| r.id == response.id) {
            Some(existing) => *existing = response,
            None => self.responses.push(response),
        }
    }
}

impl Agent {
    /// The newest version (highest number).
    pub(super) fn latest(&self) -> Option<&AgentVersion> {
        self.versions.iter().max_by_key(|v| v.seq)
    }

    pub(super) fn version(&self, version: &str) -> Option<&AgentVersion> {
        self.versions.iter().find(|v| v.version == version)
    }

    /// When the agent was first created (its oldest remaining version's seq).
    pub(super) fn seq(&self) -> u64 {
        self.versions.iter().map(|v| v.seq).min().unwrap_or(0)
    }
}

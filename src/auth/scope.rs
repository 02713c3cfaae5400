//! Authorization scopes (xAPI 1.0.3 Communication 4.2, "OAuth Authorization Scope"), plus the
//! LRS's own `analytics/read` and `admin`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One scope a credential can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Scope {
    #[serde(rename = "statements/write")]
    StatementsWrite,
    #[serde(rename = "statements/read")]
    StatementsRead,
    /// Read only the statements this credential wrote (its authority).
    #[serde(rename = "statements/read/mine")]
    StatementsReadMine,
    #[serde(rename = "all/read")]
    AllRead,
    #[serde(rename = "all")]
    All,
    #[serde(rename = "state")]
    State,
    #[serde(rename = "define")]
    Define,
    #[serde(rename = "profile")]
    Profile,
    /// The analytics REST API (`/analytics/...`), read only.
    #[serde(rename = "analytics/read")]
    AnalyticsRead,
    /// Course settings, outcome uploads, model training and activation.
    #[serde(rename = "analytics/write")]
    AnalyticsWrite,
    /// Everything, including credential management.
    #[serde(rename = "admin")]
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 11] = [
        Scope::StatementsWrite,
        Scope::StatementsRead,
        Scope::StatementsReadMine,
        Scope::AllRead,
        Scope::All,
        Scope::State,
        Scope::Define,
        Scope::Profile,
        Scope::AnalyticsRead,
        Scope::AnalyticsWrite,
        Scope::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::StatementsWrite => "statements/write",
            Scope::StatementsRead => "statements/read",
            Scope::StatementsReadMine => "statements/read/mine",
            Scope::AllRead => "all/read",
            Scope::All => "all",
            Scope::State => "state",
            Scope::Define => "define",
            Scope::Profile => "profile",
            Scope::AnalyticsRead => "analytics/read",
            Scope::AnalyticsWrite => "analytics/write",
            Scope::Admin => "admin",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
                format!("unknown scope '{s}' (known: {})", known.join(", "))
            })
    }
}

/// What an operation needs. Each maps to the scopes that grant it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    StatementsWrite,
    /// Reading statements; `statements/read/mine` grants a filtered form of it.
    StatementsRead,
    StateRead,
    StateWrite,
    ProfileRead,
    ProfileWrite,
    /// GET /agents and /activities.
    DefinitionsRead,
    AnalyticsRead,
    AnalyticsWrite,
    Admin,
}

impl Access {
    /// The scopes that grant this access (besides `admin`, which grants everything).
    fn granted_by(self) -> &'static [Scope] {
        use Scope::*;
        match self {
            Access::StatementsWrite => &[StatementsWrite, All],
            Access::StatementsRead => &[StatementsRead, StatementsReadMine, AllRead, All],
            Access::StateRead => &[State, AllRead, All],
            Access::StateWrite => &[State, All],
            Access::ProfileRead => &[Profile, AllRead, All],
            Access::ProfileWrite => &[Profile, All],
            Access::DefinitionsRead => &[Define, StatementsRead, AllRead, All],
            Access::AnalyticsRead => &[AnalyticsRead, AnalyticsWrite],
            Access::AnalyticsWrite => &[AnalyticsWrite],
            Access::Admin => &[],
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Access::StatementsWrite => "statements/write",
            Access::StatementsRead => "statements/read",
            Access::StateRead | Access::StateWrite => "state",
            Access::ProfileRead | Access::ProfileWrite => "profile",
            Access::DefinitionsRead => "all/read",
            Access::AnalyticsRead => "analytics/read",
            Access::AnalyticsWrite => "analytics/write",
            Access::Admin => "admin",
        }
    }
}

/// The scopes of one credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    pub fn new(mut scopes: Vec<Scope>) -> Scopes {
        scopes.sort_by_key(|s| s.as_str());
        scopes.dedup();
        Scopes(scopes)
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn allows(&self, access: Access) -> bool {
        self.contains(Scope::Admin) || access.granted_by().iter().any(|s| self.contains(*s))
    }

    /// True when statement reads must be limited to the credential's own statements.
    pub fn reads_only_own_statements(&self) -> bool {
        !self.contains(Scope::Admin)
            && ![Scope::StatementsRead, Scope::AllRead, Scope::All]
                .iter()
                .any(|s| self.contains(*s))
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(|s| s.as_str().to_owned()).collect()
    }

    /// Parses stored scope names; unknown names (from a newer version) are ignored.
    pub fn from_stored(names: &[String]) -> Scopes {
        Scopes::new(names.iter().filter_map(|n| n.parse().ok()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_round_trips_through_its_name() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
        }
        assert!("statements/delete".parse::<Scope>().is_err());
    }

    #[test]
    fn all_grants_xapi_but_not_analytics_or_admin() {
        let all = Scopes::new(vec![Scope::All]);
        assert!(all.allows(Access::StatementsWrite));
        assert!(all.allows(Access::StateWrite));
        assert!(!all.allows(Access::AnalyticsRead));
        assert!(!all.allows(Access::Admin));
    }

    #[test]
    fn read_scopes_do_not_grant_writes() {
        let read = Scopes::new(vec![Scope::AllRead]);
        assert!(read.allows(Access::StatementsRead));
        assert!(read.allows(Access::ProfileRead));
        assert!(!read.allows(Access::StatementsWrite));
        assert!(!read.allows(Access::StateWrite));
    }

    #[test]
    fn read_mine_limits_reads_to_own_statements() {
        let mine = Scopes::new(vec![Scope::StatementsWrite, Scope::StatementsReadMine]);
        assert!(mine.allows(Access::StatementsRead));
        assert!(mine.reads_only_own_statements());
        assert!(!Scopes::new(vec![Scope::All]).reads_only_own_statements());
    }

    #[test]
    fn admin_grants_everything() {
        let admin = Scopes::new(vec![Scope::Admin]);
        for access in [
            Access::StatementsWrite,
            Access::AnalyticsRead,
            Access::Admin,
        ] {
            assert!(admin.allows(access), "{access:?}");
        }
    }
}

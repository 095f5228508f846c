//! xAPI OAuth scopes, used as permissions for Basic-auth credentials too.

use std::fmt;

/// One xAPI scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    StatementsWrite,
    StatementsRead,
    StatementsReadMine,
    AllRead,
    All,
    State,
    Profile,
    Define,
    /// The tenant admin API (packages, learners, launches); not an xAPI scope.
    Admin,
}

const NAMES: [(Scope, &str); 9] = [
    (Scope::StatementsWrite, "statements/write"),
    (Scope::StatementsRead, "statements/read"),
    (Scope::StatementsReadMine, "statements/read/mine"),
    (Scope::AllRead, "all/read"),
    (Scope::All, "all"),
    (Scope::State, "state"),
    (Scope::Profile, "profile"),
    (Scope::Define, "define"),
    (Scope::Admin, "admin"),
];

impl Scope {
    /// Every scope, in the order pages offer them.
    pub fn all() -> impl Iterator<Item = Scope> {
        NAMES.iter().map(|(s, _)| *s)
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        NAMES.iter().find(|(_, n)| *n == s).map(|(sc, _)| *sc).ok_or_else(|| {
            let known: Vec<_> = NAMES.iter().map(|(_, n)| *n).collect();
            format!("unknown scope {s:?}; known scopes: {}", known.join(", "))
        })
    }

    pub fn as_str(self) -> &'static str {
        NAMES.iter().find(|(sc, _)| *sc == self).map_or("", |(_, n)| n)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a request needs, checked against a credential's scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadStatements,
    WriteStatements,
    ReadState,
    WriteState,
    ReadProfile,
    WriteProfile,
    /// Activities, agents, about: any xAPI scope but statements/write.
    ReadMeta,
    /// The tenant admin API.
    Admin,
}

/// The set of scopes a credential holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScopeSet(Vec<Scope>);

impl ScopeSet {
    pub fn new(mut scopes: Vec<Scope>) -> Self {
        scopes.sort();
        scopes.dedup();
        Self(scopes)
    }

    pub fn contains(&self, s: Scope) -> bool {
        self.0.contains(&s)
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    /// Space-separated, as stored and as printed.
    pub fn to_text(&self) -> String {
        self.0.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
    }

    pub fn from_text(s: &str) -> Result<Self, String> {
        let scopes = s.split_whitespace().map(Scope::parse).collect::<Result<_, _>>()?;
        Ok(Self::new(scopes))
    }

    /// Whether this set grants `access`. `statements/read/mine` grants statement reads,
    /// limited by the caller to statements this credential stored.
    pub fn allows(&self, access: Access) -> bool {
        use Scope::*;
        let any = |list: &[Scope]| list.iter().any(|s| self.contains(*s));
        match access {
            Access::ReadStatements => any(&[All, AllRead, StatementsRead, StatementsReadMine]),
            Access::WriteStatements => any(&[All, StatementsWrite]),
            Access::ReadState => any(&[All, AllRead, State]),
            Access::WriteState => any(&[All, State]),
            Access::ReadProfile => any(&[All, AllRead, Profile]),
            Access::WriteProfile => any(&[All, Profile]),
            Access::ReadMeta => self.0.iter().any(|s| !matches!(s, StatementsWrite | Admin)),
            Access::Admin => self.contains(Admin),
        }
    }

    /// Whether statements stored with these scopes may (re)define activities: only `all`
    /// and `define` do; others' statements are stored, but their activity definitions
    /// are not taken into what the Activities resource serves.
    pub fn may_define(&self) -> bool {
        self.contains(Scope::All) || self.contains(Scope::Define)
    }

    /// `may_define` for the scopes a credential row stores (space-separated text). A key
    /// without a credential row (never the case through the HTTP API) is not restricted;
    /// unreadable scopes grant nothing.
    pub fn stored_may_define(scopes: Option<&str>) -> bool {
        scopes.is_none_or(|s| Self::from_text(s).is_ok_and(|s| s.may_define()))
    }

    /// True when statement reads must be limited to the credential's own statements.
    pub fn only_mine(&self) -> bool {
        use Scope::*;
        self.contains(StatementsReadMine) && ![All, AllRead, StatementsRead].iter().any(|s| self.contains(*s))
    }
}

//! The vocabulary of the data-model tables: access, data types, initial values.

use serde::Serialize;

/// Which API calls may touch an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    ReadOnly,
    WriteOnly,
    ReadWrite,
}

/// The data type of an element, with its smallest permitted maximum (SPM) where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DataType {
    /// `_children` (`value` is the list), `_count`, `_version`: computed or fixed, never set.
    Keyword,
    /// A characterstring (2004) or CMIString255/4096 (1.2) of at most `spm` characters.
    CharString { spm: usize },
    /// 2004 `localized_string_type`: an optional `{lang=…}` delimiter, then at most `spm` characters.
    LocalizedString { spm: usize },
    /// 2004 `long_identifier_type`: a URI, no white space, at most `spm` characters.
    LongIdentifier { spm: usize },
    /// 1.2 `CMIIdentifier`: no white space, at most `spm` characters.
    Identifier { spm: usize },
    /// 2004 `language_type`: empty or a language tag.
    Language { spm: usize },
    /// A decimal number (1.2 `CMIDecimal`, 2004 `real(10,7)`) in an optional closed range;
    /// `blank` lets the empty string through (1.2 scores).
    Real {
        min: Option<f64>,
        max: Option<f64>,
        blank: bool,
    },
    /// 1.2 `CMISInteger` in a closed range.
    Integer { min: i64, max: i64 },
    /// One of a fixed list of tokens.
    Vocabulary { values: &'static [&'static str] },
    /// One of a fixed list of tokens, or a decimal number (interaction `result`).
    VocabularyOrReal { values: &'static [&'static str] },
    /// 1.2 `CMITime`: `HH:MM:SS[.SS]`.
    CmiTime,
    /// 1.2 `CMITimespan`: `HHHH:MM:SS[.SS]`, hours of 2 to 4 digits.
    CmiTimespan,
    /// 1.2 `CMIFeedback`: at most `spm` characters.
    CmiFeedback { spm: usize },
    /// 2004 `time(second,10,2)`: ISO 8601 date and time, years 1970–2038.
    Time,
    /// 2004 `timeinterval(second,10,2)`: ISO 8601 duration.
    TimeInterval,
    /// 2004 interaction `learner_response` (`pattern: false`) or `correct_responses.n.pattern`
    /// (`pattern: true`); the format depends on the interaction's `type`.
    Response { pattern: bool },
    /// 2004 `adl.nav.request`: a navigation token, `{target=ID}choice` or `{target=ID}jump`.
    NavRequest,
}

/// What `GetValue` answers before the content has set anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Initial {
    /// Nothing: 2004 answers 403 (value not initialized), 1.2 answers the empty string.
    Unset,
    /// A fixed value (defaults and `_children`/`_version` lists).
    Fixed(&'static str),
    /// Supplied by the LMS at launch (learner, attempt state, manifest values).
    FromLms,
    /// Computed by the run-time (`_count`).
    Computed,
}

/// One row of a data-model table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Element {
    /// The name, with `n` for every collection index (`cmi.interactions.n.id`).
    pub name: &'static str,
    pub access: Access,
    #[serde(rename = "data_type")]
    pub ty: DataType,
    pub initial: Initial,
    /// Elements that must hold a value before this one may be set (same indices).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub requires: &'static [&'static str],
    /// A larger maximum accepted unless the strict option is on (1.2 `suspend_data`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lenient_spm: Option<usize>,
}

impl Element {
    const fn new(name: &'static str, access: Access, ty: DataType) -> Self {
        Element {
            name,
            access,
            ty,
            initial: Initial::Unset,
            requires: &[],
            lenient_spm: None,
        }
    }

    pub(crate) const fn init(self, value: &'static str) -> Self {
        Element {
            initial: Initial::Fixed(value),
            ..self
        }
    }

    pub(crate) const fn lms(self) -> Self {
        Element {
            initial: Initial::FromLms,
            ..self
        }
    }

    pub(crate) const fn after(self, requires: &'static [&'static str]) -> Self {
        Element { requires, ..self }
    }

    pub(crate) const fn lenient(self, spm: usize) -> Self {
        Element {
            lenient_spm: Some(spm),
            ..self
        }
    }
}

pub(crate) const fn ro(name: &'static str, ty: DataType) -> Element {
    Element::new(name, Access::ReadOnly, ty)
}

pub(crate) const fn rw(name: &'static str, ty: DataType) -> Element {
    Element::new(name, Access::ReadWrite, ty)
}

pub(crate) const fn wo(name: &'static str, ty: DataType) -> Element {
    Element::new(name, Access::WriteOnly, ty)
}

/// `_children`: a fixed, read-only list.
pub(crate) const fn children(name: &'static str, list: &'static str) -> Element {
    Element::new(name, Access::ReadOnly, DataType::Keyword).init(list)
}

/// `_count`: computed, read-only.
pub(crate) const fn count(name: &'static str) -> Element {
    Element {
        initial: Initial::Computed,
        ..Element::new(name, Access::ReadOnly, DataType::Keyword)
    }
}

pub(crate) const fn chars(spm: usize) -> DataType {
    DataType::CharString { spm }
}

pub(crate) const fn vocab(values: &'static [&'static str]) -> DataType {
    DataType::Vocabulary { values }
}

pub(crate) const fn real(min: Option<f64>, max: Option<f64>) -> DataType {
    DataType::Real { min, max, blank: false }
}

//! Learners as CSV (RFC 4180): the import an admin uploads, read row by row into the
//! learners it creates or updates and a report of the rows it refuses (row number, id,
//! why), and the export. A header names the columns (`id`, `name`, `email`, `endClient`,
//! any order, any case; `id` and `name` required). The export starts with a byte order
//! mark (spreadsheet programs in Japan read UTF-8 by it) and guards cells that a
//! spreadsheet would run as a formula.

use std::collections::HashMap;

use super::{Learner, LearnerFields, check_email, check_fields, check_id, check_name};

/// Rows an import reads at most.
pub const MAX_ROWS: usize = 10_000;

/// A row to create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The row's line in the file (the header is line 1).
    pub row: usize,
    pub id: String,
    pub fields: LearnerFields,
}

/// A row refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    pub row: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Which rule refused the row, stable for a page to say it in its reader's language:
    /// `fields`, `id`, `name`, `email`, `endClient`, `duplicate` (with `first`), `taken`,
    /// `unknownEndClient`, or `other` (the message alone says why).
    pub rule: &'static str,
    /// The row the same id is first on (`duplicate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<usize>,
    /// The end client named (`unknownEndClient`).
    #[serde(rename = "endClient", skip_serializing_if = "Option::is_none")]
    pub end_client: Option<String>,
    pub message: String,
}

impl RowError {
    /// A row refused by `rule`, for `message`.
    pub fn new(row: usize, id: Option<String>, rule: &'static str, message: String) -> Self {
        Self {
            row,
            id,
            rule,
            first: None,
            end_client: None,
            message,
        }
    }
}

/// The records of a CSV text: fields split at commas, quotes undone (`""` is a quote),
/// line breaks inside quotes kept; CRLF and LF end a record. Each record with the line
/// it starts on. An unterminated quote is an error naming its line.
pub fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let (mut line, mut start, mut quoted, mut was_quoted) = (1, 1, false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() && !was_quoted => (quoted, was_quoted) = (true, true),
            (false, ',') => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut record)));
                was_quoted = false;
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(format!("the quote opened on line {start} is never closed"));
    }
    if !field.is_empty() || !record.is_empty() || was_quoted {
        record.push(field);
        out.push((start, record));
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    id: usize,
    name: usize,
    email: Option<usize>,
    end_client: Option<usize>,
    count: usize,
}

fn columns(header: &[String]) -> Result<Columns, String> {
    let mut seen: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let key = match h.trim().to_ascii_lowercase().replace(['_', '-', ' '], "").as_str() {
            "id" => "id",
            "name" => "name",
            "email" => "email",
            "endclient" => "endClient",
            _ => {
                return Err(format!(
                    "unknown column {:?}: the columns are id, name, email, endClient",
                    h.trim()
                ));
            }
        };
        if seen.insert(key, i).is_some() {
            return Err(format!("the column {key} is named twice"));
        }
    }
    let need = |k: &str| {
        seen.get(k)
            .copied()
            .ok_or_else(|| format!("the header has no {k} column"))
    };
    Ok(Columns {
        id: need("id")?,
        name: need("name")?,
        email: seen.get("email").copied(),
        end_client: seen.get("endClient").copied(),
        count: header.len(),
    })
}

/// Reads an import: the rows to write and the rows refused. `Err` when the file cannot
/// be read at all (no header, an unknown column, too many rows, a quote never closed).
pub fn parse_import(text: &str) -> Result<(Vec<ImportRow>, Vec<RowError>), String> {
    let all = records(text)?;
    let mut it = all
        .into_iter()
        .filter(|(_, r)| !(r.len() == 1 && r.iter().all(|f| f.trim().is_empty())));
    let (_, header) = it
        .next()
        .ok_or("the file is empty: the first line names the columns (id,name,email,endClient)")?;
    let cols = columns(&header)?;
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (n, (row, r)) in it.enumerate() {
        if n >= MAX_ROWS {
            return Err(format!("more than {MAX_ROWS} rows: split the file"));
        }
        match read_row(cols, &r) {
            Err((id, rule, message)) => errors.push(RowError::new(row, id, rule, message)),
            Ok((id, fields)) => {
                if let Some(first) = first_seen.get(&id) {
                    let message = format!("the id is also on row {first}");
                    errors.push(RowError {
                        first: Some(*first),
                        ..RowError::new(row, Some(id), "duplicate", message)
                    });
                    continue;
                }
                first_seen.insert(id.clone(), row);
                rows.push(ImportRow { row, id, fields });
            }
        }
    }
    Ok((rows, errors))
}

/// A row's id (when it has one), the rule that refused it, and why.
type RowRefusal = (Option<String>, &'static str, String);

fn read_row(cols: Columns, r: &[String]) -> Result<(String, LearnerFields), RowRefusal> {
    let cell = |i: usize| r.get(i).map(|s| s.trim().to_owned()).unwrap_or_default();
    let id = cell(cols.id);
    let named = (!id.is_empty()).then(|| id.clone());
    if r.len() != cols.count {
        let message = format!("{} fields where the header has {}", r.len(), cols.count);
        return Err((named, "fields", message));
    }
    let refused = |rule: &'static str| {
        let named = named.clone();
        move |e: String| (named, rule, e)
    };
    check_id(&id).map_err(refused("id"))?;
    let optional = |i: Option<usize>| i.map(cell).filter(|v| !v.is_empty());
    let fields = LearnerFields {
        name: cell(cols.name),
        email: optional(cols.email),
        end_client: optional(cols.end_client),
    };
    // Each field by its own rule first, so the refusal names the field; then all of them
    // as the admin API checks them.
    check_name(&fields.name).map_err(refused("name"))?;
    fields
        .email
        .as_deref()
        .map(check_email)
        .transpose()
        .map_err(refused("email"))?;
    if let Some(ec) = fields.end_client.as_deref() {
        crate::account::check_end_client_id(ec).map_err(refused("endClient"))?;
    }
    let fields = check_fields(fields).map_err(refused("other"))?;
    Ok((id, fields))
}

/// A cell as CSV: quoted when it holds a comma, quote or line break; a leading `=`, `+`,
/// `-`, `@`, tab or carriage return gets a `'` first so no spreadsheet runs it.
pub fn cell(v: &str) -> String {
    let guarded = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The learners as CSV, with the header an import reads back.
pub fn export(learners: &[Learner]) -> String {
    let mut out = String::from("\u{feff}id,name,email,endClient\r\n");
    for l in learners {
        let fields = [
            l.id.as_str(),
            l.name.as_str(),
            l.email.as_deref().unwrap_or_default(),
            l.end_client.as_deref().unwrap_or_default(),
        ];
        out.push_str(&fields.map(cell).join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learner(id: &str, name: &str, email: Option<&str>) -> Learner {
        Learner {
            id: id.into(),
            name: name.into(),
            email: email.map(Into::into),
            end_client: None,
            created_ms: 0,
            updated_ms: 0,
        }
    }

    #[test]
    fn an_import_reports_each_bad_row_and_keeps_the_good_ones() {
        let text = "\u{feff}Name,ID,e-mail\r\n\
                    山田 花子,hanako,hanako@example.jp\r\n\
                    ,no-name,\r\n\
                    \"Lee, Ann\",ann,\r\n\
                    Bob,bob,not-an-address\r\n\
                    Twice,hanako,\r\n\
                    Short,short\r\n\
                    \r\n\
                    \"Multi\nLine\",multi,\r\n";
        let (rows, errors) = parse_import(text).expect("readable");
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["hanako", "ann"]);
        assert_eq!(rows.first().map(|r| r.fields.name.as_str()), Some("山田 花子"));
        assert_eq!(rows.get(1).map(|r| r.fields.name.as_str()), Some("Lee, Ann"));
        let got: Vec<(usize, Option<&str>)> = errors.iter().map(|e| (e.row, e.id.as_deref())).collect();
        assert_eq!(
            got,
            [
                (3, Some("no-name")),
                (5, Some("bob")),
                (6, Some("hanako")),
                (7, Some("short")),
                (9, Some("multi"))
            ]
        );
        assert!(errors.iter().any(|e| e.message.contains("also on row 2")), "{errors:?}");
    }

    #[test]
    fn a_file_that_cannot_be_read_is_refused_whole() {
        for (text, says) in [
            ("", "empty"),
            ("id,name,age\nx,y,1\n", "unknown column"),
            ("name\nx\n", "no id"),
            ("id,name,id\n", "twice"),
            ("id,name\n\"x,y\n", "never closed"),
        ] {
            let e = parse_import(text).expect_err(text);
            assert!(e.contains(says), "{text:?}: {e}");
        }
    }

    #[test]
    fn the_export_reads_back_and_guards_formulas() {
        let list = [
            learner("a-1", "=HYPERLINK(\"x\")", None),
            learner("名前", "Lee, \"Ann\"", Some("ann@example.com")),
        ];
        let text = export(&list);
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
        let (rows, errors) = parse_import(&text).expect("readable");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows.get(1).map(|r| r.fields.name.as_str()), Some("Lee, \"Ann\""));
        assert_eq!(rows.first().map(|r| r.fields.name.as_str()), Some("'=HYPERLINK(\"x\")"));
    }
}

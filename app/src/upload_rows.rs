//! What an upload is while it runs: one row per file, its progress and
//! state, and the words for the server's answer. Shared by the upload page,
//! which draws the rows, and the browser's uploader, which fills them.

use leptos::prelude::*;

/// Where each file stands.
#[derive(Clone, Debug, PartialEq)]
pub enum RowState {
    Uploading,
    /// Accepted: what the server said, and the product's file URL if any.
    Done {
        message: String,
        url: Option<String>,
    },
    Failed(String),
}

/// One file being uploaded.
#[derive(Clone, Debug)]
pub struct Row {
    pub key: usize,
    pub name: String,
    /// 0 to 100.
    pub progress: RwSignal<f64>,
    pub state: RwSignal<RowState>,
}

/// The words for an upload's answer: the status and the JSON body.
pub fn describe(status: u16, body: &str) -> RowState {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    match status {
        200 | 201 => RowState::Done {
            message: if status == 201 {
                format!(
                    "catalogued (version {})",
                    json["version"].as_i64().unwrap_or(1)
                )
            } else {
                "already catalogued with these bytes".into()
            },
            url: json["file_url"].as_str().map(str::to_string),
        },
        202 => RowState::Done {
            message: "sidecar kept until its file arrives".into(),
            url: None,
        },
        _ => RowState::Failed(
            json["reason"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| format!("the server answered {status}")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_described_for_people() {
        assert_eq!(
            describe(
                201,
                r#"{"version": 2, "file_url": "/api/v1/products/3/file"}"#
            ),
            RowState::Done {
                message: "catalogued (version 2)".into(),
                url: Some("/api/v1/products/3/file".into())
            }
        );
        assert_eq!(
            describe(
                422,
                r#"{"error": "rejected", "reason": "the time token is wrong"}"#
            ),
            RowState::Failed("the time token is wrong".into())
        );
        assert_eq!(
            describe(502, "<html>"),
            RowState::Failed("the server answered 502".into())
        );
    }
}

//! WMS exceptions: an XML `ServiceExceptionReport` with the code OGC gives
//! each failure, which OWSLib, QGIS and msui show their users.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::capabilities::escape;

/// A refused request, as a WMS client reads it.
#[derive(Debug)]
pub struct WmsError {
    code: &'static str,
    message: String,
}

impl WmsError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// A parameter missing or malformed (no OGC code of its own).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterValue", message)
    }

    pub fn dimension(message: impl Into<String>) -> Self {
        Self::new("InvalidDimensionValue", message)
    }
}

impl IntoResponse for WmsError {
    fn into_response(self) -> Response {
        let body = format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc" "#,
                r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
                r#"xsi:schemaLocation="http://www.opengis.net/ogc http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd">"#,
                r#"<ServiceException code="{}">{}</ServiceException></ServiceExceptionReport>"#
            ),
            self.code,
            escape(&self.message)
        );
        (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            body,
        )
            .into_response()
    }
}

//! Primitive type names: every spelling the docs use, mapped to its Edm name.

/// The Edm name of a primitive as the docs write it (`String`, `string`, `Int32`,
/// `DateTimeOffset`, `Guid`, `Edm.Int32`, ...), or `None` when it is not a primitive.
pub fn edm_name(written: &str) -> Option<&'static str> {
    let w = written.trim();
    let w = w
        .strip_prefix("Edm.")
        .or_else(|| w.strip_prefix("edm."))
        .unwrap_or(w);
    let lower = w.to_ascii_lowercase();
    Some(match lower.as_str() {
        "string" | "str" => "Edm.String",
        "boolean" | "bool" => "Edm.Boolean",
        "int32" | "int" | "integer" => "Edm.Int32",
        "int64" | "long" => "Edm.Int64",
        "int16" | "short" => "Edm.Int16",
        "byte" => "Edm.Byte",
        "sbyte" => "Edm.SByte",
        "double" | "float" | "number" | "numeric" => "Edm.Double",
        "single" => "Edm.Single",
        "decimal" => "Edm.Decimal",
        "datetimeoffset" | "datetime" => "Edm.DateTimeOffset",
        "date" => "Edm.Date",
        "timeofday" => "Edm.TimeOfDay",
        "duration" | "timespan" => "Edm.Duration",
        "guid" | "uuid" => "Edm.Guid",
        "binary" => "Edm.Binary",
        "stream" => "Edm.Stream",
        "json" | "object" | "untyped" | "any" => "Edm.Untyped",
        _ => return None,
    })
}

/// Every Edm name [`edm_name`] can return.
pub const ALL: &[&str] = &[
    "Edm.Binary",
    "Edm.Boolean",
    "Edm.Byte",
    "Edm.Date",
    "Edm.DateTimeOffset",
    "Edm.Decimal",
    "Edm.Double",
    "Edm.Duration",
    "Edm.Guid",
    "Edm.Int16",
    "Edm.Int32",
    "Edm.Int64",
    "Edm.SByte",
    "Edm.Single",
    "Edm.Stream",
    "Edm.String",
    "Edm.TimeOfDay",
    "Edm.Untyped",
];

pub fn is_primitive(qualified: &str) -> bool {
    qualified.starts_with("Edm.")
}

/// The primitives JSON writes as strings (text, dates, times, durations, GUIDs,
/// base64 binary, stream URLs).
pub fn is_text(qualified: &str) -> bool {
    matches!(
        qualified,
        "Edm.String"
            | "Edm.Guid"
            | "Edm.Date"
            | "Edm.DateTimeOffset"
            | "Edm.TimeOfDay"
            | "Edm.Duration"
            | "Edm.Binary"
            | "Edm.Stream"
    )
}

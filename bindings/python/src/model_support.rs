//! What the generated `models` classes share: [`ToPy`], how one field value becomes a
//! Python value when it is read (and as `to_dict()` gives it), plus repr, hash and the
//! wire-shaped dict that pickling rebuilds a model from.

use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyList, PyString};
use serde::Serialize;
use telnyx_reputation as facade;

use crate::convert::Json;

/// A field value as Python sees it: an attribute (`to_py`) or inside `to_dict()`
/// (`to_py_dict`, where nested models are dicts too).
pub trait ToPy {
    /// The attribute value: `str`, `int`, `bool`, aware `datetime`, `date`, a model, a list.
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;

    /// The value in `to_dict()`.
    fn to_py_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_py(py)
    }
}

impl ToPy for String {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, self).into_any())
    }
}

impl ToPy for bool {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyBool::new(py, *self).to_owned().into_any())
    }
}

macro_rules! int_to_py {
    ($($t:ty),+) => {$(
        impl ToPy for $t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok((*self).into_pyobject(py)?.into_any())
            }
        }
    )+};
}
int_to_py!(i64, u64, usize, u32, u16);

impl ToPy for DateTime<Utc> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok((*self).into_pyobject(py)?.into_any())
    }
}

impl ToPy for NaiveDate {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok((*self).into_pyobject(py)?.into_any())
    }
}

impl<T: ToPy> ToPy for Option<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_py(py),
            None => Ok(py.None().into_bound(py)),
        }
    }

    fn to_py_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(value) => value.to_py_dict(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|v| v.to_py(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }

    fn to_py_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|v| v.to_py_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

/// One `errors[]` entry: `errors.ErrorObject` (a dict in `to_dict()`).
impl ToPy for facade::ApiError {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::error::error_object(py, self)
    }

    fn to_py_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        wire_dict(py, self)
    }
}

/// `Name(field=repr(value), ...)`, the dataclass form (models hold no secrets).
pub fn model_repr(object: &Bound<'_, PyAny>, name: &str, fields: &[&str]) -> PyResult<String> {
    let mut out = format!("{name}(");
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(field);
        out.push('=');
        out.push_str(object.getattr(*field)?.repr()?.to_str()?);
    }
    out.push(')');
    Ok(out)
}

/// A hash consistent with `==`: equal models have the same serde form.
pub fn model_hash<T: Serialize>(value: &T) -> PyResult<u64> {
    let text = serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyTypeError::new_err(format!("cannot hash: {e}")))?;
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    Ok(hasher.finish())
}

/// A `#[non_exhaustive]` facade model (a response model that may grow, which no struct
/// literal outside the facade can build) from its fields' serde forms: what a Python
/// constructor of such a model does with its keyword arguments.
pub fn from_fields<T: serde::de::DeserializeOwned>(
    name: &str,
    fields: impl IntoIterator<Item = (&'static str, serde_json::Result<serde_json::Value>)>,
) -> PyResult<T> {
    let invalid = |e: String| pyo3::exceptions::PyValueError::new_err(format!("{name}: {e}"));
    let mut object = serde_json::Map::new();
    for (field, value) in fields {
        let value = value.map_err(|e| invalid(format!("{field}: {e}")))?;
        object.insert(field.to_owned(), value);
    }
    serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| invalid(e.to_string()))
}

/// The value's serde form (the API's JSON shape) as Python dicts and lists.
pub fn wire_dict<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    Json::of(value)?.into_pyobject(py)
}

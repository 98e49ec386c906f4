//! Values across the boundary through serde: structured arguments (dicts, lists, the native
//! model classes) come in as the facade's serde types, and the few results that are not
//! models (usage, webhook events) go out as JSON-shaped Python objects. Models go out as
//! the native classes of `models`. Field rules belong to the facade's serde types.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

/// A facade value on its way to Python, converted when the GIL is held.
pub struct Json(pub Value);

impl Json {
    /// Serialize a facade value (its serde form is the API's field names).
    pub fn of<T: Serialize>(value: &T) -> PyResult<Self> {
        serde_json::to_value(value)
            .map(Json)
            .map_err(|e| PyTypeError::new_err(format!("cannot convert the result: {e}")))
    }
}

impl<'py> IntoPyObject<'py> for Json {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.0)
    }
}

fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let items: Vec<_> = items
                .iter()
                .map(|v| to_python(py, v))
                .collect::<PyResult<_>>()?;
            PyList::new(py, items)?.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_python(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// Read a Python argument (dicts, lists, scalars, datetimes, models with `to_dict()`) into the
/// facade type `T`; a shape serde rejects is a `TypeError` naming the argument.
pub fn from_python<T: DeserializeOwned>(name: &str, value: &Bound<'_, PyAny>) -> PyResult<T> {
    let json = to_json(value)
        .map_err(|e| PyTypeError::new_err(format!("{name}: {}", e.value(value.py()))))?;
    serde_json::from_value(json).map_err(|e| PyTypeError::new_err(format!("{name}: {e}")))
}

/// A Python value as JSON, for a facade deserializer that reports its own errors (e.g.
/// `ClientOptions::from_json`); an unconvertible value is a `TypeError`.
pub fn to_value(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    to_json(value)
}

fn to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Some(native) = crate::models::native_json(value) {
        return native.map_err(|e| PyTypeError::new_err(e.to_string()));
    }
    if value.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = value.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if value.is_instance_of::<PyInt>() {
        Ok(Value::Number(value.extract::<i64>()?.into()))
    } else if let Ok(f) = value.cast::<PyFloat>() {
        Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyTypeError::new_err("not a finite number"))
    } else if let Ok(s) = value.cast::<PyString>() {
        Ok(Value::String(s.to_str()?.to_owned()))
    } else if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in dict.iter() {
            map.insert(k.extract::<String>()?, to_json(&v)?);
        }
        Ok(Value::Object(map))
    } else if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        value.try_iter()?.map(|v| to_json(&v?)).collect()
    } else if value.get_type().name()? == "Decimal" {
        // A `decimal.Decimal` (e.g. `max_spend`): its exact text, never a float.
        Ok(Value::String(value.str()?.to_str()?.to_owned()))
    } else if value.hasattr("isoformat")? && value.hasattr("tzinfo")? {
        // A `datetime`: its ISO 8601 text is what the facade's chrono fields read.
        Ok(Value::String(value.call_method0("isoformat")?.extract()?))
    } else if value.hasattr("to_dict")? {
        to_json(&value.call_method0("to_dict")?)
    } else {
        Err(PyTypeError::new_err(format!(
            "unsupported value of type {}",
            value.get_type().name()?
        )))
    }
}

export { createSerde, type ColumnSchema, type FormatName, type Serde, type SerdeOptions } from './formats.js';
export { DecodeError, jsonToValue, valueToJson } from './json-coercion.js';
export { JsonNumber, parseJson, stringifyJson, jsonEquals, type Json } from '../../util/lossless-json.js';

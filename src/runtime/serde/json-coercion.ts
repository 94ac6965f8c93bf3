// The typed value ↔ JSON codec is the model's (planner/json-coercion.ts); the serdes import it
// from here as before.
export { DecodeError, javaParseDouble, jsonToValue, valueToJson } from '../../planner/json-coercion.js';

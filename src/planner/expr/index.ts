export { compileExpression, isAggregateCall, type CompiledExpression, type CompileOptions } from './compile-expression.js';
export { castValue, canCast } from './cast.js';
export { compareValues, valuesEqual } from './compare.js';
export { javaString, javaDouble } from './java-format.js';

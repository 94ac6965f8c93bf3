// Every scalar function family; a new family is one module and one line here.

import type { ScalarFunction } from '../types.js';
import { bytesAndUrlFunctions } from './bytes-and-url.js';
import { collectionFunctions } from './collection.js';
import { conditionalFunctions } from './conditional.js';
import { datetimeFunctions } from './datetime.js';
import { jsonFunctions } from './json.js';
import { lambdaFunctions } from './lambda.js';
import { maskFunctions } from './mask.js';
import { mathFunctions } from './math.js';
import { mlPredictFunctions } from './ml-predict.js';
import { stringFunctions } from './string.js';

export const scalarFunctions: ScalarFunction[] = [
  ...stringFunctions,
  ...maskFunctions,
  ...mathFunctions,
  ...conditionalFunctions,
  ...collectionFunctions,
  ...lambdaFunctions,
  ...datetimeFunctions,
  ...jsonFunctions,
  ...bytesAndUrlFunctions,
  ...mlPredictFunctions,
];

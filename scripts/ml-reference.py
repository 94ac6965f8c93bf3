#!/usr/bin/env python3
"""Reference answers for Eddy's streaming-ML aggregates, computed by Spark MLlib itself.

Writes test/functions/fixtures/streaming-ml.json: seeded input records and what pyspark's own
implementations make of them when, as Eddy does, every record is its own mini-batch:

  k-means    pyspark.mllib.clustering.StreamingKMeansModel.update(rdd of one point, decay, 'points'),
             starting from the first k points with weight 1 each
  linear     pyspark.mllib.regression.LinearRegressionWithSGD.train(rdd of one point, iterations=1,
             step, initialWeights=previous weights, intercept=False, miniBatchFraction=1.0)
  logistic   pyspark.mllib.classification.LogisticRegressionWithSGD.train(… the same …)

Run (pyspark and numpy from PyPI; Java 17):
  python3 -m venv /tmp/ml-ref && /tmp/ml-ref/bin/pip install pyspark numpy
  /tmp/ml-ref/bin/python scripts/ml-reference.py
"""
import json
import math
import os
import random
import sys

# Spark's Python workers run the same interpreter (the venv that has numpy), not the system's.
os.environ.setdefault('PYSPARK_PYTHON', sys.executable)

from pyspark import SparkContext
from pyspark.mllib.classification import LogisticRegressionWithSGD
from pyspark.mllib.clustering import StreamingKMeansModel
from pyspark.mllib.regression import LabeledPoint, LinearRegressionWithSGD

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'functions', 'fixtures', 'streaming-ml.json')

rnd = random.Random(20261203)
sc = SparkContext('local[1]', 'eddy-ml-reference')
sc.setLogLevel('ERROR')

# ---- k-means: three blobs in 2-D, interleaved so that every cluster keeps getting points
blobs = [(0.0, 0.0), (8.0, 1.0), (3.0, 9.0)]
points = []
for i in range(240):
    cx, cy = blobs[rnd.randrange(3)]
    points.append([round(cx + rnd.gauss(0, 1), 6), round(cy + rnd.gauss(0, 1), 6)])
k = 3
kmeans = {}
for decay in (1.0, 0.95):
    model = StreamingKMeansModel([list(p) for p in points[:k]], [1.0] * k)
    for p in points[k:]:
        model = model.update(sc.parallelize([p]), decay, 'points')
    kmeans[str(decay)] = {
        'centers': [list(map(float, c)) for c in model.clusterCenters],
        'weights': list(map(float, model.clusterWeights)),
        'predictions': [int(model.predict(p)) for p in points[:20]],
    }

# ---- regressions: y = 2·x1 − 3·x2 + 0.5 (a constant feature 1.0 for the intercept) + noise
reg = []
for i in range(150):
    x1, x2 = rnd.uniform(-1, 1), rnd.uniform(-1, 1)
    y = 2 * x1 - 3 * x2 + 0.5 + rnd.gauss(0, 0.05)
    reg.append({'x': [round(x1, 6), round(x2, 6), 1.0], 'y': round(y, 6), 'c': 1 if y > 0.5 else 0})


def sgd(train, label, step):
    w = [0.0, 0.0, 0.0]
    for r in reg:
        model = train(sc.parallelize([LabeledPoint(r[label], r['x'])]), iterations=1, step=step,
                      miniBatchFraction=1.0, initialWeights=w, regParam=0.0, regType=None, intercept=False)
        w = list(map(float, model.weights))
    return w


linear = {'step': 0.1, 'weights': sgd(LinearRegressionWithSGD.train, 'y', 0.1)}
logistic = {'step': 0.5, 'weights': sgd(LogisticRegressionWithSGD.train, 'c', 0.5)}
sc.stop()

with open(OUT, 'w') as f:
    json.dump({
        'made_by': 'scripts/ml-reference.py (pyspark %s)' % __import__('pyspark').__version__,
        'kmeans': {'k': k, 'points': points, 'by_decay': kmeans},
        'regression': {'records': reg, 'linear': linear, 'logistic': logistic},
    }, f, indent=1)
    f.write('\n')
print('wrote', os.path.normpath(OUT))

"""Reference side of `npm run bench -- gbdt`: trains XGBoost (hist) and scikit-learn's
HistGradientBoosting on the data files written by bench/gbdt.ts and prints one JSON object with
their fit times and test metrics.

usage: gbdt_reference.py DIR TASK N_TRAIN N_TEST N_FEATURES THREADS TREES DEPTH LEAVES [skip-sklearn]
Times are wall-clock and process CPU seconds (all threads)."""
import json
import os
import sys
import time

d, task, n_train, n_test, f, threads, trees, depth, leaves = sys.argv[1:10]
n_train, n_test, f, threads, trees, depth, leaves = map(int, (n_train, n_test, f, threads, trees, depth, leaves))
os.environ.setdefault("OMP_NUM_THREADS", str(threads))

import numpy as np  # noqa: E402
import xgboost as xgb  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor  # noqa: E402
from sklearn.metrics import r2_score, roc_auc_score  # noqa: E402

X = np.fromfile(os.path.join(d, "x_train.f32"), dtype=np.float32).reshape(n_train, f)
y = np.fromfile(os.path.join(d, "y_train.f64"), dtype=np.float64)
Xt = np.fromfile(os.path.join(d, "x_test.f32"), dtype=np.float32).reshape(n_test, f)
yt = np.fromfile(os.path.join(d, "y_test.f64"), dtype=np.float64)


def metric(pred):
    return float(r2_score(yt, pred)) if task == "regression" else float(roc_auc_score(yt, pred))


skip_sklearn = len(sys.argv) > 10 and sys.argv[10] == "skip-sklearn"
out = {"xgboost_version": xgb.__version__}
t = time.perf_counter()
c = time.process_time()
dtrain = xgb.DMatrix(X, y, nthread=threads)
params = {
    "tree_method": "hist",
    "max_depth": depth,
    "eta": 0.1,
    "max_bin": 255,
    "nthread": threads,
    "lambda": 1.0,
    "min_child_weight": 1.0,
    "objective": "reg:squarederror" if task == "regression" else "binary:logistic",
}
booster = xgb.train(params, dtrain, trees)
out["xgboost_s"] = time.perf_counter() - t
out["xgboost_cpu_s"] = time.process_time() - c
out["xgboost_metric"] = metric(booster.predict(xgb.DMatrix(Xt, nthread=threads)))

if skip_sklearn:
    print(json.dumps(out))
    sys.exit(0)
common = dict(max_iter=trees, learning_rate=0.1, max_bins=255, max_leaf_nodes=leaves, early_stopping=False, l2_regularization=1.0)
model = HistGradientBoostingRegressor(**common) if task == "regression" else HistGradientBoostingClassifier(**common)
t = time.perf_counter()
c = time.process_time()
model.fit(X, y)
out["sklearn_s"] = time.perf_counter() - t
out["sklearn_cpu_s"] = time.process_time() - c
pred = model.predict(Xt) if task == "regression" else model.predict_proba(Xt)[:, 1]
out["sklearn_metric"] = metric(pred)
print(json.dumps(out))

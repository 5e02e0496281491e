"""Reference side of `npm run bench -- gbdt`: trains XGBoost (hist) and, optionally, scikit-learn's
HistGradientBoosting on the data files written by bench/gbdt.ts, writes their test predictions
(pred_xgboost.f64, pred_sklearn.f64) for bench/gbdt.ts to score with the same metric code as ours,
and prints one JSON object with their fit times.

usage: gbdt_reference.py DIR TASK N_TRAIN N_TEST N_FEATURES THREADS TREES GROWTH DEPTH LEAVES MIN_CHILD_WEIGHT SKLEARN
TASK: regression | binary | lambdarank (query groups in group_train.i32 / group_test.i32)
GROWTH: depthwise (max_depth DEPTH) | leafwise (lossguide, max_leaves LEAVES, no depth limit)
Times are wall-clock and process CPU seconds (all threads)."""
import json
import os
import sys
import time

d, task, n_train, n_test, f, threads, trees, growth, depth, leaves, mcw, sk = sys.argv[1:13]
n_train, n_test, f, threads, trees, depth, leaves = map(int, (n_train, n_test, f, threads, trees, depth, leaves))
mcw = float(mcw)
os.environ.setdefault("OMP_NUM_THREADS", str(threads))

import numpy as np  # noqa: E402
import xgboost as xgb  # noqa: E402

X = np.fromfile(os.path.join(d, "x_train.f32"), dtype=np.float32).reshape(n_train, f)
y = np.fromfile(os.path.join(d, "y_train.f64"), dtype=np.float64)
Xt = np.fromfile(os.path.join(d, "x_test.f32"), dtype=np.float32).reshape(n_test, f)


def group_sizes(name):
    g = np.fromfile(os.path.join(d, name), dtype=np.int32)
    _, counts = np.unique(g, return_counts=True)  # groups are contiguous and ascending
    return counts


out = {"xgboost_version": xgb.__version__}
objective = {"regression": "reg:squarederror", "binary": "binary:logistic", "lambdarank": "rank:ndcg"}[task]
params = {
    "tree_method": "hist",
    "eta": 0.1,
    "max_bin": 255,
    "nthread": threads,
    "lambda": 1.0,
    "min_child_weight": mcw,
    "objective": objective,
}
if growth == "leafwise":
    params.update({"grow_policy": "lossguide", "max_leaves": leaves, "max_depth": 0})
else:
    params["max_depth"] = depth
t = time.perf_counter()
c = time.process_time()
dtrain = xgb.DMatrix(X, y, nthread=threads)
if task == "lambdarank":
    dtrain.set_group(group_sizes("group_train.i32"))
booster = xgb.train(params, dtrain, trees)
out["xgboost_s"] = time.perf_counter() - t
out["xgboost_cpu_s"] = time.process_time() - c
booster.predict(xgb.DMatrix(Xt, nthread=threads), output_margin=(task == "lambdarank")).astype(np.float64).tofile(os.path.join(d, "pred_xgboost.f64"))

if sk == "with-sklearn" and task != "lambdarank":
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    common = dict(max_iter=trees, learning_rate=0.1, max_bins=255, max_leaf_nodes=leaves, early_stopping=False, l2_regularization=1.0)
    if growth == "depthwise":
        common.update(max_depth=depth, max_leaf_nodes=None)
    model = HistGradientBoostingRegressor(**common) if task == "regression" else HistGradientBoostingClassifier(**common)
    t = time.perf_counter()
    c = time.process_time()
    model.fit(X, y)
    out["sklearn_s"] = time.perf_counter() - t
    out["sklearn_cpu_s"] = time.process_time() - c
    pred = model.predict(Xt) if task == "regression" else model.predict_proba(Xt)[:, 1]
    np.asarray(pred, dtype=np.float64).tofile(os.path.join(d, "pred_sklearn.f64"))
print(json.dumps(out))

"""Cross-check helper: load models exported by FoxML's toXGBoostJson with Python's xgboost and
write their predictions and SHAP contributions as float64 binaries.

usage: xgb_predict.py JOBS.json
JOBS.json is a list of {model, x, n_rows, n_features, categorical (0/1 string), out_pred, out_contrib}."""
import json
import sys

import numpy as np
import xgboost as xgb

for job in json.load(open(sys.argv[1])):
    n, f = job["n_rows"], job["n_features"]
    X = np.fromfile(job["x"], dtype=np.float32).reshape(n, f)
    types = ["c" if c == "1" else "q" for c in job["categorical"]]
    booster = xgb.Booster()
    booster.load_model(job["model"])
    if "c" in types:
        d = xgb.DMatrix(X, feature_types=types, enable_categorical=True, feature_names=booster.feature_names)
    else:
        d = xgb.DMatrix(X, feature_names=booster.feature_names)
    booster.predict(d).astype(np.float64).tofile(job["out_pred"])
    booster.predict(d, pred_contribs=True).astype(np.float64).tofile(job["out_contrib"])

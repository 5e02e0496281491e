"""Reference fits with scikit-learn for the linear-family cross-checks.

Reads {"cases": [...]} as JSON on stdin; each case has X (row-major), n, F, y, optional w, a kind and
its penalty. Writes {"<id>": {"coef": [[...] per output], "intercept": [...], "proba": [...]?}}.
Penalties are given on FoxML's scale (mean loss); this script converts them to scikit-learn's.
"""
import json
import sys
import warnings

import numpy as np
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")


def fit(case):
    X = np.asarray(case["X"], dtype=np.float64).reshape(case["n"], case["F"])
    y = np.asarray(case["y"], dtype=np.float64)
    w = np.asarray(case["w"], dtype=np.float64) if case.get("w") is not None else None
    W = float(w.sum()) if w is not None else float(case["n"])
    lam = case["lambda"]
    scale = None
    if case.get("standardize"):
        scaler = StandardScaler().fit(X, sample_weight=w)
        X = scaler.transform(X)
        scale = scaler.scale_
    kind = case["kind"]
    if kind == "ridge":
        m = Ridge(alpha=lam * W, solver="cholesky").fit(X, y, sample_weight=w)
    elif kind == "lasso":
        m = Lasso(alpha=lam, tol=1e-13, max_iter=1_000_000).fit(X, y, sample_weight=w)
    elif kind == "elastic_net":
        m = ElasticNet(alpha=lam, l1_ratio=case["l1_ratio"], tol=1e-13, max_iter=1_000_000).fit(X, y, sample_weight=w)
    elif kind == "logistic":
        penalty = case["penalty"]
        common = dict(C=1.0 / (lam * W), max_iter=100_000 if penalty != "l2" else 100)
        if penalty == "l2":
            m = LogisticRegression(penalty="l2", solver="newton-cg", tol=1e-10, multi_class="auto", **common)
        else:
            extra = {"l1_ratio": case["l1_ratio"]} if penalty == "elasticnet" else {}
            m = LogisticRegression(penalty=penalty, solver="saga", tol=1e-12, multi_class="auto", **extra, **common)
        m.fit(X, y.astype(int), sample_weight=w)
    else:
        raise ValueError(kind)
    coef = np.atleast_2d(m.coef_)
    intercept = np.atleast_1d(m.intercept_).astype(float)
    if scale is not None:
        # Report raw-scale coefficients, as FoxML's coefficients().raw does.
        intercept = intercept - coef @ (scaler.mean_ / scale)
        coef = coef / scale
    out = {"coef": coef.tolist(), "intercept": intercept.tolist()}
    if kind == "logistic":
        out["proba"] = m.predict_proba(X).tolist()
        out["n_iter"] = int(np.max(m.n_iter_))
    return out


def main():
    cases = json.load(sys.stdin)["cases"]
    json.dump({c["id"]: fit(c) for c in cases}, sys.stdout)


if __name__ == "__main__":
    main()

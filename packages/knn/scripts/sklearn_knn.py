"""scikit-learn's KNeighborsClassifier on arrays written by @fmnist/knn (bench and tests).

usage: sklearn_knn.py TRAIN.npy TRAIN_LABELS.npy TEST.npy OUT_PRED.npy [--k 5] [--dtype float64]

Loads the arrays, converts the features to --dtype (float64 by default: scikit-learn's fast
ArgKmin path; uint8 input falls back to a much slower generic path), fits
KNeighborsClassifier(n_neighbors=k, algorithm='brute', n_jobs=-1), predicts, writes the int32
predictions to OUT_PRED.npy and prints one JSON line: fit and predict seconds (wall clock),
peak RSS (MB, resource.getrusage), versions.
"""
import argparse
import json
import resource
import time

import numpy as np
import sklearn
from sklearn.neighbors import KNeighborsClassifier



def peak_rss_mb():
    """Peak resident memory of this process: VmHWM (reset at exec, unlike ru_maxrss, which a
    child keeps from the large parent that spawned it), else getrusage."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


p = argparse.ArgumentParser()
p.add_argument("train")
p.add_argument("labels")
p.add_argument("test")
p.add_argument("out")
p.add_argument("--k", type=int, default=5)
p.add_argument("--dtype", default="float64")
a = p.parse_args()

x_train = np.load(a.train).astype(a.dtype)
y_train = np.load(a.labels)
x_test = np.load(a.test).astype(a.dtype)

t0 = time.perf_counter()
knn = KNeighborsClassifier(n_neighbors=a.k, algorithm="brute", n_jobs=-1).fit(x_train, y_train)
t1 = time.perf_counter()
pred = knn.predict(x_test)
t2 = time.perf_counter()
np.save(a.out, pred.astype(np.int32))
print(
    json.dumps(
        {
            "fit_seconds": t1 - t0,
            "predict_seconds": t2 - t1,
            "peak_rss_mb": peak_rss_mb(),
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "dtype": a.dtype,
        }
    )
)

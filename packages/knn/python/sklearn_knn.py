"""scikit-learn's KNeighborsClassifier on arrays written by @fmnist/knn/sklearn (runSklearnKnn).

usage: sklearn_knn.py TRAIN.npy TRAIN_LABELS.npy TEST.npy OUT_PRED.npy [--k 5] [--dtype float64]
                      [--jobs -1]

Loads the arrays, converts the features to --dtype (float64 by default: scikit-learn's fast
ArgKmin path; uint8 input falls back to a much slower generic path), fits
KNeighborsClassifier(n_neighbors=k, algorithm='brute', n_jobs=jobs), predicts, writes the int32
predictions to OUT_PRED.npy and prints one JSON line: fit and predict seconds (wall clock), peak
RSS (MB), versions, this Python. Exits with status 3 when NumPy or scikit-learn cannot be
imported (the caller then tries another Python).
"""
import json
import os
import sys
import time

NO_SKLEARN = 3

# Found by path, also under `python -I` (which leaves the script's folder off sys.path); no
# __pycache__ written into the installed package.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import numpy as np
    import sklearn
    from sklearn.neighbors import KNeighborsClassifier
except ImportError as e:
    sys.stderr.write(f"{e}\n")
    sys.exit(NO_SKLEARN)

from knn_arrays import arguments, load, peak_rss_mb, save_predictions

p = arguments(__doc__)
p.add_argument("--dtype", default="float64")
p.add_argument("--jobs", type=int, default=-1)
a = p.parse_args()
x_train, y_train, x_test = load(a, a.dtype)

t0 = time.perf_counter()
knn = KNeighborsClassifier(n_neighbors=a.k, algorithm="brute", n_jobs=a.jobs).fit(x_train, y_train)
t1 = time.perf_counter()
pred = knn.predict(x_test)
t2 = time.perf_counter()
save_predictions(a, pred)
print(
    json.dumps(
        {
            "fit_seconds": t1 - t0,
            "predict_seconds": t2 - t1,
            "peak_rss_mb": peak_rss_mb(),
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "dtype": a.dtype,
            "python": sys.executable,
        }
    )
)

"""faiss IndexFlatL2 (exact brute force, float32) as a k-NN classifier, for the dataset benchmark.

usage: faiss_knn.py TRAIN.npy TRAIN_LABELS.npy TEST.npy OUT_PRED.npy [--k 5]

Searches the k nearest training rows of each test row with IndexFlatL2 on all cores, votes as
scikit-learn does (uniform weights; among tied labels the smallest wins), writes the int32
predictions and prints one JSON line: seconds (index + search + vote), peak RSS, version.
"""
import json
import os
import sys
import time

import faiss
import numpy as np

# The loader shared with the package's scikit-learn script (no __pycache__ left next to it).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from knn_arrays import arguments, load, peak_rss_mb, save_predictions  # noqa: E402

a = arguments(__doc__).parse_args()
x_train, y_train, x_test = load(a, np.float32)

t0 = time.perf_counter()
index = faiss.IndexFlatL2(x_train.shape[1])
index.add(x_train)
_, idx = index.search(x_test, a.k)
classes = np.unique(y_train)
votes = np.zeros((x_test.shape[0], classes.size), dtype=np.int64)
pos = np.searchsorted(classes, y_train[idx])
for j in range(a.k):
    np.add.at(votes, (np.arange(x_test.shape[0]), pos[:, j]), 1)
pred = classes[np.argmax(votes, axis=1)]
t1 = time.perf_counter()
save_predictions(a, pred)
print(
    json.dumps(
        {
            "seconds": t1 - t0,
            "peak_rss_mb": peak_rss_mb(),
            "faiss": faiss.__version__,
        }
    )
)

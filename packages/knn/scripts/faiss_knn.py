"""faiss IndexFlatL2 (exact brute force, float32) as a k-NN classifier, for the dataset benchmark.

usage: faiss_knn.py TRAIN.npy TRAIN_LABELS.npy TEST.npy OUT_PRED.npy [--k 5]

Searches the k nearest training rows of each test row with IndexFlatL2 on all cores, votes as
scikit-learn does (uniform weights; among tied labels the smallest wins), writes the int32
predictions and prints one JSON line: seconds (index + search + vote), peak RSS, version.
"""
import argparse
import json
import resource
import time

import faiss
import numpy as np



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
a = p.parse_args()

x_train = np.ascontiguousarray(np.load(a.train).astype(np.float32))
y_train = np.load(a.labels)
x_test = np.ascontiguousarray(np.load(a.test).astype(np.float32))

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
np.save(a.out, pred.astype(np.int32))
print(
    json.dumps(
        {
            "seconds": t1 - t0,
            "peak_rss_mb": peak_rss_mb(),
            "faiss": faiss.__version__,
        }
    )
)

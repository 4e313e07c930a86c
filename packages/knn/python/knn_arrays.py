"""What the k-NN comparison scripts share: their command line, the arrays, and peak memory.

Used by sklearn_knn.py (shipped with @fmnist/knn) and by the package's faiss benchmark script. Every
script reads TRAIN.npy TRAIN_LABELS.npy TEST.npy, writes its int32 predictions to OUT_PRED.npy and
prints one JSON line.
"""
import argparse
import resource

import numpy as np


def arguments(description):
    """The common command line: the three input arrays, the output file and --k."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("train")
    p.add_argument("labels")
    p.add_argument("test")
    p.add_argument("out")
    p.add_argument("--k", type=int, default=5)
    return p


def load(a, dtype):
    """The training rows, their labels and the test rows, the features converted to dtype."""
    x_train = np.ascontiguousarray(np.load(a.train).astype(dtype))
    y_train = np.load(a.labels)
    x_test = np.ascontiguousarray(np.load(a.test).astype(dtype))
    return x_train, y_train, x_test


def save_predictions(a, pred):
    np.save(a.out, pred.astype(np.int32))


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

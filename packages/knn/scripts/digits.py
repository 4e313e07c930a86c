"""Writes scikit-learn's digits (8x8 images, 1,797 rows) to DIR as .npy: first 1,500 rows train, 297 test."""
import sys

import numpy as np
from sklearn.datasets import load_digits

d = load_digits()
out = sys.argv[1]
np.save(f"{out}/xtr.npy", d.data[:1500].astype(np.float64))
np.save(f"{out}/ytr.npy", d.target[:1500].astype(np.int32))
np.save(f"{out}/xte.npy", d.data[1500:].astype(np.float64))
np.save(f"{out}/yte.npy", d.target[1500:].astype(np.int32))

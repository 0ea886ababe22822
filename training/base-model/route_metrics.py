"""Figures the route scripts share (numpy only): a tie-aware AUC, and patient bootstrap intervals."""
import numpy as np

ROUNDS = 2000


def auc(labels, scores):
    """Mann–Whitney AUC with ties counted half."""
    order = np.argsort(scores, kind="mergesort")
    s, y = scores[order], labels[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        ranks[i:j] = (i + 1 + j) / 2
        i = j
    pos = y.sum()
    return (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos))


def patient_bootstrap(labels, patients, figure, seed=2017):
    """95% interval of `figure(indices)` over ROUNDS resamplings of patients (both eyes together)."""
    rng = np.random.default_rng(seed)
    ids = np.unique(patients)
    rows = {p: np.where(patients == p)[0] for p in ids}
    values = []
    for _ in range(ROUNDS):
        pick = np.concatenate([rows[p] for p in rng.choice(ids, len(ids))])
        if 0 < labels[pick].sum() < len(pick):
            values.append(figure(pick))
    return np.percentile(values, 2.5), np.percentile(values, 97.5)


def write_record(lines, report=None):
    """Prints a route's record and, given a path, writes it there (the file routes/ keeps)."""
    text = "\n".join(lines) + "\n"
    print(text)
    if report:
        with open(report, "w", encoding="utf8") as f:
            f.write(text)

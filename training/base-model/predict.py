"""Runs the PyTorch rebuild of a tfjs model folder on preprocessed inputs, for the tfjs ↔ trainer parity test.

/usr/bin/python3 training/base-model/predict.py MODEL_DIR INPUTS.f32 N
INPUTS.f32 holds N images of size × size × 3 little-endian float32, exactly as the app's preprocessing gives
them. Prints JSON: {"probabilities": [[5 floats] × N], "features": [[pooled out_relu] × N]}.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_net import load_network, head_name  # noqa: E402


def main():
    folder, inputs, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    torch.set_num_threads(1)
    net, model_json, _ = load_network(folder)
    net.eval()
    size = model_json["modelTopology"]["config"]["layers"][0]["config"]["batch_input_shape"][1]
    pixels = np.fromfile(inputs, dtype="<f4").reshape(count, size, size, 3)
    with torch.no_grad():
        values = net(torch.from_numpy(pixels).permute(0, 3, 1, 2).contiguous())
    probabilities = torch.softmax(values[head_name(net)], 1)
    features = values[net.output_names[1]].mean(dim=(2, 3)) if len(net.output_names) > 1 else None
    json.dump({"probabilities": probabilities.tolist(),
               "features": features.tolist() if features is not None else None}, sys.stdout)


if __name__ == "__main__":
    main()

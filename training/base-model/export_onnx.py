"""Exports a model folder's backbone to ONNX for the app's ONNX Runtime engine (maintainer's tool).

/usr/bin/python3 training/base-model/export_onnx.py MODEL_DIR OUT.onnx FEATURE_LAYER

The network is rebuilt from the folder's own model.json and weights.bin (keras_net.py, the trainer's rebuild),
and exported from its input to FEATURE_LAYER (the last feature maps, the ones the heatmap needs):
input `pixels` [N, S, S, 3] float32 as the app's preprocessing lays it out (NHWC), output `features`
[N, h, w, C] (NHWC, as tfjs gives them). The head — pooling, the dense layer, the softmax — is applied in
TypeScript from the layers model's weights, so a clinic's fine-tuned head (trained without Python) runs on the
same ONNX file. BatchNorm is folded into the convolutions by the exporter (eval mode, constant folding).
"""
import os
import sys
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_net import load_network  # noqa: E402


class Backbone(torch.nn.Module):
    def __init__(self, net, feature_layer):
        super().__init__()
        self.net = net
        self.feature_layer = feature_layer

    def forward(self, pixels):
        values = self.net(pixels.permute(0, 3, 1, 2))
        return values[self.feature_layer].permute(0, 2, 3, 1)


def main():
    folder, out, feature_layer = sys.argv[1], sys.argv[2], sys.argv[3]
    net, model_json, _ = load_network(folder)
    net.eval()
    size = model_json["modelTopology"]["config"]["layers"][0]["config"]["batch_input_shape"][1]
    model = Backbone(net, feature_layer).eval()
    example = torch.zeros(1, size, size, 3)
    tmp = out + ".tmp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, example, tmp, input_names=["pixels"], output_names=["features"],
                          dynamic_axes={"pixels": {0: "n"}, "features": {0: "n"}}, opset_version=13,
                          do_constant_folding=True)
    os.replace(tmp, out)


if __name__ == "__main__":
    main()

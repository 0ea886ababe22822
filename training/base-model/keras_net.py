"""The app's network, rebuilt layer for layer in PyTorch from the tfjs layers topology the app loads.

The trainer never describes MobileNetV2 itself: it reads `model.json` (written by tfjs) and builds one PyTorch
module per Keras layer, wired as the topology says, with Keras' padding (explicit ZeroPadding2D before the
stride-2 layers, TensorFlow 'same' elsewhere), ReLU6 and BatchNorm epsilon. Weights are read from and written
back to `weights.bin` in the manifest's order, so the trained network drops into the same topology.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def tf_same_pad(size, kernel, stride):
    """TensorFlow's 'same' padding (before, after) for one spatial axis."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class Conv(nn.Module):
    def __init__(self, config, depthwise, channels_in):
        super().__init__()
        kh, kw = config["kernel_size"]
        self.stride = tuple(config["strides"])
        self.kernel = (kh, kw)
        # At stride 1 with an odd kernel, 'same' is symmetric: let the convolution pad (no extra copy).
        symmetric = config["padding"] == "same" and self.stride == (1, 1) and kh % 2 == 1 and kw % 2 == 1
        self.same = config["padding"] == "same" and not symmetric
        padding = (kh // 2, kw // 2) if symmetric else 0
        out_channels = channels_in * config.get("depth_multiplier", 1) if depthwise else config["filters"]
        self.conv = nn.Conv2d(channels_in, out_channels, (kh, kw), self.stride, padding=padding,
                              groups=channels_in if depthwise else 1, bias=config.get("use_bias", False))
        self.depthwise = depthwise

    def forward(self, x):
        if self.same:
            top, bottom = tf_same_pad(x.shape[2], self.kernel[0], self.stride[0])
            left, right = tf_same_pad(x.shape[3], self.kernel[1], self.stride[1])
            if top or bottom or left or right:
                x = F.pad(x, (left, right, top, bottom))
        return self.conv(x)


class ZeroPad(nn.Module):
    def __init__(self, config):
        super().__init__()
        (top, bottom), (left, right) = config["padding"]
        self.pad = (left, right, top, bottom)

    def forward(self, x):
        return F.pad(x, self.pad)


class ReLU(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.max_value = config.get("max_value")
        if config.get("negative_slope", 0) or config.get("threshold", 0):
            raise ValueError("leaky or thresholded ReLU is not used by this network")

    def forward(self, x):
        return x.clamp(0, self.max_value) if self.max_value is not None else F.relu(x)


class GlobalAveragePool(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))


class Dense(nn.Module):
    """Returns logits; the softmax of the Keras layer is applied by the caller."""

    def __init__(self, config, features_in):
        super().__init__()
        if config.get("activation") not in ("softmax", "linear"):
            raise ValueError(f"unsupported dense activation {config.get('activation')}")
        self.linear = nn.Linear(features_in, config["units"], bias=config.get("use_bias", True))
        self.softmax = config.get("activation") == "softmax"

    def forward(self, x):
        return self.linear(x)


class KerasGraph(nn.Module):
    """A Keras functional model. forward(x NCHW in [0,1]) → dict of layer name → output (NCHW / logits)."""

    def __init__(self, topology, input_channels=3, bn_momentum=0.01):
        super().__init__()
        config = topology["config"]
        self.input_name = config["input_layers"][0][0]
        self.output_names = [o[0] for o in config["output_layers"]]
        self.nodes = []  # (name, class, [inbound names])
        self.layers_by_name = nn.ModuleDict()
        channels = {}
        for layer in config["layers"]:
            name, cls, cfg = layer["name"], layer["class_name"], layer["config"]
            inbound = [i[0] for i in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
            c_in = channels[inbound[0]] if inbound else input_channels
            if cls == "InputLayer":
                channels[name] = cfg["batch_input_shape"][-1]
                self.nodes.append((name, cls, inbound))
                continue
            if cls == "Conv2D":
                module = Conv(cfg, False, c_in)
                channels[name] = cfg["filters"]
            elif cls == "DepthwiseConv2D":
                module = Conv(cfg, True, c_in)
                channels[name] = c_in * cfg.get("depth_multiplier", 1)
            elif cls == "BatchNormalization":
                module = nn.BatchNorm2d(c_in, eps=cfg["epsilon"], momentum=bn_momentum)
                channels[name] = c_in
            elif cls == "ReLU":
                module, channels[name] = ReLU(cfg), c_in
            elif cls == "ZeroPadding2D":
                module, channels[name] = ZeroPad(cfg), c_in
            elif cls == "Add":
                module, channels[name] = None, c_in
            elif cls == "Concatenate":
                # Only along the channels (an ensemble's feature maps, training/base-model/ensemble-model.ts).
                if cfg.get("axis", -1) not in (-1, 3):
                    raise ValueError(f"layer {name}: Concatenate is supported along the channels only")
                module, channels[name] = None, sum(channels[i] for i in inbound)
            elif cls == "GlobalAveragePooling2D":
                module, channels[name] = GlobalAveragePool(), c_in
            elif cls == "Dense":
                module = Dense(cfg, c_in)
                channels[name] = cfg["units"]
            else:
                raise ValueError(f"layer {name}: {cls} is not supported")
            if module is not None:
                self.layers_by_name[name] = module
            self.nodes.append((name, cls, inbound))

    def forward(self, x, extra_dropout=0.0):
        values = {self.input_name: x}
        for name, cls, inbound in self.nodes:
            if cls == "InputLayer":
                continue
            if cls == "Add":
                out = values[inbound[0]]
                for other in inbound[1:]:
                    out = out + values[other]
            elif cls == "Concatenate":
                out = torch.cat([values[i] for i in inbound], dim=1)
            else:
                inp = values[inbound[0]]
                # Dropout before the head in training only: the exported network has none, which is what
                # dropout at inference amounts to.
                if cls == "Dense" and extra_dropout > 0:
                    inp = F.dropout(inp, extra_dropout, self.training)
                out = self.layers_by_name[name](inp)
            values[name] = out
        return values

    # --- weights in the tfjs manifest's names and layouts -------------------------------------------------
    def _tensor_for(self, weight_name):
        layer_name, _, var = weight_name.rpartition("/")
        module = self.layers_by_name[layer_name]
        if isinstance(module, Conv):
            if var in ("kernel", "depthwise_kernel"):
                return module.conv.weight, ("depthwise" if module.depthwise else "conv")
            if var == "bias":
                return module.conv.bias, "vector"
        if isinstance(module, nn.BatchNorm2d):
            return {"gamma": module.weight, "beta": module.bias, "moving_mean": module.running_mean,
                    "moving_variance": module.running_var}[var], "vector"
        if isinstance(module, Dense):
            if var == "kernel":
                return module.linear.weight, "dense"
            if var == "bias":
                return module.linear.bias, "vector"
        raise KeyError(f"no tensor for {weight_name}")

    @staticmethod
    def _to_torch(array, layout):
        if layout == "conv":  # [kh,kw,in,out] → [out,in,kh,kw]
            return array.transpose(3, 2, 0, 1)
        if layout == "depthwise":  # [kh,kw,in,mult] → [in*mult,1,kh,kw]
            kh, kw, cin, mult = array.shape
            return array.reshape(kh, kw, cin * mult, 1).transpose(2, 3, 0, 1)
        if layout == "dense":  # [in,out] → [out,in]
            return array.T
        return array

    @staticmethod
    def _to_keras(array, layout, shape):
        if layout == "conv":
            return array.transpose(2, 3, 1, 0)
        if layout == "depthwise":
            return array.transpose(2, 3, 0, 1).reshape(shape)
        if layout == "dense":
            return array.T
        return array

    def load_tfjs_weights(self, manifest, data):
        offset = 0
        for spec in manifest:
            if spec["dtype"] != "float32":
                raise ValueError(f"{spec['name']}: only float32 weights are read")
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            array = np.frombuffer(data, dtype="<f4", count=count, offset=offset).reshape(spec["shape"])
            offset += count * 4
            tensor, layout = self._tensor_for(spec["name"])
            value = torch.from_numpy(np.array(self._to_torch(array, layout)))  # a writable copy
            if tuple(value.shape) != tuple(tensor.shape):
                raise ValueError(f"{spec['name']}: shape {tuple(value.shape)} ≠ {tuple(tensor.shape)}")
            with torch.no_grad():
                tensor.copy_(value)
        if offset != len(data):
            raise ValueError(f"weights.bin holds {len(data)} bytes, the manifest {offset}")

    def tfjs_weights_bytes(self, manifest):
        chunks = []
        for spec in manifest:
            tensor, layout = self._tensor_for(spec["name"])
            array = self._to_keras(tensor.detach().cpu().numpy().astype("<f4"), layout, spec["shape"])
            if list(array.shape) != list(spec["shape"]):
                raise ValueError(f"{spec['name']}: shape {array.shape} ≠ {spec['shape']}")
            chunks.append(np.ascontiguousarray(array).tobytes())
        return b"".join(chunks)


def read_model_folder(folder):
    with open(os.path.join(folder, "model.json"), encoding="utf8") as f:
        model_json = json.load(f)
    manifest = [w for group in model_json["weightsManifest"] for w in group["weights"]]
    data = b""
    for group in model_json["weightsManifest"]:
        for p in group["paths"]:
            with open(os.path.join(folder, p), "rb") as f:
                data += f.read()
    return model_json, manifest, data


def load_network(folder, bn_momentum=0.01):
    model_json, manifest, data = read_model_folder(folder)
    net = KerasGraph(model_json["modelTopology"], bn_momentum=bn_momentum)
    net.load_tfjs_weights(manifest, data)
    return net, model_json, manifest


def head_name(net):
    return [name for name, cls, _ in net.nodes if cls == "Dense"][-1]


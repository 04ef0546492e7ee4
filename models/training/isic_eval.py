"""The ISIC models' input and held-out evaluation, shared by isic-vit and isic-cnn so both cards
report the same figures computed the same way: ImageNet normalisation of uint8 HWC images, batched
prediction, balanced accuracy, macro AUC and per-class recall."""
import torch

from training import data_isic
from training.metrics import balanced_accuracy, macro_auc, per_class_recall

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def to_input(images_u8):
    x = torch.from_numpy(images_u8).permute(0, 3, 1, 2).float() / 255.0
    return (x - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None]


def predict(model, images_u8, batch=256):
    with torch.no_grad():
        return torch.cat([model(to_input(images_u8[i:i + batch])) for i in range(0, len(images_u8), batch)])


def evaluate(logits, labels):
    probs = torch.softmax(logits, 1).numpy()
    pred = probs.argmax(1)
    k = len(data_isic.CLASSES)
    recall = per_class_recall(pred, labels, k)
    return {'balanced accuracy': balanced_accuracy(pred, labels, k), 'macro AUC': macro_auc(probs, labels, k),
            **{f'recall {c}': r for c, r in zip(data_isic.CLASSES, recall)}}

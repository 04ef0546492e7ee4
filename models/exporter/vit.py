"""A timm/DINO-style Vision Transformer: patch embedding, CLS token (and optional register
tokens), learned position embedding, pre-norm blocks with fused-qkv attention (bias optional),
optional LayerScale and a GELU MLP, a final norm and one linear layer for all output heads
(their units concatenated, as the manifest lists them).

The defaults are the project's own ViT (models/*/train.py); the options cover the published
layouts `exporter/import_vit.py` reads:
- `qkv_bias`, `layer_scale`, `registers` (DINOv2: dinov2/layers/{attention,layer_scale}.py,
  dinov2/models/vision_transformer.py — register tokens go after CLS, without position
  embedding, and are no patches: attention and CDAM cover the patch tokens only);
- `eps` (1e-6 for timm/DINO/DINOv2, 1e-12 for Hugging Face ViT), `gelu` ('erf' or 'tanh');
- the head's input `features`: ('cls', j) = the CLS token after the final norm of the output of
  the j-th block before the last (DINO/DINOv2 linear evaluation reads the last n blocks),
  ('avg', 0) = the final-normed patch tokens of the last block, averaged (timm global_pool='avg',
  DINOv2 / HF Dinov2ForImageClassification); `final_norm` off and `fc_norm` on for timm's
  average-pooled models (timm/models/vision_transformer.py: norm = Identity, fc_norm after pool).

The residual stream the tail graph takes is [CLS, registers, patches] entering the last block,
followed by the raw CLS rows of earlier blocks' outputs that the head reads and that cannot be
recomputed from it ("carried" rows: blocks two or more before the last); `forward_parts`
returns it with the last block's attention, the embedding and the outputs.
"""
from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class VitConfig:
    img_size: int
    patch_size: int
    in_chans: int
    dim: int
    depth: int
    heads: int
    n_outputs: int
    mlp_ratio: float = 4.0
    eps: float = 1e-6
    qkv_bias: bool = True
    layer_scale: bool = False
    registers: int = 0
    gelu: str = 'erf'  # 'erf' (exact) or 'tanh' (the approximation)
    final_norm: bool = True
    fc_norm: bool = False
    features: tuple = (('cls', 0),)
    mlp_hidden: int = 0  # 0: dim·mlp_ratio

    @property
    def grid(self) -> int:
        return self.img_size // self.patch_size

    @property
    def tokens(self) -> int:
        """Patches plus CLS (without registers)."""
        return self.grid * self.grid + 1

    @property
    def patch_start(self) -> int:
        return 1 + self.registers

    @property
    def stream_tokens(self) -> int:
        """Rows of the transformer's token sequence: CLS, registers, patches."""
        return self.grid * self.grid + 1 + self.registers

    @property
    def carried(self) -> int:
        """CLS rows of blocks two or more before the last that the head reads (see module doc)."""
        return max([j - 1 for kind, j in self.features if kind == 'cls' and j >= 2], default=0)

    @property
    def residual_tokens(self) -> int:
        return self.stream_tokens + self.carried

    @property
    def extra_tokens(self) -> int:
        """Rows of the residual that are neither CLS nor patches (registers, carried rows)."""
        return self.registers + self.carried

    @property
    def feature_dim(self) -> int:
        return self.dim * len(self.features)

    @property
    def hidden(self) -> int:
        return self.mlp_hidden or int(self.dim * self.mlp_ratio)


class Attention(nn.Module):
    def __init__(self, dim: int, heads: int, qkv_bias: bool = True):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        out = (attn @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(out), attn


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int, gelu: str = 'erf'):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        # exact (erf) GELU, as timm, DINO, DINOv2 and HF ViT ("gelu") use; 'tanh' for "gelu_new"
        self.act = nn.GELU() if gelu == 'erf' else nn.GELU(approximate='tanh')
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class LayerScale(nn.Module):
    """DINOv2's dinov2/layers/layer_scale.py: x·γ per feature."""

    def __init__(self, dim: int):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * self.gamma


class Block(nn.Module):
    def __init__(self, cfg: VitConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(cfg.dim, eps=cfg.eps)
        self.attn = Attention(cfg.dim, cfg.heads, cfg.qkv_bias)
        self.norm2 = nn.LayerNorm(cfg.dim, eps=cfg.eps)
        self.mlp = Mlp(cfg.dim, cfg.hidden, cfg.gelu)
        if cfg.layer_scale:
            self.ls1, self.ls2 = LayerScale(cfg.dim), LayerScale(cfg.dim)
        else:
            self.ls1 = self.ls2 = None

    def forward(self, x):
        y, attn = self.attn(self.norm1(x))
        if self.ls1 is None:
            x = x + y
            return x + self.mlp(self.norm2(x)), attn
        x = x + self.ls1(y)
        return x + self.ls2(self.mlp(self.norm2(x))), attn


class ViT(nn.Module):
    def __init__(self, cfg: VitConfig):
        super().__init__()
        self.cfg = cfg
        self.patch_embed = nn.Conv2d(cfg.in_chans, cfg.dim, kernel_size=cfg.patch_size, stride=cfg.patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, cfg.tokens, cfg.dim))
        if cfg.registers:
            self.reg_token = nn.Parameter(torch.zeros(1, cfg.registers, cfg.dim))
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.depth))
        self.norm = nn.LayerNorm(cfg.dim, eps=cfg.eps) if cfg.final_norm else nn.Identity()
        if cfg.fc_norm:
            self.fc_norm = nn.LayerNorm(cfg.feature_dim, eps=cfg.eps)
        self.head = nn.Linear(cfg.feature_dim, cfg.n_outputs)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)

    def tokens_in(self, image):
        x = self.patch_embed(image).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
        x = x + self.pos_embed
        if self.cfg.registers:
            x = torch.cat([x[:, :1], self.reg_token.expand(x.shape[0], -1, -1), x[:, 1:]], dim=1)
        return x

    def residual_in(self, image):
        """The residual tensor entering the last block: the token stream, then the carried rows."""
        x = self.tokens_in(image)
        earlier = []
        for block in self.blocks[:-1]:
            x, _ = block(x)
            earlier.append(x)
        carried = self.cfg.carried
        if not carried:
            return x
        # carried row r (0-based) is the CLS of block output index −(r+3) (the row j = r+2 before the last)
        rows = [earlier[-(r + 2)][:, :1] for r in range(carried)]
        return torch.cat([x] + rows, dim=1)

    def head_features(self, y, residual):
        """The head's input from the final-normed last-block tokens y and the residual tensor."""
        cfg = self.cfg
        parts = []
        for kind, j in cfg.features:
            if kind == 'avg':
                parts.append(y[:, cfg.patch_start:].mean(1))
            elif j == 0:
                parts.append(y[:, 0])
            elif j == 1:
                parts.append(self.norm(residual[:, 0]))
            else:
                parts.append(self.norm(residual[:, cfg.stream_tokens + j - 2]))
        phi = parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1)
        return self.fc_norm(phi) if cfg.fc_norm else phi

    def embedding_of(self, y, phi):
        """The D-vector concept CDAM scores: the head's input if it is one D-vector, else the last
        block's CLS token after the final norm."""
        return phi if self.cfg.feature_dim == self.cfg.dim else y[:, 0]

    def from_residual(self, residual):
        cfg = self.cfg
        stream = residual if not cfg.carried else residual[:, :cfg.stream_tokens]
        x, attn = self.blocks[-1](stream)
        if cfg.features == (('cls', 0),) and not cfg.fc_norm:
            embedding = self.norm(x)[:, 0]
            return {'outputs': self.head(embedding), 'embedding': embedding, 'attention': attn}
        y = self.norm(x)
        phi = self.head_features(y, residual)
        return {'outputs': self.head(phi), 'embedding': self.embedding_of(y, phi), 'attention': attn}

    def forward_parts(self, image):
        residual = self.residual_in(image)
        parts = self.from_residual(residual)
        parts['residual'] = residual
        return parts

    def forward(self, image):
        return self.forward_parts(image)['outputs']

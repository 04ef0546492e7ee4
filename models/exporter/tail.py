"""The CDAM tail: from the residual stream entering the last block, the model's outputs and the
CDAM map, with the last block's backward pass written out as plain tensor ops, because ONNX
Runtime has no autograd.

Explained score, per batch row:  f = Σ_k seed_k · output_k + ⟨embedding, concept⟩
CDAM (Brocki, Binda, Chung):      cdam_i = Σ_d T_id · ∂f/∂T_id,  T = blocks[-1].norm1(residual)
for the patch tokens i ≥ 1 (obzai/CDAM, maps.py `get_concept_map`).

Only the CLS row reaches the outputs, so after the attention only that row is carried forward,
and the backward pass starts from it. The derivation, step by step, is in the comments; the
exporter checks the result against torch.autograd and refuses to write a pack that differs.
"""
import math

import torch
from torch import nn

from .vit import ViT


def _layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    rstd = torch.rsqrt(var + eps)
    xhat = (x - mean) * rstd
    return xhat * weight + bias, xhat, rstd


def _layer_norm_backward(grad_out, xhat, rstd, weight):
    # y = xhat·γ + β, xhat = (x − μ)·rstd  ⇒  ∂f/∂x = rstd·(ĝ − mean(ĝ) − xhat·mean(ĝ·xhat)), ĝ = γ·∂f/∂y
    g = grad_out * weight
    return rstd * (g - g.mean(-1, keepdim=True) - xhat * (g * xhat).mean(-1, keepdim=True))


def _gelu_grad(h):
    # GELU(h) = h·Φ(h)  ⇒  GELU'(h) = Φ(h) + h·φ(h)
    cdf = 0.5 * (1.0 + torch.erf(h / math.sqrt(2.0)))
    pdf = torch.exp(-0.5 * h * h) / math.sqrt(2.0 * math.pi)
    return cdf + h * pdf


class CdamTail(nn.Module):
    def __init__(self, vit: ViT):
        super().__init__()
        block = vit.blocks[-1]
        self.heads = block.attn.heads
        self.scale = block.attn.scale
        self.eps1, self.eps2, self.eps_f = block.norm1.eps, block.norm2.eps, vit.norm.eps
        for name, t in {
            'n1_w': block.norm1.weight, 'n1_b': block.norm1.bias,
            'qkv_w': block.attn.qkv.weight, 'qkv_b': block.attn.qkv.bias,
            'proj_w': block.attn.proj.weight, 'proj_b': block.attn.proj.bias,
            'n2_w': block.norm2.weight, 'n2_b': block.norm2.bias,
            'fc1_w': block.mlp.fc1.weight, 'fc1_b': block.mlp.fc1.bias,
            'fc2_w': block.mlp.fc2.weight, 'fc2_b': block.mlp.fc2.bias,
            'nf_w': vit.norm.weight, 'nf_b': vit.norm.bias,
            'head_w': vit.head.weight, 'head_b': vit.head.bias,
        }.items():
            self.register_buffer(name, t.detach().clone())

    def forward(self, residual, seed, concept):
        b, n, d = residual.shape
        h, dh = self.heads, d // self.heads

        # ---- forward through the last block, keeping what the backward pass needs ----
        tokens, _, _ = _layer_norm(residual, self.n1_w, self.n1_b, self.eps1)           # T: [B, N, D]
        qkv = (tokens @ self.qkv_w.t() + self.qkv_b).reshape(b, n, 3, h, dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]                                              # [B, H, N, dh]
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)               # [B, H, N, N]
        # Only the CLS query row matters downstream.
        a0 = attn[:, :, 0, :]                                                          # [B, H, N]
        o0 = (a0.unsqueeze(-2) @ v).squeeze(-2)                                        # [B, H, dh]
        x1 = residual[:, 0] + o0.reshape(b, d) @ self.proj_w.t() + self.proj_b         # [B, D]
        u, xhat2, rstd2 = _layer_norm(x1, self.n2_w, self.n2_b, self.eps2)
        hidden = u @ self.fc1_w.t() + self.fc1_b
        x2 = x1 + torch.nn.functional.gelu(hidden) @ self.fc2_w.t() + self.fc2_b
        emb, xhat_f, rstd_f = _layer_norm(x2, self.nf_w, self.nf_b, self.eps_f)
        outputs = emb @ self.head_w.t() + self.head_b                                  # [B, K]

        # ---- backward of f = seed·outputs + concept·emb, by hand ----
        g_emb = seed @ self.head_w + concept                                           # ∂f/∂emb
        g_x2 = _layer_norm_backward(g_emb, xhat_f, rstd_f, self.nf_w)                  # ∂f/∂x2
        g_hidden = (g_x2 @ self.fc2_w) * _gelu_grad(hidden)
        g_x1 = g_x2 + _layer_norm_backward(g_hidden @ self.fc1_w, xhat2, rstd2, self.n2_w)
        g_o0 = (g_x1 @ self.proj_w).reshape(b, h, dh)                                  # ∂f/∂(attention output, CLS row)
        # o0 = Σ_j a0_j v_j  ⇒  ∂f/∂a0_j = g_o0·v_j,  ∂f/∂v_j = a0_j·g_o0
        g_a0 = (v @ g_o0.unsqueeze(-1)).squeeze(-1)                                    # [B, H, N]
        g_v = a0.unsqueeze(-1) * g_o0.unsqueeze(-2)                                    # [B, H, N, dh]
        # softmax backward on the CLS row: ∂f/∂logit_j = a0_j·(∂f/∂a0_j − Σ_l a0_l ∂f/∂a0_l)
        g_logit = a0 * (g_a0 - (a0 * g_a0).sum(-1, keepdim=True))
        # logit_j = scale·q0·k_j  ⇒  ∂f/∂q0 = scale·Σ_j g_logit_j k_j,  ∂f/∂k_j = scale·g_logit_j q0
        g_q0 = self.scale * (g_logit.unsqueeze(-2) @ k).squeeze(-2)                    # [B, H, dh]
        g_k = self.scale * g_logit.unsqueeze(-1) * q[:, :, :1, :]                      # [B, H, N, dh]
        # Queries of other tokens do not reach the CLS row: their gradient is zero.
        g_q = torch.cat([g_q0.unsqueeze(-2), torch.zeros_like(k[:, :, 1:, :])], dim=2)
        g_qkv = torch.stack([g_q, g_k, g_v], dim=0).permute(1, 3, 0, 2, 4).reshape(b, n, 3 * d)
        g_tokens = g_qkv @ self.qkv_w                                                  # ∂f/∂T
        cdam = (tokens * g_tokens).sum(-1)[:, 1:]                                      # [B, N−1]
        return outputs, cdam

"""The CDAM tail: from the residual stream entering the last block, the model's outputs and the
CDAM map, with the last block's backward pass written out as plain tensor ops, because ONNX
Runtime has no autograd.

Explained score, per batch row:  f = Σ_k seed_k · output_k + ⟨embedding, concept⟩
CDAM (Brocki, Binda, Chung):      cdam_i = Σ_d T_id · ∂f/∂T_id,  T = blocks[-1].norm1(residual)
for the patch tokens i ≥ 1 (obzai/CDAM, maps.py `get_concept_map`).

Only the CLS row reaches the outputs, so only the CLS query is formed, and the backward pass is
folded into per-token dot products (no N×N attention, no key/value matrices, no N×D×D
backward matmul): the cost per map is a small multiple of N·D·heads, which is what makes
Smooth and Integrated CDAM (50 maps, one batched call) cheap. The algebra is exact, step by
step in the comments; the exporter checks the result against torch.autograd and refuses to
write a pack that differs.
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

    def cls_forward(self, residual):
        """The last block, the final norm and the head, for the CLS query only.

        Only the CLS row of the attention reaches the outputs. Keys and values of all tokens are
        never formed: with u_h = W_k,hᵀ q0_h the CLS logits are scale·(T_i·u_h + b_k,h·q0_h), and
        the CLS output of head h is W_v,h (Σ_i a_hi T_i) + b_v,h (the weights sum to one)."""
        b, n, d = residual.shape
        h, dh = self.heads, d // self.heads
        w_q, w_k, w_v = self.qkv_w[:d], self.qkv_w[d:2 * d], self.qkv_w[2 * d:]
        b_q, b_k, b_v = self.qkv_b[:d], self.qkv_b[d:2 * d], self.qkv_b[2 * d:]
        w_k_heads = w_k.reshape(h, dh, d)                                                # [H, dh, D]
        w_v_heads = w_v.reshape(h, dh, d)
        tokens, _, _ = _layer_norm(residual, self.n1_w, self.n1_b, self.eps1)           # T: [B, N, D]
        q0 = (tokens[:, 0] @ w_q.t() + b_q).reshape(b, h, 1, dh)                         # [B, H, 1, dh]
        u = (q0 @ w_k_heads).squeeze(-2)                                                # [B, H, D]
        t_dot_u = u @ tokens.transpose(1, 2)                                            # T_i·u_h: [B, H, N]
        q0_dot_bk = (q0.squeeze(-2) * b_k.reshape(h, dh)).sum(-1, keepdim=True)        # [B, H, 1]
        a0 = (self.scale * (t_dot_u + q0_dot_bk)).softmax(dim=-1)                       # [B, H, N]
        t_bar = a0 @ tokens                                                             # Σ_i a_hi T_i: [B, H, D]
        o0 = (t_bar.unsqueeze(-2) @ w_v_heads.transpose(1, 2)).squeeze(-2) + b_v.reshape(h, dh)  # [B, H, dh]
        x1 = residual[:, 0] + o0.reshape(b, d) @ self.proj_w.t() + self.proj_b          # [B, D]
        u2, xhat2, rstd2 = _layer_norm(x1, self.n2_w, self.n2_b, self.eps2)
        hidden = u2 @ self.fc1_w.t() + self.fc1_b
        x2 = x1 + torch.nn.functional.gelu(hidden) @ self.fc2_w.t() + self.fc2_b
        emb, xhat_f, rstd_f = _layer_norm(x2, self.nf_w, self.nf_b, self.eps_f)
        outputs = emb @ self.head_w.t() + self.head_b                                   # [B, K]
        return {'tokens': tokens, 't_dot_u': t_dot_u, 'a0': a0, 'hidden': hidden, 'xhat2': xhat2, 'rstd2': rstd2,
                'xhat_f': xhat_f, 'rstd_f': rstd_f, 'embedding': emb, 'outputs': outputs}

    def forward(self, residual, seed, concept):
        b, n, d = residual.shape
        h, dh = self.heads, d // self.heads
        w_v_heads = self.qkv_w[2 * d:].reshape(h, dh, d)
        b_v = self.qkv_b[2 * d:]
        f = self.cls_forward(residual)
        tokens, t_dot_u, a0, hidden = f['tokens'], f['t_dot_u'], f['a0'], f['hidden']

        # ---- backward of f = seed·outputs + concept·emb, by hand ----
        g_emb = seed @ self.head_w + concept                                            # ∂f/∂emb
        g_x2 = _layer_norm_backward(g_emb, f['xhat_f'], f['rstd_f'], self.nf_w)                   # ∂f/∂x2
        g_hidden = (g_x2 @ self.fc2_w) * _gelu_grad(hidden)
        g_x1 = g_x2 + _layer_norm_backward(g_hidden @ self.fc1_w, f['xhat2'], f['rstd2'], self.n2_w)
        g_o0 = (g_x1 @ self.proj_w).reshape(b, h, 1, dh)                                # ∂f/∂o0_h
        # o0_h = Σ_i a_hi v_hi  ⇒  ∂f/∂a_hi = g_o0_h·v_hi = T_i·w_h + g_o0_h·b_v,h  with w_h = W_v,hᵀ g_o0_h
        w = (g_o0 @ w_v_heads).squeeze(-2)                                              # [B, H, D]
        t_dot_w = w @ tokens.transpose(1, 2)                                            # T_i·w_h: [B, H, N]
        g_a0 = t_dot_w + (g_o0.squeeze(-2) * b_v.reshape(h, dh)).sum(-1, keepdim=True)
        # softmax backward on the CLS row: ∂f/∂logit_hi = a_hi·(∂f/∂a_hi − Σ_l a_hl ∂f/∂a_hl)
        g_logit = a0 * (g_a0 - (a0 * g_a0).sum(-1, keepdim=True))
        # Token i ≥ 1 reaches f through its key and its value only:
        #   ∂f/∂k_hi = scale·g_logit_hi·q0_h  and  ∂f/∂v_hi = a_hi·g_o0_h, so with T_i's part of
        #   k and v being W_k T_i and W_v T_i:  T_i·∂f/∂T_i = Σ_h scale·g_logit_hi·(T_i·u_h) + a_hi·(T_i·w_h).
        cdam = (self.scale * g_logit * t_dot_u + a0 * t_dot_w).sum(1)[:, 1:]            # [B, N−1]
        return f['outputs'], cdam


class Backbone(nn.Module):
    """What backbone.onnx computes: image → outputs, CLS attention per head over the patch tokens,
    the residual stream entering the last block, and the CLS embedding. The last block runs for
    the CLS query only (the same exact algebra as the tail), since nothing else of it is used."""

    def __init__(self, vit: ViT):
        super().__init__()
        self.vit = vit
        self.last = CdamTail(vit)

    def forward(self, image):
        x = self.vit.tokens_in(image)
        for block in self.vit.blocks[:-1]:
            x, _ = block(x)
        f = self.last.cls_forward(x)
        return f['outputs'], f['a0'][:, :, 1:], x, f['embedding']

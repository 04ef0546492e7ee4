"""The CDAM tail: from the residual stream entering the last block, the model's outputs and the
CDAM map, with the last block's backward pass written out as plain tensor ops, because ONNX
Runtime has no autograd.

Explained score, per batch row:  f = Σ_k seed_k · output_k + ⟨embedding, concept⟩
CDAM (Brocki, Binda, Chung):      cdam_i = Σ_d T_id · ∂f/∂T_id,  T = blocks[-1].norm1(residual)
for the patch tokens i (obzai/CDAM, maps.py `get_concept_map`; registers are not patches).

Two graphs, picked by what the head reads (vit.py, `features`):
- `CdamTail` — heads that read the last block's CLS token (and earlier blocks' CLS tokens,
  which do not depend on T): only the CLS row reaches the outputs, so only the CLS query is
  formed, and the backward pass is folded into per-token dot products (no N×N attention, no
  key/value matrices, no N×D×D backward matmul): the cost per map is a small multiple of
  N·D·heads, which is what makes Smooth and Integrated CDAM (50 maps, one batched call) cheap.
- `FullCdamTail` — heads that also read the average of the patch tokens (timm global_pool='avg',
  DINOv2 / Hugging Face Dinov2 linear heads): every token's output reaches f, so the whole last
  block runs forward and backward (N×N attention per head).
The algebra is exact, step by step in the comments; the exporter checks the result against
torch.autograd and refuses to write a pack that differs. LayerScale (DINOv2) is folded into the
projection and fc2 weights (γ⊙(Wx + b) = (diag γ W)x + γ⊙b); a qkv without bias gets zeros.
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


def _gelu_tanh_grad(h):
    # GELU(h) ≈ ½h(1 + tanh u), u = √(2/π)(h + 0.044715h³)
    #   ⇒ ½(1 + tanh u) + ½h(1 − tanh² u)·√(2/π)(1 + 3·0.044715h²)
    c = math.sqrt(2.0 / math.pi)
    t = torch.tanh(c * (h + 0.044715 * h * h * h))
    return 0.5 * (1.0 + t) + 0.5 * h * (1.0 - t * t) * c * (1.0 + 3 * 0.044715 * h * h)


class _TailBase(nn.Module):
    def __init__(self, vit: ViT):
        super().__init__()
        cfg = vit.cfg
        block = vit.blocks[-1]
        self.heads = block.attn.heads
        self.scale = block.attn.scale
        self.eps1, self.eps2 = block.norm1.eps, block.norm2.eps
        self.eps_f = vit.norm.eps if cfg.final_norm else None
        self.gelu = cfg.gelu
        self.stream, self.patch_start, self.carried = cfg.stream_tokens, cfg.patch_start, cfg.carried
        self.features, self.fc_norm = tuple(cfg.features), cfg.fc_norm
        self.plain_head = self.features == (('cls', 0),) and not cfg.fc_norm
        self.embedding_is_phi = cfg.feature_dim == cfg.dim
        d = cfg.dim
        proj_w, proj_b = block.attn.proj.weight, block.attn.proj.bias
        fc2_w, fc2_b = block.mlp.fc2.weight, block.mlp.fc2.bias
        if block.ls1 is not None:
            g1, g2 = block.ls1.gamma, block.ls2.gamma
            proj_w, proj_b = g1[:, None] * proj_w, g1 * proj_b
            fc2_w, fc2_b = g2[:, None] * fc2_w, g2 * fc2_b
        qkv_b = block.attn.qkv.bias
        if qkv_b is None:
            qkv_b = torch.zeros(3 * d, dtype=block.attn.qkv.weight.dtype)
        tensors = {
            'n1_w': block.norm1.weight, 'n1_b': block.norm1.bias,
            'qkv_w': block.attn.qkv.weight, 'qkv_b': qkv_b,
            'proj_w': proj_w, 'proj_b': proj_b,
            'n2_w': block.norm2.weight, 'n2_b': block.norm2.bias,
            'fc1_w': block.mlp.fc1.weight, 'fc1_b': block.mlp.fc1.bias,
            'fc2_w': fc2_w, 'fc2_b': fc2_b,
            'head_w': vit.head.weight, 'head_b': vit.head.bias,
        }
        if cfg.final_norm:
            tensors.update({'nf_w': vit.norm.weight, 'nf_b': vit.norm.bias})
        if cfg.fc_norm:
            self.eps_fc = vit.fc_norm.eps
            tensors.update({'fc_w': vit.fc_norm.weight, 'fc_b': vit.fc_norm.bias})
        for name, t in tensors.items():
            self.register_buffer(name, t.detach().clone())

    def _act(self, hidden):
        if self.gelu == 'erf':
            return torch.nn.functional.gelu(hidden)
        return torch.nn.functional.gelu(hidden, approximate='tanh')

    def _act_grad(self, hidden):
        return _gelu_grad(hidden) if self.gelu == 'erf' else _gelu_tanh_grad(hidden)

    def _final_norm(self, x):
        if self.eps_f is None:
            return x, None, None
        return _layer_norm(x, self.nf_w, self.nf_b, self.eps_f)

    def _final_norm_backward(self, g, xhat, rstd):
        return g if self.eps_f is None else _layer_norm_backward(g, xhat, rstd, self.nf_w)

    def _head(self, residual, last_cls, last_avg):
        """φ (the head's input), the embedding, the outputs, and what the backward pass needs.
        last_cls / last_avg: the last block's final-normed CLS token / patch-token average."""
        parts = []
        for kind, j in self.features:
            if kind == 'avg':
                parts.append(last_avg)
            elif j == 0:
                parts.append(last_cls)
            else:
                row = residual[:, 0] if j == 1 else residual[:, self.stream + j - 2]
                parts.append(self._final_norm(row)[0])
        phi = parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1)
        saved = {}
        if self.fc_norm:
            phi, saved['xhat_fc'], saved['rstd_fc'] = _layer_norm(phi, self.fc_w, self.fc_b, self.eps_fc)
        embedding = phi if self.embedding_is_phi else last_cls
        return embedding, phi @ self.head_w.t() + self.head_b, saved

    def _head_backward(self, seed, concept, saved):
        """∂f/∂(last block's final-normed CLS) and ∂f/∂(its patch average); None where not read."""
        g_phi = seed @ self.head_w
        if self.embedding_is_phi:
            g_phi = g_phi + concept
        if self.fc_norm:
            g_phi = _layer_norm_backward(g_phi, saved['xhat_fc'], saved['rstd_fc'], self.fc_w)
        d = self.head_w.shape[1] // len(self.features)
        g_cls = g_avg = None
        for i, (kind, j) in enumerate(self.features):
            if kind == 'avg':
                g_avg = g_phi[:, i * d:(i + 1) * d]
            elif j == 0:
                g_cls = g_phi[:, i * d:(i + 1) * d]
        if not self.embedding_is_phi:
            g_cls = concept if g_cls is None else g_cls + concept
        return g_cls, g_avg


class CdamTail(_TailBase):
    def cls_forward(self, residual):
        """The last block, the final norm and the head, for the CLS query only.

        Only the CLS row of the attention reaches the outputs. Keys and values of all tokens are
        never formed: with u_h = W_k,hᵀ q0_h the CLS logits are scale·(T_i·u_h + b_k,h·q0_h), and
        the CLS output of head h is W_v,h (Σ_i a_hi T_i) + b_v,h (the weights sum to one)."""
        if self.carried:
            residual_all, residual = residual, residual[:, :self.stream]
        else:
            residual_all = residual
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
        x2 = x1 + self._act(hidden) @ self.fc2_w.t() + self.fc2_b
        emb, xhat_f, rstd_f = self._final_norm(x2)
        if self.plain_head:
            outputs, saved = emb @ self.head_w.t() + self.head_b, {}                    # [B, K]
        else:
            emb, outputs, saved = self._head(residual_all, emb, None)
        return {'tokens': tokens, 't_dot_u': t_dot_u, 'a0': a0, 'hidden': hidden, 'xhat2': xhat2, 'rstd2': rstd2,
                'xhat_f': xhat_f, 'rstd_f': rstd_f, 'embedding': emb, 'outputs': outputs, 'saved': saved}

    def forward(self, residual, seed, concept):
        b, d = residual.shape[0], residual.shape[2]
        h, dh = self.heads, d // self.heads
        w_v_heads = self.qkv_w[2 * d:].reshape(h, dh, d)
        b_v = self.qkv_b[2 * d:]
        f = self.cls_forward(residual)
        tokens, t_dot_u, a0, hidden = f['tokens'], f['t_dot_u'], f['a0'], f['hidden']

        # ---- backward of f = seed·outputs + concept·emb, by hand ----
        if self.plain_head:
            g_emb = seed @ self.head_w + concept                                        # ∂f/∂emb
        else:
            g_emb, _ = self._head_backward(seed, concept, f['saved'])                   # ∂f/∂(last CLS, normed)
        g_x2 = self._final_norm_backward(g_emb, f['xhat_f'], f['rstd_f'])               # ∂f/∂x2
        g_hidden = (g_x2 @ self.fc2_w) * self._act_grad(hidden)
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
        cdam = (self.scale * g_logit * t_dot_u + a0 * t_dot_w).sum(1)[:, self.patch_start:]  # [B, N]
        return f['outputs'], cdam


class FullCdamTail(_TailBase):
    """The whole last block forward and backward, for heads that read the patch tokens too."""

    def full_forward(self, residual):
        residual_all = residual
        if self.carried:
            residual = residual[:, :self.stream]
        b, n, d = residual.shape
        h, dh = self.heads, d // self.heads
        tokens, _, _ = _layer_norm(residual, self.n1_w, self.n1_b, self.eps1)           # T: [B, S, D]
        qkv = (tokens @ self.qkv_w.t() + self.qkv_b).reshape(b, n, 3, h, dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]                                                # [B, H, S, dh]
        a = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)                    # [B, H, S, S]
        o = (a @ v).transpose(1, 2).reshape(b, n, d)
        x1 = residual + o @ self.proj_w.t() + self.proj_b
        u2, xhat2, rstd2 = _layer_norm(x1, self.n2_w, self.n2_b, self.eps2)
        hidden = u2 @ self.fc1_w.t() + self.fc1_b
        x2 = x1 + self._act(hidden) @ self.fc2_w.t() + self.fc2_b
        y, xhat_f, rstd_f = self._final_norm(x2)
        emb, outputs, saved = self._head(residual_all, y[:, 0], y[:, self.patch_start:].mean(1))
        return {'tokens': tokens, 'q': q, 'k': k, 'v': v, 'a': a, 'hidden': hidden, 'xhat2': xhat2, 'rstd2': rstd2,
                'xhat_f': xhat_f, 'rstd_f': rstd_f, 'embedding': emb, 'outputs': outputs, 'saved': saved,
                'a0': a[:, :, 0]}

    def forward(self, residual, seed, concept):
        b, d = residual.shape[0], residual.shape[2]
        h, dh = self.heads, d // self.heads
        f = self.full_forward(residual)
        n = f['tokens'].shape[1]
        g_cls, g_avg = self._head_backward(seed, concept, f['saved'])
        # ∂f/∂y: the CLS row gets g_cls, every patch row g_avg / (number of patches)
        zero_row = torch.zeros_like(g_avg).unsqueeze(1)                                 # [B, 1, D]
        rows = [g_cls.unsqueeze(1) if g_cls is not None else zero_row]
        if self.patch_start > 1:
            rows.append(zero_row.expand(b, self.patch_start - 1, d))
        patches = n - self.patch_start
        rows.append((g_avg / patches).unsqueeze(1).expand(b, patches, d))
        g_y = torch.cat(rows, dim=1)                                                    # [B, S, D]
        g_x2 = self._final_norm_backward(g_y, f['xhat_f'], f['rstd_f'])
        g_hidden = (g_x2 @ self.fc2_w) * self._act_grad(f['hidden'])
        g_x1 = g_x2 + _layer_norm_backward(g_hidden @ self.fc1_w, f['xhat2'], f['rstd2'], self.n2_w)
        g_o = (g_x1 @ self.proj_w).reshape(b, n, h, dh).transpose(1, 2)                 # ∂f/∂o: [B, H, S, dh]
        q, k, v, a = f['q'], f['k'], f['v'], f['a']
        # o = a·v  ⇒  ∂f/∂a = g_o·vᵀ, ∂f/∂v = aᵀ·g_o; softmax rows; logits = scale·q·kᵀ
        g_a = g_o @ v.transpose(-2, -1)
        g_logit = a * (g_a - (a * g_a).sum(-1, keepdim=True))
        g_q = self.scale * (g_logit @ k)
        g_k = self.scale * (g_logit.transpose(-2, -1) @ q)
        g_v = a.transpose(-2, -1) @ g_o
        # T_i·∂f/∂T_i = Σ_h (W_q,h T_i)·∂f/∂q_hi + (W_k,h T_i)·∂f/∂k_hi + (W_v,h T_i)·∂f/∂v_hi,
        # and W_·,h T_i is q/k/v less its bias.
        bq, bk, bv = (self.qkv_b[i * d:(i + 1) * d].reshape(1, h, 1, dh) for i in range(3))
        cdam = ((q - bq) * g_q + (k - bk) * g_k + (v - bv) * g_v).sum(-1).sum(1)        # [B, S]
        return f['outputs'], cdam[:, self.patch_start:]


def make_tail(vit: ViT):
    """The tail graph for this ViT's head (module doc)."""
    return FullCdamTail(vit) if any(kind == 'avg' for kind, _ in vit.cfg.features) else CdamTail(vit)


class Backbone(nn.Module):
    """What backbone.onnx computes: image → outputs, CLS attention per head over the patch tokens,
    the residual stream entering the last block, and the CLS embedding. The last block runs for
    the CLS query only (the same exact algebra as the tail) unless the head reads the patch tokens."""

    def __init__(self, vit: ViT):
        super().__init__()
        self.vit = vit
        self.last = make_tail(vit)

    def forward(self, image):
        x = self.vit.residual_in(image)
        f = self.last.full_forward(x) if isinstance(self.last, FullCdamTail) else self.last.cls_forward(x)
        return f['outputs'], f['a0'][:, :, self.vit.cfg.patch_start:], x, f['embedding']

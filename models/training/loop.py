"""A small, seeded training loop with AdamW, warm-up and cosine decay, a wall-clock budget, and
the best validation checkpoint kept."""
import copy
import math
import time

import torch


def train(model, batches, evaluate, *, epochs, lr=5e-4, weight_decay=0.05, warmup_epochs=2, budget_s=None, log=print):
    """batches(epoch) yields (loss_fn_inputs...) → the loss tensor via model; evaluate() → a score
    (higher is better). Returns the model at its best validation score and a history."""
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and 'pos_embed' not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and 'pos_embed' not in n)]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': weight_decay}, {'params': no_decay, 'weight_decay': 0.0}], lr=lr)
    best, best_state, history = -math.inf, None, []
    start = time.time()
    steps_per_epoch = None
    for epoch in range(epochs):
        model.train()
        losses = []
        for step, loss_fn in enumerate(batches(epoch)):
            if steps_per_epoch:
                progress = (epoch + step / steps_per_epoch) / epochs
                warm = min(1.0, (epoch + step / steps_per_epoch) / max(warmup_epochs, 1e-9))
                for g in opt.param_groups:
                    g['lr'] = lr * warm * 0.5 * (1 + math.cos(math.pi * progress))
            loss = loss_fn(model)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(float(loss))
        steps_per_epoch = len(losses)
        model.eval()
        with torch.no_grad():
            score = evaluate()
        history.append({'epoch': epoch + 1, 'loss': sum(losses) / len(losses), 'val': score, 'seconds': round(time.time() - start, 1)})
        log(f"epoch {epoch + 1}/{epochs} loss {history[-1]['loss']:.4f} val {score:.4f} ({history[-1]['seconds']} s)")
        if score > best:
            best, best_state = score, copy.deepcopy(model.state_dict())
        if budget_s and time.time() - start > budget_s:
            log(f'stopping after {epoch + 1} epochs: the time budget of {budget_s} s is spent')
            break
    model.load_state_dict(best_state)
    return model, history

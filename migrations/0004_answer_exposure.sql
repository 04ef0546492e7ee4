-- 0004_answer_exposure.sql: each answer version says whether the reader had already opened this case's AI output or explanation (NULL: given before this was recorded).
ALTER TABLE answer ADD COLUMN ai_seen INTEGER CHECK (ai_seen IN (0, 1));
ALTER TABLE answer ADD COLUMN explanation_seen INTEGER CHECK (explanation_seen IN (0, 1));

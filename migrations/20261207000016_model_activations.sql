-- The model history: who or what made each model the one that scores live courses, when, and
-- why. An admin's choice stands until an admin changes it; the scheduled retraining replaces
-- only a model it activated itself (or any model, where the installation opts in), and every
-- replacement it makes is recorded here with the evaluation that justified it.
create table analytics_model_activations (
    id bigint generated always as identity primary key,
    model_id bigint not null references analytics_models (id) on delete cascade,
    at timestamptz not null default now(),
    -- 'admin' (through the API, `by` naming the credential's key) or 'scheduler'.
    kind text not null check (kind in ('admin', 'scheduler')),
    by text not null,
    reason text not null,
    -- What the scheduler compared (the models' ROC AUC on the held-out course), if anything.
    evaluation jsonb
);
create index analytics_model_activations_model on analytics_model_activations (model_id, at desc);

-- The model active before the history was kept: recorded as activated when it was trained,
-- by whoever trained it.
insert into analytics_model_activations (model_id, at, kind, by, reason)
select id, created,
       case when trained_by = 'scheduler' then 'scheduler' else 'admin' end,
       trained_by, 'active before the model history was kept'
from analytics_models where active;

-- The same merge as in 20261122000002, in PL/pgSQL. A SQL function that the planner does not
-- inline (it is called from an UPDATE's join filter) parses and plans its body again in every
-- statement that calls it; PL/pgSQL keeps its expression plans for the session, so the
-- definition check of each statement insert stops paying for a parse and a plan.
create or replace function lrs_merge_definition(old jsonb, new jsonb) returns jsonb
language plpgsql immutable as $$
begin
    if old is null then
        return new;
    elsif new is null then
        return old;
    end if;
    return old || new
        || case when old ? 'name' or new ? 'name'
                then jsonb_build_object('name', coalesce(old->'name', '{}') || coalesce(new->'name', '{}'))
                else '{}' end
        || case when old ? 'description' or new ? 'description'
                then jsonb_build_object('description', coalesce(old->'description', '{}') || coalesce(new->'description', '{}'))
                else '{}' end;
end
$$;
